"""The funnel plot on the demo (issue 21 part 4): the indicator page of a crime count draws it
with Havering marked, a percentage indicator says why it has none, the CSV download lists every
point, and the committee pack carries it, once the lookup, population and Home Office CSP
tables are loaded through the real loaders."""

from __future__ import annotations

import datetime as dt
import importlib

from rules.periods import Quarter
from tests.conftest import make_dashboard_app
from tests.helpers import text, walk
from tests.test_funnel import loaded

Q3, HAVERING, HAVERING_CSP = Quarter.parse("2016-17-Q3"), "E09000016", "E22000164"


def _indicator(app, code: str):
    module = importlib.import_module("dashboards.indicator")
    with app.server.test_request_context("/"):
        return module.layout(code=code, period=Q3.key, area=HAVERING)


def _by_id(node, wanted: str):
    return next(c for c in walk(node) if getattr(c, "id", None) == wanted)


def test_funnel_on_the_indicator_page_and_its_csv(demo_engine, database_url, tmp_path, monkeypatch):
    page_before = _indicator(make_dashboard_app(database_url), "CSP1")
    assert text(_by_id(page_before, "indicator-funnel-none")).startswith(
        "No funnel plot: the Home Office CSP tables are not loaded"
    )
    loaded(demo_engine, tmp_path, monkeypatch, year="2015/16")
    app = make_dashboard_app(database_url)
    page = _indicator(app, "CSP1")
    graph = _by_id(page, "indicator-funnel-graph")
    home = next(t for t in graph.figure["data"] if t.get("meta") == "points-home")
    assert home["text"] == ["Havering"] and home["marker"]["symbol"] == "star"
    assert graph.figure["layout"]["title"]["text"].startswith("Havering: ")
    assert "2015/16" in text(_by_id(page, "indicator-funnel-subtitle"))
    assert "1 partnership left out: no population (Cwm Taf)." in text(_by_id(page, "indicator-funnel-notes"))
    links = [a.href for a in walk(_by_id(page, "indicator-funnel-downloads")) if getattr(a, "href", None)]
    assert "kind=funnel" in links[0] and "table=funnel" in links[2]
    assert text(_by_id(_indicator(app, "CSP2"), "indicator-funnel-none")).startswith(
        "No funnel plot for this indicator: it is a percentage"
    )
    response = app.server.test_client().get(links[2], follow_redirects=True)
    assert response.status_code == 200, response.text
    lines = response.text.splitlines()
    assert lines[0] == 'Partnership,Code,Recorded crime,Residents,"Per 1,000 residents",Against the limits,Marked as'
    assert any(line.startswith(f"Havering,{HAVERING_CSP},") and line.endswith(",home area") for line in lines)
    assert lines[-1].startswith("1 partnership left out: no population")


def test_funnel_in_the_committee_pack(demo_engine, tmp_path, monkeypatch):
    from exports.pack_content import build_pack_content
    from settings import Settings
    from store.db import session_scope

    loaded(demo_engine, tmp_path, monkeypatch, year="2015/16")
    with session_scope(demo_engine) as session:
        content = build_pack_content(session, Q3, HAVERING, Settings.from_env({}), dt.date(2017, 1, 17))
    funnels = [c for c in content.charts if c.name.endswith("-funnel")]
    assert [c.name for c in funnels] == ["CSP1-funnel"]  # the crime count only: CSP2 is a percentage
    chart = funnels[0]
    assert chart.alt.startswith("Funnel plot: All recorded crime per 1,000 residents, 2015/16")
    assert "no overdispersion adjustment" in chart.alt and "Cwm Taf" in chart.alt
    assert chart.title.startswith("Havering: ")
