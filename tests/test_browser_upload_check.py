"""Issue 19 in a real browser: the upload check of the real Met ward file says its stub
month is incomplete in the source and summarises the file by borough, with the 678 wards
behind a disclosure (not a wall of codes above the Confirm button); a drop is loaded only
once the analyst ticks the confirmation."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

from store.db import session_scope
from store.models import CrimeCount
from tests.conftest import serious_axe_violations

WARD_FILE = "crime/mps_ward_level_crime_most_recent_24_months_202403-202603.csv"
STUB_SENTENCE = (
    "March 2024 holds 47 offences against a median of 74,375 in the file's other months: "
    "treated as incomplete; the figures held for it are kept."
)


def _sign_in(page, base: str) -> None:
    page.goto(f"{base}/login?next=/upload")
    page.get_by_label("User name").fill("priya")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#upload-file")


def _choose(page, name: str, data: bytes) -> None:
    page.get_by_label("What kind of file is it?").select_option("crime")
    page.set_input_files("#upload-file input[type=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": data}])


def _held(engine, month: str) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.sum(CrimeCount.count)).where(CrimeCount.month == month)) or 0


@pytest.mark.browser
def test_browser_upload_check_shows_stub_month_and_borough_summary(web_live, web_browser, demo_engine, shared_data, tmp_path):
    page = web_browser
    page.set_default_timeout(120_000)  # the check loads and rolls back 450,000 cells
    _sign_in(page, web_live)
    _choose(page, "mps_ward_24_months.csv", (shared_data / WARD_FILE).read_bytes())
    page.wait_for_selector("#upload-borough-summary")
    check = page.locator("#upload-check")
    assert STUB_SENTENCE in page.locator("#upload-incomplete").inner_text()
    rows = page.locator("#upload-borough-summary tbody tr")
    assert rows.count() == 33  # 32 Met boroughs and the airports unit
    havering = page.locator("#upload-borough-summary tbody tr", has_text="Havering").first.locator("th, td").all_inner_texts()
    assert havering[1] == "20" and havering[2] == "April 2024 to March 2026 (24)"
    assert "2025/26: " in havering[3] and "March 2024 incomplete in source file" in havering[4]
    # The full list is folded away, and offered as a CSV.
    assert not page.locator("#upload-area-list").is_visible()
    assert "678 new: listed under Every area in the file" in check.inner_text()
    page.get_by_text("Every area in the file (679)").click()
    assert page.locator("#upload-area-list tbody tr").count() == 679
    with page.expect_download() as caught:
        page.locator("#upload-area-csv").click()
    csv = pd.read_csv(caught.value.path())
    assert len(csv) == 679 and list(csv.columns)[:3] == ["borough_code", "borough", "area_code"]
    # No drop in a first load: no confirmation asked.
    assert not page.locator("#upload-drops-confirm").is_visible()
    page.screenshot(path=str(tmp_path / "upload-check.png"), full_page=True)
    assert serious_axe_violations(page) == []
    assert page.console_errors == []


@pytest.mark.browser
def test_browser_upload_drop_needs_the_confirmation(web_live, web_browser, demo_met_wards_engine, shared_data, tmp_path):
    demo_engine = demo_met_wards_engine  # the demo, then the real ward file as a first upload (a template's clone)
    source = pd.read_csv(shared_data / WARD_FILE)
    source["202510"] = (source["202510"] * 0.3).round().astype(int)
    data = source.to_csv(index=False).encode()
    before = _held(demo_engine, "2025-10")
    page = web_browser
    page.set_default_timeout(120_000)
    _sign_in(page, web_live)
    _choose(page, "mps_ward_revised.csv", data)
    page.wait_for_selector("#upload-drops")
    assert "October 2025: 678 wards would fall by" in page.locator("#upload-drops").inner_text()
    assert page.locator("#upload-drops-confirm").is_visible()
    # Confirm without ticking: refused, nothing stored; the file stays checked.
    page.get_by_role("button", name="Confirm and load").click()
    page.wait_for_selector("#upload-outcome #upload-problems")
    assert "nothing was loaded" in page.locator("#upload-outcome").inner_text()
    assert _held(demo_engine, "2025-10") == before
    # Tick the confirmation and confirm again: stored.
    page.get_by_label("I have checked the falls listed above: the file is right, load it").check()
    page.get_by_role("button", name="Confirm and load").click()
    page.wait_for_selector("#upload-scorecard-link")
    assert _held(demo_engine, "2025-10") == int(source["202510"].sum())
    assert "October 2025: 678 wards fell by" in page.locator("#upload-outcome").inner_text()
    assert not page.locator("#upload-drops-confirm").is_visible()
    assert page.console_errors == []
