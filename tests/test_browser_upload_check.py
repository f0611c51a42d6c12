"""Issue 19 in a real browser: a drop in the real Met ward file is loaded only once the analyst
ticks the confirmation. The check of the file as a first upload (its stub month, the summary by
borough, the 678 wards behind a disclosure and as a CSV, no drop asked about) is step 1 of the
year-after-year journey (test_browser_year_after_year), which uploads the same file to the demo
and confirms it: checking it in a test of its own checked the same file on the same demo again."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

from store.db import session_scope
from store.models import CrimeCount

WARD_FILE = "crime/mps_ward_level_crime_most_recent_24_months_202403-202603.csv"


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
def test_browser_upload_drop_needs_the_confirmation(web_live, web_browser, demo_met_wards_engine, shared_data):
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
