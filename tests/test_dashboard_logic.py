"""The read-only pages called as plain functions, on the demo in SQLite and PostgreSQL:
what a councillor reads on the scorecard, indicator and demand pages, and the messages
shown instead of a stack trace when the URL asks for something we cannot show."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from dash.development.base_component import Component
from sqlalchemy import Engine

from tests.conftest import REPO, make_dashboard_app
from tests.helpers import load, text, walk, write

PERIOD, HOME = "2016-17-Q3", "E09000016"


# -- helpers ------------------------------------------------------------------------------


def by_id(node: object, wanted: str) -> Component:
    for c in walk(node):
        if getattr(c, "id", None) == wanted:
            return c
    raise LookupError(wanted)


def ids(node: object) -> list[object]:
    return [getattr(c, "id", None) for c in walk(node)]


def title(figure: dict) -> str:
    return figure["layout"]["title"]["text"]


def titles(node: object) -> list[str]:
    return [c.title for c in walk(node) if getattr(c, "title", None)]


@pytest.fixture(scope="module")
def pages(demo_database_url: str):
    """The page modules of a freshly built app on the demo database."""
    app = make_dashboard_app(demo_database_url)
    modules = {name: importlib.import_module(f"dashboards.{name}") for name in ("scorecard", "indicator", "demand")}
    modules["data"] = importlib.import_module("views.data")
    return app, modules


@contextmanager
def request(app) -> Iterator[None]:
    with app.server.test_request_context("/"):
        yield


def scorecard_page(pages, **query: str) -> Component:
    app, m = pages
    with request(app):
        return m["scorecard"].layout(**query)


# -- scorecard ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "rating", "short", "long"),
    [("CSP1", "Red", "Better", "Worse"), ("CSP3", "Red", "Better", "Worse"), ("CSP2", "Green", "Better", "Better")],
)
def test_scorecard_rates_the_q3_indicators_like_the_report(pages, code: str, rating: str, short: str, long: str) -> None:
    page = scorecard_page(pages, period=PERIOD, area=HOME)
    row = text(by_id(page, f"scorecard-row-{code}"))
    assert re.search(rf"[■▲●] {rating}\b", row), row
    assert re.search(rf"↑ {short}|↓ {short}|→ {short}", row), row
    words = re.findall(r"[↑↓→–] (Better|Worse|Same|n/a)", row)
    assert words == [short, long]


def test_scorecard_summary_sentence_and_chart(pages) -> None:
    page = scorecard_page(pages, period=PERIOD, area=HOME)
    assert text(by_id(page, "scorecard-summary")) == "Of the 3 indicators, 2 (66.7%) are Red and 1 (33.3%) is Green."
    figure = by_id(page, "scorecard-summary-chart").figure
    bar = figure["data"][0]
    assert bar["y"] == ["Red", "Amber", "Green"] and bar["x"] == [2, 0, 1]
    assert bar["text"] == ["2 (66.7%)", "0 (0.0%)", "1 (33.3%)"]
    assert title(figure).replace("<br>", " ") == "2 of 3 rated indicators are Red in Q3 2016/17"


def test_scorecard_shows_the_reports_figures(pages) -> None:
    page = scorecard_page(pages, period=PERIOD, area=HOME)
    tno = text(by_id(page, "scorecard-row-CSP1"))
    for figure in ("12,400", "tolerance 2.5%", "4,355", "13,143", "12,573", "+4.5%", "London", "+3.8% on last year"):
        assert figure in tno
    marac = text(by_id(page, "scorecard-row-CSP2"))
    for figure in ("28–40%", "28.8%", "25.7%", "National average (SafeLives)", "24.5%"):
        assert figure in marac
    assert "4,810" in text(by_id(page, "scorecard-row-CSP3"))
    # The demand indicators are not rated, so they live on /demand, not in the scorecard table.
    assert "DP1" not in text(by_id(page, "scorecard-table"))
    assert "shown on Demand pressures" in text(page)


def test_scorecard_direction_tooltips_say_what_is_compared(pages) -> None:
    page = scorecard_page(pages, period=PERIOD, area=HOME)
    row_titles = titles(by_id(page, "scorecard-row-CSP1"))
    assert "Better: Q3 2016/17 against Q2 2016/17 (quarter figures 4,355 against 4,470); lower is better." in row_titles
    assert "Worse: Q3 2016/17 against Q3 2015/16 (year to date: 13,143 against 12,573); lower is better." in row_titles
    assert any(t.startswith("Red: 13,143 year to date is 743 above target") for t in row_titles)


def test_scorecard_commentary_and_corrective_action(pages) -> None:
    page = scorecard_page(pages, period=PERIOD, area=HOME)
    notes = text(by_id(page, "scorecard-notes-CSP1"))
    assert "Corrective action" in notes and "Romford town centre" in notes
    assert "Missing" not in text(page)


def test_scorecard_flags_red_without_corrective_action(pages) -> None:
    # The demo has no commentary for Q4 2016/17, where offences and ASB are still Red.
    page = scorecard_page(pages, period="2016-17-Q4", area=HOME)
    assert "⚠ Missing: a Red rating needs a corrective action" in text(by_id(page, "scorecard-notes-CSP1"))
    assert "2 Red indicators without corrective action" in text(page)


def test_scorecard_defaults_to_latest_quarter_and_home_area(pages) -> None:
    page = scorecard_page(pages)
    assert text(by_id(page, "scorecard-heading")) == "Performance scorecard: Havering, Q4 2016/17"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "2016-Q9"}, "'2016-Q9' is not a quarter; write it like 2016-17-Q3."),
        ({"period": "2010-11-Q1"}, "No figures are held for Q1 2010/11. Figures are held from Q1 2014/15 to Q4 2016/17."),
        ({"period": PERIOD, "area": "E09999999"}, "No area with code 'E09999999' is held. Choose an area from the list."),
    ],
)
def test_scorecard_bad_url_gives_a_readable_message(pages, query: dict[str, str], message: str) -> None:
    page = scorecard_page(pages, **query)
    shown = text(page)
    assert message in shown
    assert "Traceback" not in shown and "scorecard-table" not in ids(page)
    # The controls still work, falling back to sensible choices.
    assert by_id(page, "scorecard-area") is not None


def test_scorecard_empty_database_says_what_to_do(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    make_dashboard_app(url)  # registers the pages, so their modules can be imported
    from dashboards.scorecard import body
    from views import data

    state = data.resolve(url, HOME, None, None)
    assert text(body(url, state)) == (
        "We can't show this scorecard No figures have been loaded yet. An analyst loads them on the Upload page."
    )


def test_scorecard_ward_is_a_choice_and_has_a_caution(pages) -> None:
    page = scorecard_page(pages, period=PERIOD, area="E05000319")
    assert text(by_id(page, "scorecard-heading")) == "Performance scorecard: Romford Town, Q3 2016/17"
    assert "Ward figures" in text(page)
    # The summary counts the three indicators in the table, none of them rated for a ward.
    assert text(by_id(page, "scorecard-summary")) == (
        "None of the 3 indicators is rated for this period: 2 are Not rated and 1 has no figure."
    )
    options = [c.value for c in walk(by_id(page, "scorecard-area")) if type(c).__name__ == "Option"]
    assert options[0] == HOME and len(options) == 19


# -- indicator page -----------------------------------------------------------------------


def indicator_page(pages, code: str, **query: str) -> Component:
    app, m = pages
    with request(app):
        return m["indicator"].layout(code=code, **query)


def table_rows(table: Component) -> list[list[str]]:
    body = next(c for c in walk(table) if type(c).__name__ == "Tbody")
    return [[text(cell) for cell in row.children] for row in body.children]


def number(cell: str) -> float | None:
    cleaned = cell.replace(",", "").replace("%", "").strip()
    return None if cleaned in ("", "–") else float(cleaned)


@pytest.mark.parametrize("code", ["CSP1", "CSP2", "CSP3"])
def test_indicator_chart_agrees_with_its_table(pages, code: str) -> None:
    page = indicator_page(pages, code, period=PERIOD, area=HOME)
    figure = by_id(page, "indicator-quarterly-graph").figure
    points = [(x, y) for trace in figure["data"] if trace.get("meta") == "actual" for x, y in zip(trace["x"], trace["y"])]
    rows = table_rows(by_id(page, "indicator-quarterly-table"))
    assert len(points) == len(rows) == 11  # Q1 2014/15 to Q3 2016/17
    for (label, y), row in zip(points, rows):
        q, year = label.split()  # "Q3 16/17" against "Q3 2016/17"
        assert row[0] == f"{q} 20{year}"
        assert number(row[1]) == pytest.approx(round(y, 1))


def test_indicator_page_states_findings_and_history(pages) -> None:
    page = indicator_page(pages, "CSP1", period=PERIOD, area=HOME)
    assert text(by_id(page, "indicator-reason")).startswith("Red: 13,143 year to date is 743 above target")
    quarterly = by_id(page, "indicator-quarterly-graph").figure
    assert title(quarterly) == "13,143 year to date in Q3 2016/17: above the 12,400 target by more than the 2.5% tolerance"
    ytd = by_id(page, "indicator-ytd-graph").figure
    assert title(ytd) == "13,143 year to date by Q3 2016/17, 106.0% of the 12,400 target; up 4.5% on the same point in 2015/16"
    # The year to date is drawn against target and tolerance (per cent of target), so the 6% overshoot
    # stands well clear of the 100-102.5% band rather than sitting on a 0-17,000 line.
    traces = {t.get("meta"): t for t in ytd["data"] if t.get("meta")}
    assert traces["this-year"]["y"][2] == pytest.approx(13143 / 12400 * 100, abs=0.01)
    assert traces["target"]["y"][:3] == [100, 100, 100]
    assert traces["tolerance"]["y"][2] == pytest.approx(102.5) and traces["tolerance"]["fill"] == "tonexty"
    low, high = ytd["layout"]["yaxis"]["range"]
    assert low > 90 and high < 115  # not from zero: the gap is visible
    monthly = by_id(page, "indicator-monthly-graph").figure
    assert title(monthly) == "4,355 offences in October to December 2016, down 3.7% on October to December 2015"
    comparator = by_id(page, "indicator-comparator-graph").figure
    assert title(comparator) == "Havering +4.5% on a year earlier; London +3.8%"
    strip = text(by_id(page, "indicator-rating-strip"))
    assert strip.startswith("Q1 2014/15 ● Green") and strip.endswith("Q3 2016/17 ■ Red")
    notes = text(by_id(page, "indicator-commentary"))
    assert notes.index("Q3 2016/17") < notes.index("Q2 2016/17")  # newest first


def test_indicator_band_and_comparator_level(pages) -> None:
    page = indicator_page(pages, "CSP2", period=PERIOD, area=HOME)
    figure = by_id(page, "indicator-quarterly-graph").figure
    assert title(figure) == "28.8% in Q3 2016/17: inside the 28–40% target range"
    names = {t.get("name") for t in figure["data"]}
    assert {"Target range", "National average (SafeLives)"} <= names
    assert "indicator-monthly-graph" not in ids(page)  # MARAC is quarterly


def test_indicator_csv_matches_table(pages, demo_database_url: str) -> None:
    _, m = pages
    page = indicator_page(pages, "CSP1", period=PERIOD, area=HOME)
    detail = m["data"].detail(demo_database_url, "CSP1", _q(PERIOD), HOME)
    from exports.tabular import table_csv_text
    from views.indicator_tables import tables

    csv_text = table_csv_text(tables(detail)["quarterly"])
    lines = csv_text.splitlines()
    assert lines[0] == "Quarter,Havering: year to date,Target,Still Green from,Still Green up to,Rating"
    assert lines[-1] == "Q3 2016/17,13143,12400,12400,12710,Red"
    assert len(lines) - 1 == len(table_rows(by_id(page, "indicator-quarterly-table")))


@pytest.mark.parametrize(
    ("code", "message"),
    [("NOPE", "No indicator with code 'NOPE' is defined. Choose one from the scorecard.")],
)
def test_indicator_unknown_code_message(pages, code: str, message: str) -> None:
    page = indicator_page(pages, code, period=PERIOD, area=HOME)
    assert message in text(page)


def test_indicator_with_no_figures_for_the_area_says_so(pages) -> None:
    page = indicator_page(pages, "CSP2", period=PERIOD, area="E05000319")  # MARAC is borough-wide
    shown = text(page)
    assert 'No figures for "Repeat domestic violence cases going to MARAC" are held for Romford Town' in shown
    assert "indicator-quarterly-graph" not in ids(page)


def test_indicator_lower_case_code_is_found(pages) -> None:
    page = indicator_page(pages, "csp3", period=PERIOD, area=HOME)
    assert "Anti-social behaviour incidents" in text(page)


# -- demand page --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "statement"),
    [
        ("DP1", "1,442 in Q3 2016/17, up 2.9% on Q3 2015/16"),
        ("DP2", "1,161 in Q3 2016/17, up 8.2% on Q3 2015/16"),
        ("DP5", "437 in Q3 2016/17, down 8.0% on Q3 2015/16"),
    ],
)
def test_demand_panels_state_change_on_last_year(pages, code: str, statement: str) -> None:
    app, m = pages
    with request(app):
        page = m["demand"].layout(period=PERIOD, area=HOME)
    panel = by_id(page, f"demand-panel-{code}")
    assert statement in text(panel)
    figure = by_id(panel, f"demand-graph-{code}").figure
    assert len(figure["data"][0]["y"]) == 8


def test_demand_ward_without_figures_has_no_empty_chart(pages) -> None:
    app, m = pages
    with request(app):
        page = m["demand"].layout(period=PERIOD, area="E05000319")
    assert "No figures are held for Romford Town." in text(by_id(page, "demand-panel-DP2"))
    assert "demand-graph-DP2" not in ids(page)
    assert "demand-graph-DP1" in ids(page)  # crime counts are held by ward


def test_demand_bad_period_message(pages) -> None:
    app, m = pages
    with request(app):
        page = m["demand"].layout(period="last year")
    assert "'last year' is not a quarter; write it like 2016-17-Q3." in text(page)


# -- freshness, wording, styling, start-up -------------------------------------------------


def _q(key: str):
    from rules.periods import Quarter

    return Quarter.parse(key)


def test_dashboard_cache_sees_new_uploads(demo_engine: Engine, tmp_path: Path) -> None:
    """Cached pages are keyed by the data version, so a new upload shows at once."""
    from views import data

    url = demo_engine.url.render_as_string(hide_password=False)
    card, _ = data.scorecard(url, _q(PERIOD), HOME)
    assert next(r for r in card.rows if r.code == "CSP2").corrective_action == ""
    notes = write(
        tmp_path / "commentary.csv",
        "indicator_code,area_code,period,commentary,corrective_action\n"
        "CSP2,E09000016,2016-17-Q3,Within range.,Keep checking repeat identification.\n",
    )
    load(demo_engine, "commentary", notes)
    card, _ = data.scorecard(url, _q(PERIOD), HOME)
    assert next(r for r in card.rows if r.code == "CSP2").corrective_action == "Keep checking repeat identification."


@pytest.mark.parametrize(
    ("now", "before", "unit", "phrase"),
    [
        (1161, 1073, "count", "up 8.2% on Q3 2015/16"),
        (4355, 4520, "count", "down 3.7% on Q3 2015/16"),
        (100, 100, "count", "the same as Q3 2015/16"),
        (28.8, 23.1, "percent", "up 5.7 percentage points on Q3 2015/16"),
        (10, None, "count", "no figure for Q3 2015/16 to compare with"),
    ],
)
def test_wording_change_phrase(now: float, before: float | None, unit: str, phrase: str) -> None:
    from views.wording import change_phrase

    assert change_phrase(now, before, "Q3 2015/16", unit) == phrase


def _contrast(a: str, b: str) -> float:
    def lum(hex_colour: str) -> float:
        h = hex_colour.lstrip("#")
        c = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    hi, lo = sorted([lum(a), lum(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_rag_colours_meet_wcag_aa_contrast() -> None:
    css = (REPO / "assets" / "cspdash.css").read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))
    pairs = {
        "Red badge": ("#ffffff", colours["red"]),
        "Amber badge": (colours["ink"], colours["amber"]),
        "Green badge": ("#ffffff", colours["green"]),
        "Better": (colours["green"], "#ffffff"),
        "Worse": (colours["worse"], "#ffffff"),
        "secondary text": (colours["secondary"], "#ffffff"),
        "links": (colours["link"], "#ffffff"),
    }
    for name, (fg, bg) in pairs.items():
        assert _contrast(fg, bg) >= 4.5, name
    assert "@media print" in css and "A4 landscape" in css


@pytest.mark.db  # hands a database address to a child process, which must not open it
def test_app_builds_without_touching_the_database() -> None:
    """Nothing reads the database at import or start-up, so an unreachable one is fine."""
    code = (
        "from app import create_app; from settings import Settings;"
        "app = create_app(Settings.from_env({'DATABASE_URL': 'postgresql://nobody@127.0.0.1:9/none', 'CSPDASH_SECRET_KEY': 'k'*40}));"
        "print(sorted(p['path'] for p in __import__('dash')._pages.PAGE_REGISTRY.values()))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=False, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    for path in ("/", "/demand", "/indicator/none"):  # Dash lists a template's path as /indicator/none
        assert f"'{path}'" in out.stdout


@pytest.mark.parametrize("name", ["scorecard", "indicator", "demand", "targets", "upload", "ward_map", "ward_profile", "london"])
def test_a_page_that_breaks_shows_a_message_not_a_stack_trace(demo_database_url, monkeypatch, name):
    """Whatever fails while a page is built, the reader gets a plain apology (and the log the trace)."""
    app = make_dashboard_app(demo_database_url)
    module = importlib.import_module(f"dashboards.{name}")

    def broken(*_args, **_kwargs):
        raise RuntimeError("database went away")

    for attribute in ("current_settings", "can"):
        if hasattr(module, attribute):
            monkeypatch.setattr(module, attribute, broken)
    with app.server.test_request_context("/"):
        page = module.layout()
    shown = text(page)
    assert "Sorry, this page could not be shown" in shown and "database went away" not in shown


def test_scorecard_of_a_partly_loaded_quarter_says_which_months_are_in(demo_engine: Engine, tmp_path: Path) -> None:
    """One month of a new quarter loaded: the page must not claim nothing is held, nor show
    the quarter as if it were whole."""
    url = demo_engine.url.render_as_string(hide_password=False)
    april = write(tmp_path / "april.csv", "area_code,month,major_category,minor_category,count\nE09000016,2017-04,THEFT,,1200\n")
    load(demo_engine, "crime", april)
    make_dashboard_app(url)
    from dashboards.scorecard import body
    from views import data

    state = data.resolve(url, HOME, "2017-18-Q1", None)
    assert text(body(url, state)) == (
        "We can't show this scorecard Q1 2017/18 is not complete yet: only 1 of its 3 months is loaded (April 2017), "
        "so its figures are not shown. Complete quarters are held from Q1 2014/15 to Q4 2016/17."
    )
