"""Issue 23 part 3: what a partnership's request still pays for the nation held beside it. The
area tree (every ward, district, partnership and force of England and Wales: 7,707 areas) is
built once per shared data version and kept, not once or a dozen times per request; so are
each area's months and the Home Office tables' quarters and offences; the map's months come
from the months kept by the loads, not from a walk of the count table; and a comparator's MARAC
figure does not walk every area below England and Wales."""

from __future__ import annotations

from store.areas import AreaInfo, AreaTree
from store.counts import Held, resolve_coverage
from store.data_version import bump_data_version
from store.db import session_scope
from store.map_queries import parse_measure, periods_held
from store.models import Area
from store.source_months import months_held
from tests.conftest import callback_body, make_web_app
from tests.helpers import statements_run

HAVERING = "E09000016"
TREE_READ = "SELECT area.code, area.name, area.level, area.parent_code, area.boundary_vintage, area.retired_into FROM area"


def tree_reads(statements: list[str]) -> int:
    return sum(1 for s in statements if s == TREE_READ)


def test_the_area_tree_is_read_once_per_shared_data_version_not_per_request(demo_engine, database_url):
    client = make_web_app(database_url).server.test_client()
    calls = [f"/api/v1/p/{HAVERING}/scorecard", f"/api/v1/p/{HAVERING}/indicators/CSP1/series", f"/api/v1/p/{HAVERING}/areas"]
    with statements_run() as first:
        assert client.get(calls[0]).status_code == 200
    assert tree_reads(first) == 1  # the scorecard asks for the tree several times
    with statements_run() as later:
        for url in calls:
            assert client.get(url).status_code == 200
    assert tree_reads(later) == 0
    # A change of shared data (here an area added, as a load does) is seen by the next request.
    with session_scope(demo_engine) as session:
        session.add(Area(code="E05999999", name="Newly drawn", level="ward", parent_code=HAVERING))
        bump_data_version(session)
    with statements_run() as after:
        answer = client.get(calls[2])
    assert tree_reads(after) == 1
    assert "E05999999" in {row["code"] for row in answer.get_json()["data"]}


def test_every_pages_footer_reads_the_months_kept_not_the_count_tables(demo_engine, database_url):
    """The footer's "Data up to …" is on every page's layout: it reads the months the loads keep,
    and says the latest month any count table holds (a max() of a count table's month read the
    whole table: 140 ms a page with the nation's police.uk records held)."""
    from sqlalchemy import func, select

    from store.source_months import COUNT_MODELS

    with session_scope(demo_engine) as session:
        latest = max(session.scalar(select(func.max(model.month))) for model in COUNT_MODELS.values())
    assert latest == "2017-03"
    client = make_web_app(database_url).server.test_client()
    with statements_run() as seen:
        layout = client.get(f"/p/{HAVERING}/_dash-layout")
    assert layout.status_code == 200
    assert "Data up to March 2017; last updated" in layout.get_data(as_text=True)
    tables = [f"FROM {model.__tablename__}" for model in COUNT_MODELS.values()]
    assert [s for s in seen if any(t + " " in s + " " for t in tables)] == []


def test_the_maps_months_are_the_months_kept_not_a_walk_of_the_counts(demo_engine):
    with session_scope(demo_engine) as session:
        measure = parse_measure(session, "crime")
        with statements_run() as statements:
            months = periods_held(session, measure, "month")
        kept = months_held(session, "crime")
    assert [p.key for p in months] == kept and kept
    assert not [s for s in statements if "crime_count" in s]


def test_a_comparators_figure_walks_only_the_areas_above_a_figure():
    """England and Wales over two forces, each over partnerships of many wards; returns for one
    partnership only. Its figure is found without looking below the other force."""
    areas = [AreaInfo("K04000001", "England and Wales", "country", None)]
    direct: dict[str, dict[str, Held]] = {}
    for force in ("F1", "F2"):
        areas.append(AreaInfo(force, force, "pfa", "K04000001"))
        for p in range(3):
            csp = f"{force}-P{p}"
            areas.append(AreaInfo(csp, csp, "csp", force))
            areas += [AreaInfo(f"{csp}-W{w}", "ward", "ward", csp) for w in range(50)]
    direct["F1-P0"] = {"2024-25-Q1": Held(12)}
    tree = AreaTree(areas)
    asked: list[str] = []

    class Watched(dict):
        def get(self, code, default=None):
            asked.append(code)
            return super().get(code, default)

    tree.children = Watched(tree.children)
    found = resolve_coverage(tree, ["K04000001"], ["2024-25-Q1"], direct, {"F1-P0": ("2024-25-Q1", "2024-25-Q1")})
    assert found["K04000001"]["2024-25-Q1"].value == 12
    assert not [code for code in asked if code.startswith("F2-") or "-W" in code]


def test_a_later_request_reads_the_nations_tables_no_more_until_a_load(demo_engine, database_url):
    """Each area's months (the area list) and the Home Office tables' quarters and offences
    (a CSP indicator's series) are read once per shared data version, then kept."""
    client = make_web_app(database_url).server.test_client()
    calls = [f"/api/v1/p/{HAVERING}/areas", f"/api/v1/p/{HAVERING}/indicators/CSP1/series"]

    def whole_table_reads(statements: list[str]) -> list[str]:
        return [
            s for s in statements if "GROUP BY area_month_coverage.area_code" in s or "SELECT DISTINCT csp_quarter_total" in s
        ]

    with statements_run() as first:
        for url in calls:
            assert client.get(url).status_code == 200
    assert whole_table_reads(first)
    with statements_run() as later:
        for url in calls:
            assert client.get(url).status_code == 200
    assert whole_table_reads(later) == []
    with session_scope(demo_engine) as session:
        bump_data_version(session)
    with statements_run() as after:
        assert client.get(calls[0]).status_code == 200
    assert whole_table_reads(after)


def nation_walks(statements: list[str]) -> list[str]:
    """Statements summing or listing what a count table holds over every area held (a GROUP BY
    or DISTINCT over ``crime_count`` or ``csp_crime_count`` not limited to some areas)."""
    tables = ("FROM crime_count", "FROM csp_crime_count")
    return [
        s
        for s in statements
        if any(t + " " in s + " " for t in tables)
        and ("GROUP BY" in s or "DISTINCT" in s)
        and not any(f"area_code {op}" in s for op in ("IN", "=", "= ANY"))
    ]


def test_no_request_after_a_load_sums_or_walks_the_nations_count_tables(demo_engine, database_url, tmp_path, monkeypatch):
    """The funnel's totals, the tables' quarters and offences and the map's categories are kept
    by the loads (``store.kept_totals``): the first scorecard, indicator (with its funnel) and map
    request after a load of the Home Office tables reads none of them from the count tables."""
    from store.map_queries import area_figures, categories_held, measure_options
    from tests.test_funnel import PERIOD, loaded
    from views.funnel import FunnelMeasure, funnel_view

    loaded(demo_engine, tmp_path, monkeypatch)  # the district lookup, population and the tables: a load
    app = make_web_app(database_url)
    client = app.server.test_client()
    pages = [
        callback_body(app, "_pages_content.children", {"_pages_location.pathname": path, "_pages_location.search": search})
        for path, search in ((f"/p/{HAVERING}/indicator/CSP1", "?period=2016-17-Q3"), (f"/p/{HAVERING}/map", ""))
    ]
    with statements_run() as seen:
        for url in (f"/api/v1/p/{HAVERING}/scorecard", f"/api/v1/p/{HAVERING}/indicators/CSP1/series"):
            assert client.get(url).status_code == 200
        for body in pages:  # the indicator and map pages, through Dash Pages' routing callback
            assert client.post("/_dash-update-component", json=body).status_code == 200
        with session_scope(demo_engine) as session:
            funnel = funnel_view(session, FunnelMeasure(), PERIOD, HAVERING)
            options = measure_options(session)
            measure = parse_measure(session, "crime")
            period = periods_held(session, measure, "quarter")[-1]
            figures = area_figures(session, measure, period, [HAVERING])
            held = categories_held(session)["crime"]
    assert funnel.points and figures[0].value and held
    assert len([key for key, _ in options if key.startswith("crime:")]) == len({m for m, _ in held}) + len(
        {(m, n) for m, n in held if n and n.upper() != m.upper()}
    )
    assert nation_walks(seen) == []
    assert any("FROM csp_quarter_total" in s for s in seen) and any("FROM held_category" in s for s in seen)
