"""Where an uploaded value takes precedence over the counts, the figure says so on the page, in
the pack and in the API, and the indicator page says which figure its charts show (#27 item 4);
on both databases."""

from __future__ import annotations

from exports.pack_content import build_pack_content
from rules.periods import Quarter
from settings import get_settings
from store.db import session_scope
from store.queries import indicator_detail
from store.scorecard import build_scorecard
from tests.conftest import make_web_app
from tests.helpers import load, write

Q3 = Quarter.parse("2016-17-Q3")
HAVERING = "E09000016"
VALUES = "indicator_code,area_code,period,value\n"
QUARTER_NOTE = "Q3 2016/17 is the uploaded value 1,000; counts give 1,322"
YTD_NOTE = "year to date Q3 2016/17 includes Q3 2016/17's uploaded value 1,000; counts give 1,322"


def _rows(engine):
    with session_scope(engine) as session:
        return {r.code: r for r in build_scorecard(session, Q3, HAVERING).rows}


def test_uploaded_quarter_value_over_counts_is_noted_on_the_figure_pack_api_and_charts(demo_engine, database_url, tmp_path):
    load(demo_engine, "values", write(tmp_path / "v.csv", VALUES + f"CSP3,{HAVERING},2016-17-Q3,1000\n"))
    row = _rows(demo_engine)["CSP3"]
    assert (row.quarter_value, row.ytd_value) == (1000, 4488)
    assert dict(zip(row.notes, row.note_figures)) == {QUARTER_NOTE: "quarter", YTD_NOTE: "ytd"}
    with session_scope(demo_engine) as session:
        pack = build_pack_content(session, Q3, HAVERING, get_settings())
        detail = indicator_detail(session, "CSP3", Q3, HAVERING)
    assert any(QUARTER_NOTE[1:] in line for line in pack.figure_notes), pack.figure_notes
    assert any(YTD_NOTE[1:] in line for line in pack.figure_notes)
    assert detail.value_notes == [
        "Q3 2016/17: the figures by quarter (and year to date) use the uploaded value 1,000; counts give 1,322; "
        "the charts by month show the counts"
    ]
    assert sum(v for m, v in detail.monthly if m in Q3.months()) == 1322  # the monthly chart: counts, as it says
    client = make_web_app(database_url).server.test_client()
    body = client.get(f"/api/v1/p/E09000016/scorecard?period={Q3.key}&area={HAVERING}").get_json()
    api_row = next(r for r in body["data"] if r["code"] == "CSP3")
    assert QUARTER_NOTE in api_row["notes"] and YTD_NOTE in api_row["notes"]


def test_uploaded_quarter_value_over_monthly_values_is_noted(demo_engine, tmp_path):
    monthly = "".join(f"DP2,{HAVERING},{m},500\n" for m in Q3.months())
    load(demo_engine, "values", write(tmp_path / "v.csv", VALUES + monthly))
    row = _rows(demo_engine)["DP2"]
    assert row.quarter_value != 1500  # the uploaded quarter value (1,161 in the demo) wins
    assert f"Q3 2016/17 is the uploaded value {row.quarter_value:,.0f}; the monthly values give 1,500" in row.notes


def test_agreeing_uploaded_value_has_no_note(demo_engine, tmp_path):
    load(demo_engine, "values", write(tmp_path / "v.csv", VALUES + f"CSP3,{HAVERING},2016-17-Q3,1322\n"))
    assert _rows(demo_engine)["CSP3"].notes == []


def test_indicator_page_says_which_figure_its_charts_show(demo_engine, database_url, tmp_path):
    import importlib

    from tests.conftest import make_dashboard_app
    from tests.helpers import text, walk

    load(demo_engine, "values", write(tmp_path / "v.csv", VALUES + f"CSP3,{HAVERING},2016-17-Q3,1000\n"))
    app = make_dashboard_app(database_url)
    with app.server.test_request_context("/"):
        page = importlib.import_module("dashboards.indicator").layout(code="CSP3", period=Q3.key, area=HAVERING)
    notes = next(c for c in walk(page) if getattr(c, "id", None) == "indicator-value-notes")
    assert "uploaded value 1,000; counts give 1,322" in text(notes) and "the charts by month show the counts" in text(notes)
