# The two commands a newcomer needs (see README):
#   make demo   run the dashboard on the bundled Havering demo data
#   make test   run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install bench

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed

demo: $(BIN)/.installed
	$(BIN)/cspdash demo --if-empty
	$(BIN)/cspdash serve

test: $(BIN)/.installed node_modules/axe-core/axe.min.js
	$(BIN)/python -m pytest

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_pages.py
	$(BIN)/python benchmarks/bench_maps.py
	$(BIN)/python benchmarks/bench_pack.py
	$(BIN)/python benchmarks/bench_browser.py
