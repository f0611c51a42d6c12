# The two commands a newcomer needs (see README):
#   make demo   run the dashboard on the bundled Havering demo data
#   make test   run the whole test suite
# (make demo-hartlepool runs the second demo, outside London: docs/running.md "The two demos")
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Exact versions with hashes (see docs/running.md "Dependencies"); pyproject.toml keeps ranges.
LOCK := requirements/runtime.lock
TEST_LOCK := requirements/test.lock
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28 --quiet

.PHONY: demo demo-hartlepool test test-fast lint install bench lock audit docs docs-screenshots

$(BIN)/.installed: pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed $(TEST_LOCK)
	$(BIN)/pip install --quiet --require-hashes -r $(TEST_LOCK)
	touch $@

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed

demo: $(BIN)/.installed
	$(BIN)/cspdash demo --if-empty
	$(BIN)/cspdash serve

# The second demo, outside London: Hartlepool, in its own database (the home area is a setting).
HARTLEPOOL_DB ?= sqlite:///$(CURDIR)/data/hartlepool.db
demo-hartlepool: $(BIN)/.installed
	DATABASE_URL=$(HARTLEPOOL_DB) $(BIN)/cspdash demo --area E06000001 --if-empty
	DATABASE_URL=$(HARTLEPOOL_DB) CSPDASH_HOME_AREA=E06000001 $(BIN)/cspdash serve

# Format, lint and type checks (settings in pyproject.toml); `make test` runs them first.
lint: $(BIN)/.installed-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy


# Compiled modules are kept (under .venv, outside the source tree) even where the environment
# says not to write them (PYTHONDONTWRITEBYTECODE): each test worker and each process a test
# starts would otherwise compile the project and rewrite every test module's asserts afresh.
TEST_ENV := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/$(VENV)/pycache

# The suite is split by what each test needs; tests/conftest.py sets the marks from the fixtures
# a test uses, and fails a test that touches more than its marks say:
#   (no mark)  rules and workflow on plain values, files and figures: `make test-fast`
#   db         a real database: each such test runs on SQLite and, marked postgres too, on
#              PostgreSQL (TEST_DATABASE_URL); databases are cloned from per-process templates
#   web        the Flask/Dash app: test client, or served in a thread or by gunicorn
#   browser    headless Chromium: pages, chart images, PDF packs (one Chromium per worker)
# Select a group with -m, e.g. `.venv/bin/python -m pytest -m "db and not web and not browser"`.
# A browser journey whose database is a parameter runs on one of the two (half on each, the
# same in every run; `--every-database` runs both): what a page shows is computed by views/
# functions whose own tests run on both databases.
# `make test` runs everything, whole files per worker (module fixtures are built once), the
# dearest files first so the workers finish together (tests/conftest.py orders them; the
# --no-loadscope-reorder keeps that order). Target: under 8 minutes on the 2-core CI machine.
test: $(BIN)/.installed-test node_modules/axe-core/axe.min.js lint
	$(BIN)/python tools/audit_lock.py $(TEST_LOCK)
	$(TEST_ENV) $(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder --durations=25

# Rules and workflow on plain values: no database, web app or browser (under a minute).
test-fast: $(BIN)/.installed-test
	$(TEST_ENV) $(BIN)/python -m pytest -n auto -m "not db and not web and not browser"

# Re-resolve the newest versions pyproject.toml allows; commit both files after `make test`.
lock: $(BIN)/.installed-test
	$(UV_COMPILE) --upgrade -o $(LOCK)
	$(UV_COMPILE) --upgrade --extra test -c $(LOCK) -o $(TEST_LOCK)

# The documentation site (docs/, mkdocs.yml) into site/: the API reference is written from the
# OpenAPI document first; --strict fails on a broken link or a page missing from the nav.
docs: $(BIN)/.installed-test
	$(BIN)/python tools/openapi_markdown.py
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# The guides' screenshots (docs/images/), from the demo in headless Chromium at 1366 and 390 px;
# CI runs it too, so a changed page changes its screenshot.
docs-screenshots: $(BIN)/.installed-test
	$(BIN)/python tools/docs_screenshots.py --width 1366 --width 390

audit: $(BIN)/.installed-test
	$(BIN)/python tools/audit_lock.py $(TEST_LOCK) --strict

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_sqlite_key.py
	$(BIN)/python benchmarks/bench_csp_tables.py
	$(BIN)/python benchmarks/bench_pages.py
	$(BIN)/python benchmarks/bench_maps.py
	$(BIN)/python benchmarks/bench_pack.py
	$(BIN)/python benchmarks/bench_serve.py
	$(BIN)/python benchmarks/bench_warm_up.py
	$(BIN)/python benchmarks/bench_browser.py
	$(BIN)/python benchmarks/bench_history_readers.py
	$(BIN)/python benchmarks/bench_national.py
	$(BIN)/python benchmarks/bench_policeuk_coverage.py --national-months 12
