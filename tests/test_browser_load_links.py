"""No command lines on reader pages (issue 12 item 6): readers get plain words when figures
are missing; a signed-in analyst gets a link to the upload page with the file kind chosen,
and the upload page names each kind in plain words. Real Chromium on SQLite and PostgreSQL."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import delete

from loaders.errors import LoadError, Problem
from store.db import session_scope
from store.models import Target
from tests.conftest import serious_axe_violations
from tests.helpers import text
from web.parts import upload_steps as steps

MAP_RATE = "/map?measure=crime&period=2016-17-Q3&span=quarter&view=rate"
LONDON_RATE = "/london?measure=crime&period=2016-17-Q3&span=quarter&view=rate"
# The demo holds Havering's population, not the other boroughs': London cannot compare rates.
POPULATION_WORDS = "Rates per 1,000 residents need population figures for every borough compared, which have not all been loaded."


def _sign_in(page, base: str, next_path: str) -> None:
    page.goto(f"{base}/login?next={quote(next_path, safe='')}")
    page.get_by_label("User name").fill("priya")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()


def test_browser_load_links_readers_get_words_analysts_get_the_upload_page(web_live, web_browser) -> None:
    page = web_browser
    for path in (MAP_RATE, LONDON_RATE, "/ward/E05000319"):
        page.goto(f"{web_live}{path}")
        page.wait_for_selector("main h1")
        main = page.inner_text("main")
        assert "cspdash" not in main and "`" not in main, path
        assert page.locator("main a[href*='/upload']").count() == 0, path
    page.goto(f"{web_live}{LONDON_RATE}")
    assert page.locator("#london-rate-note").inner_text() == POPULATION_WORDS

    _sign_in(page, web_live, LONDON_RATE)
    page.wait_for_selector("#london-rate-note a")
    link = page.locator("#london-rate-note a")
    assert link.inner_text() == "Upload population figures"
    assert link.get_attribute("href") == "/p/E09000016/upload?kind=population"  # under the page's partnership
    assert "cspdash" not in page.inner_text("main")
    link.click()
    page.wait_for_selector("#upload-kind")
    assert page.locator("#upload-kind").input_value() == "population"
    assert (
        page.locator("#upload-kind-hint")
        .inner_text()
        .startswith("Residents by ward or borough and year (ONS mid-year estimates).")
    )
    options = page.locator("#upload-kind option").all_inner_texts()
    assert "Recorded crime – Met ward or borough crime file (London Datastore), or our own crime layout" in options
    assert any(o.startswith("Series breaks and notes – ") for o in options)
    assert not any(o in ("lsoa-lookup", "policeuk", "asb", "population") for o in options), "plain names, not loader keys"
    assert serious_axe_violations(page) == []
    assert page.console_errors == []


def test_browser_load_links_upload_page_ignores_an_unknown_kind() -> None:
    assert steps.chosen_kind("population") == "population"
    assert steps.chosen_kind("../etc") == "" and steps.chosen_kind(None) == ""


def test_browser_load_links_problems_are_listed_in_row_order() -> None:
    error = LoadError(
        "m.csv", [Problem(7, "b", "x", "late"), Problem(None, None, None, "file-wide"), Problem(2, "a", "y", "early")], total=3
    )
    table = steps.problem_table(error)
    rows = [
        [text(cell) for cell in row.children] for row in next(c for c in table.children if type(c).__name__ == "Tbody").children
    ]
    assert [r[1] for r in rows] == ["", "2", "7"]


def test_browser_load_links_after_a_load_the_quarters_lacking_targets_are_named(demo_engine) -> None:
    assert steps.gaps_after_load(demo_engine, ["2016-17-Q3"], "E09000016") == []
    with session_scope(demo_engine) as session:
        session.execute(delete(Target).where(Target.indicator_code == "CSP3"))
    assert steps.gaps_after_load(demo_engine, ["2016-10", "2016-11"], "E09000016") == [
        "Q3 2016/17: no target for CSP3, so not rated."
    ]
    shown = text(
        steps.render_loaded(
            steps.Outcome("crime", "c.csv", summary=_summary()), "E09000016", ["Q3 2016/17: no target for CSP3, so not rated."]
        )
    )
    assert "Still missing after this load: Q3 2016/17: no target for CSP3, so not rated." in shown


def _summary():
    from loaders.summary import LoadSummary

    return LoadSummary(kind="crime", file_name="c.csv", sha256="0" * 64, rows=1, periods=["2016-10"])
