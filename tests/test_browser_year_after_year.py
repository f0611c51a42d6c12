"""Issue 19 "Done when": the whole scenario as a user walks it, in headless Chromium, on SQLite
and on PostgreSQL.

The demo → an analyst signs in → uploads the Met's real 24-month ward file on the page → the
check names the stub month and summarises the file by borough, with the 678 wards behind a
disclosure and offered as a CSV, and asks no confirmation of a drop → confirm → sets the 2025/26
targets on /targets through the form → the scorecard, the indicator pages (CSP1, ASB), the
map and the committee pack for Q4 2025/26 read right, at 1366 and 390 px: no line across the
empty years, no overlapping tick labels, no stale SPC verdict, current wards listed first
and the older ones grouped and labelled, the map says which ward generation it shows, the
2025/26 ratings use the new target, March 2024 (the stub month) never shown as a figure.

One test per backend (the upload's check and load are the heavy part); screenshots of every
page and the pack's PDF pages go to the test artifacts folder (tests/helpers.ARTIFACTS).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from store.db import get_engine, session_scope
from store.models import CrimeCount, Target
from tests.conftest import DEMO, _fresh_url, add_web_user, make_web_app, serious_axe_violations, serve_in_thread, skip_or_fail
from tests.helpers import ARTIFACTS, screenshot
from tests.test_browser_dashboard import backend, browser, open_page  # noqa: F401 - browser: a fixture
from tests.test_browser_new_year import TICK_BOXES, TRACE, X_RANGE, overlaps

pytestmark = pytest.mark.browser

WARD_FILE = "crime/mps_ward_level_crime_most_recent_24_months_202403-202603.csv"
HAVERING = "E09000016"
Q4 = f"period=2025-26-Q4&area={HAVERING}"
WIDTHS = (1366, 390)
STUB_SENTENCE = (
    "March 2024 holds 47 offences against a median of 74,375 in the file's other months: "
    "treated as incomplete; the figures held for it are kept."
)
HAVERING_2025_26 = 19_198  # the file's Havering wards, April 2025 to March 2026
TARGET = "20,000"  # lower is better: 19,198 is within it, so Green


@pytest.fixture(params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A fresh copy of the demo with an analyst, served; yields (database URL, base URL)."""
    for url in _fresh_url(request.param, tmp_path, DEMO):
        add_web_user(get_engine(url), "priya", "analyst")
        with serve_in_thread(make_web_app(url).server) as base:
            yield url, base


def shot(tab, name: str, url: str, width: int) -> None:
    folder = ARTIFACTS / "year-after-year"
    folder.mkdir(parents=True, exist_ok=True)
    screenshot(tab, folder / f"{name}-{backend(url)}-{width}.png", full_page=True)


def ticks_apart(tab, where: str) -> int:
    charts = tab.evaluate(TICK_BOXES)
    for chart, boxes in charts:
        assert overlaps(boxes) == [], f"overlapping tick labels in {chart} on {where}: {overlaps(boxes)}"
    return len(charts)


def sign_in(tab, base: str) -> None:
    tab.goto(f"{base}/login?next=/upload")
    tab.get_by_label("User name").fill("priya")
    tab.get_by_label("Password").fill("correct-horse-battery")
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_selector("#upload-file")


def upload_the_ward_file(tab, data: bytes, url: str) -> None:
    tab.get_by_label("What kind of file is it?").select_option("crime")
    tab.set_input_files(
        "#upload-file input[type=file]", files=[{"name": "mps_ward_24_months.csv", "mimeType": "text/csv", "buffer": data}]
    )
    tab.wait_for_selector("#upload-borough-summary")
    assert STUB_SENTENCE in tab.inner_text("#upload-incomplete")
    assert tab.locator("#upload-borough-summary tbody tr").count() == 33  # 32 Met boroughs and the airports unit
    havering = tab.locator("#upload-borough-summary tbody tr", has_text="Havering").first.locator("th, td").all_inner_texts()
    assert havering[1] == "20" and havering[2] == "April 2024 to March 2026 (24)"
    assert f"2025/26: {HAVERING_2025_26:,}" in havering[3] and "March 2024 incomplete in source file" in havering[4]
    # The 678 wards are folded away behind a disclosure (not a wall of codes above the Confirm
    # button), and offered as a CSV.
    assert not tab.locator("#upload-area-list").is_visible()
    assert "678 new: listed under Every area in the file" in tab.locator("#upload-check").inner_text()
    tab.get_by_text("Every area in the file (679)").click()
    assert tab.locator("#upload-area-list tbody tr").count() == 679
    with tab.expect_download() as caught:
        tab.locator("#upload-area-csv").click()
    csv = pd.read_csv(caught.value.path())
    assert len(csv) == 679 and list(csv.columns)[:3] == ["borough_code", "borough", "area_code"]
    # No drop in a first load: no confirmation asked.
    assert not tab.locator("#upload-drops-confirm").is_visible()
    shot(tab, "upload-check", url, 1366)
    assert serious_axe_violations(tab) == []
    tab.get_by_role("button", name="Confirm and load").click()
    tab.wait_for_selector("#upload-scorecard-link")


def set_target(tab, base: str, code: str, target: str, tolerance: str) -> None:
    """Through the form, as the analyst: choose the indicator and Q4 2025/26, fill, save."""
    tab.goto(f"{base}/targets")
    tab.wait_for_selector("#targets-save")
    for label, value in (("Indicator", code), ("Financial year", "2025-26"), ("Quarter", "Q4")):
        tab.get_by_label(label, exact=True).select_option(value)
    # A change re-renders the page from the URL: wait for the form of the quarter chosen.
    tab.wait_for_function("() => [...document.querySelectorAll('legend')].some(l => l.innerText.includes('Q4 2025/26'))")
    tab.get_by_label("Target", exact=True).fill(target)
    tab.get_by_label("Tolerance", exact=True).fill(tolerance)
    tab.get_by_role("button", name="Save").click()
    tab.wait_for_selector("#targets-saved")
    # The message names what was saved: the quarter chosen, not the one the page opened on.
    assert tab.inner_text("#targets-saved").endswith(f": {code}, Q4 2025/26, every area.")


def test_browser_year_after_year_on_real_data(served, browser, shared_data: Path) -> None:
    url, base = served
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True, bypass_csp=True)
    tab = context.new_page()
    tab.set_default_timeout(180_000)  # the check loads and rolls back 450,000 cells
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))

    # 1. Upload the real file on the page; the check names the stub month and sums up by borough.
    sign_in(tab, base)
    upload_the_ward_file(tab, (shared_data / WARD_FILE).read_bytes(), url)
    with session_scope(get_engine(url)) as session:
        stub = session.scalars(select(CrimeCount).where(CrimeCount.month == "2024-03")).all()
        assert stub == [], "the stub month is held as no figure, not as 0"

    # 2. The 2025/26 target, through the form.
    set_target(tab, base, "CSP1", TARGET, "0")
    with session_scope(get_engine(url)) as session:
        saved = session.scalars(
            select(Target).where(Target.indicator_code == "CSP1", Target.year == "2025-26", Target.quarter == 4)
        ).one()
        assert saved.target == 20_000

    for width in WIDTHS:
        tab.set_viewport_size({"width": width, "height": 900})
        where = f"at {width} px"

        # 3. The scorecard: the new target rates 2025/26; ASB gives no verdict for a quarter it lacks.
        open_page(tab, f"{base}/?{Q4}", "#scorecard-table")
        tab.wait_for_timeout(400)
        assert tab.inner_text("h1") == "Performance scorecard: Havering, Q4 2025/26"
        csp1 = tab.inner_text("#scorecard-row-CSP1")
        assert "20,000" in csp1 and "19,198" in csp1 and "Green" in csp1, csp1
        asb = tab.inner_text("#scorecard-row-CSP3")
        assert "special cause" not in asb and "common cause" not in asb, asb
        # The area list: Havering, its 20 current wards, then the 18 older ones, labelled.
        labels = tab.eval_on_selector_all("#scorecard-area option", "os => os.map(o => o.textContent)")
        assert labels[0].startswith("Havering") and len(labels) == 1 + 20 + 18, labels
        assert not any("before May 2022" in x for x in labels[1:21]) and all(
            "(wards before May 2022)" in x for x in labels[21:]
        ), labels
        ticks_apart(tab, f"the scorecard {where}")
        assert "March 2024" not in tab.inner_text("main")
        shot(tab, "scorecard", url, width)

        # 4. CSP1: no line across the empty years; March 2024 is no point; ticks apart.
        open_page(tab, f"{base}/indicator/CSP1?{Q4}", "#indicator-spc-graph .main-svg")
        tab.wait_for_timeout(400)
        assert ticks_apart(tab, f"CSP1 {where}") >= 5
        for graph, pick in (
            ("#indicator-spc-graph", lambda t: t["meta"] == "values"),
            ("#indicator-monthly-graph", lambda t: t["name"] == "Monthly count"),
        ):
            trace = next(t for t in tab.evaluate(TRACE, graph) if pick(t))
            assert trace["connectgaps"] is False
            values = dict(zip(trace["x"], trace["y"]))
            assert values.get("2024-03-01") is None and values["2024-04-01"] and values["2017-03-01"], graph
        main = tab.inner_text("main")
        assert "Green" in main and "20,000" in main
        # The comparator chart opens on the latest run too, and says so.
        labels = [t for t in tab.evaluate(TRACE, "#indicator-comparator-graph")][0]["x"]
        assert tab.evaluate(X_RANGE, "#indicator-comparator-graph")[0] > labels.index("Q4 16/17"), (
            "the comparator opens on 2015/16"
        )
        assert "so the chart opens on the latest run" in tab.inner_text("figure:has(#indicator-comparator-graph) figcaption")
        shot(tab, "indicator-CSP1", url, width)

        # 5. ASB: says it has no figures this year, draws no empty charts, gives no verdict.
        open_page(tab, f"{base}/indicator/CSP3?{Q4}", "#indicator-quarterly-graph .main-svg")
        tab.wait_for_timeout(400)
        assert "No figures for 2025/26 yet (latest: Q4 2016/17)" in tab.inner_text("#indicator-no-figures-this-year")
        assert tab.locator("#indicator-spc-graph").count() == 0
        # Its quarterly chart ends at its last figure instead of running nine empty years on.
        assert tab.evaluate(X_RANGE, "#indicator-quarterly-graph") == [-0.5, 11.5]
        assert "No figures after Q4 2016/17, so the chart ends there rather than at Q4 2025/26." in tab.inner_text(
            "figure:has(#indicator-quarterly-graph) figcaption"
        )
        assert "special cause" not in tab.inner_text("main") and "common cause" not in tab.inner_text("main")
        ticks_apart(tab, f"ASB {where}")
        shot(tab, "indicator-CSP3", url, width)

        # 6. The map: the current wards, and it says so.
        open_page(tab, f"{base}/map?{Q4}", "#ward-map-table")
        tab.wait_for_timeout(400)
        assert tab.inner_text("#ward-map-table caption").startswith("All crime by ward (current wards), Havering, Q4 2025/26")
        assert tab.locator("#ward-map-table tbody tr").count() == 20
        shot(tab, "map", url, width)

        # 7. Targets for Q4 2025/26 at a glance.
        open_page(tab, f"{base}/targets?indicator=CSP1&year=2025-26&quarter=Q4&area={HAVERING}", "#targets-overview")
        assert "20,000" in tab.locator("#targets-overview tbody tr").first.inner_text()
        shot(tab, "targets", url, width)

    # 8. The committee pack for Q4 2025/26, as a PDF: read its text and look at its pages.
    pdf = tab.request.get(f"{base}/export/pack.pdf?{Q4}", timeout=300_000)
    assert pdf.ok, pdf.text()[:500]
    reader = PdfReader(BytesIO(pdf.body()))
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in reader.pages))
    assert "No figures for 2025/26 yet (latest: Q4 2016/17)" in text
    assert "19,198" in text and "20,000" in text
    assert not re.search(r"March 2024\W{1,3}0\b", text), "March 2024 shown as 0"
    assert "36 months to 2017" not in text, "a stale SPC reading"
    assert "Anti-social behaviour incidents, year to date, against target and tolerance, Q1 2014/15 to Q4 2016/17" in text
    folder = ARTIFACTS / "year-after-year"
    (folder / f"pack-{backend(url)}.pdf").write_bytes(pdf.body())
    if not shutil.which("pdftoppm"):
        skip_or_fail("pdftoppm (poppler-utils) is not installed")
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(folder / f"pack-{backend(url)}.pdf"), str(folder / f"pack-{backend(url)}")],
        check=True,
        timeout=120,
    )
    context.close()
    assert errors == []
