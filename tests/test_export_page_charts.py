"""Downloads of the ward profile, London comparison, demand and scorecard summary charts
(``/export/ward|london|demand|summary``, ``cspdash export ward|london|demand|summary``): the
images carry the page's own finding as title and are sized for print, and the CSV/XLSX
figures are the numbers the pages show; on the demo in SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import dataclasses
import importlib
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from dash.development.base_component import Component
from PIL import Image

from cli.main import cli
from exports import NotAvailable
from rules.periods import Quarter
from tests.conftest import make_dashboard_app
from tests.helpers import text, walk

HOME, WARD, PERIOD = "E09000016", "E05000306", "2016-17-Q3"  # Brooklands, in Havering
Q3 = f"period={PERIOD}&area={HOME}"
MAP = f"measure=crime&period={PERIOD}&span=quarter&view=count"
MAP_PARAMS = {"measure": "crime", "period": PERIOD, "span": "quarter", "view": "count"}
SVG = "{http://www.w3.org/2000/svg}svg"


@pytest.fixture(scope="module")
def app(demo_database_url: str):
    """One app per backend for the module: its export routes and its page modules."""
    return make_dashboard_app(demo_database_url)


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


def page(app, name: str, *args: object, **kwargs: object) -> Component:
    module = importlib.import_module(f"dashboards.{name}")
    with app.server.test_request_context("/"):
        return module.page(*args) if args else module.layout(**kwargs)


def by_id(node: object, wanted: str) -> Component:
    return next(c for c in walk(node) if getattr(c, "id", None) == wanted)


def table_rows(table: Component) -> list[list[str]]:
    body = next(c for c in walk(table) if type(c).__name__ == "Tbody")
    return [[text(cell) for cell in row.children] for row in body.children]


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def svg_text(data: bytes) -> str:
    """Every text run in the SVG, in order: a title broken over lines reads as one sentence."""
    root = ET.fromstring(data)
    assert root.tag == SVG
    return " ".join(root.itertext())


def png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return image.size


def plain(title: str) -> str:
    return title.replace("<br>", " ")


# --- The figures: the page's builder, the page's finding -------------------------------------


def test_export_pages_ward_charts_reuse_the_pages_figures(demo_database_url: str, app) -> None:
    from views.page_figures import ward_chart
    from views.ward_charts import category_finding, trend_chart, trend_title, ward_view

    view = ward_view(demo_database_url, HOME, WARD, MAP_PARAMS)
    assert trend_title(view) == "All crime in Brooklands: 308 in Q3 2016/17, down 3.1% on Q3 2015/16"
    trend = ward_chart(demo_database_url, HOME, WARD, MAP_PARAMS, "trend")
    assert plain(trend.title) == trend_title(view)
    layout = trend.figure["layout"]
    assert layout["title"]["subtitle"]["text"].startswith(
        "All crime (offences) and anti-social behaviour (incidents), Brooklands ward, Havering, each quarter"
    )
    assert (
        layout["annotations"][-1]["text"]
        == "Source: Metropolitan Police Service; police.uk anti-social behaviour incidents; cspdash"
    )
    on_page = trend_chart(view.series, "x", view.chosen).to_dict()["data"]
    assert [t["y"] for t in trend.figure["data"]] == [list(t["y"]) for t in on_page]
    assert [t["name"] for t in trend.figure["data"]] == ["All crime", "Anti-social behaviour", "Q3 2016/17"]
    assert {t["marker"]["symbol"] for t in trend.figure["data"]} == {"circle", "diamond", "square"}  # not colour alone

    categories = ward_chart(demo_database_url, HOME, WARD, MAP_PARAMS, "categories")
    assert plain(categories.title) == category_finding(view)
    assert (
        plain(categories.title)
        == "Violence against the person was the largest crime category in Brooklands in Q3 2016/17: 102 of 308 offences"
    )
    axes = [k for k in categories.figure["layout"] if k.startswith("xaxis")]
    assert len(axes) == len(view.series.categories) == 12
    headings = [a["text"] for a in categories.figure["layout"]["annotations"][1:]]  # after the source line
    assert headings[-1] == "<b>Violence against the person</b><br>102 in Q3 16/17"

    locator = ward_chart(demo_database_url, HOME, WARD, MAP_PARAMS, "locator")
    assert plain(locator.title) == "Brooklands ward (dark blue, thick outline) among the 18 wards of Havering"
    outline = [t for t in locator.figure["data"] if t.get("name") == "Brooklands (thick outline)" and t["type"] == "choropleth"]
    assert outline and outline[0]["locations"] == [WARD]
    with pytest.raises(NotAvailable, match="Unknown ward chart 'pie'"):
        ward_chart(demo_database_url, HOME, WARD, MAP_PARAMS, "pie")
    # The page states the same finding beside the small charts.
    profile = page(app, "ward_profile", demo_database_url, HOME, WARD, MAP_PARAMS)
    assert text(by_id(profile, "ward-profile-category-finding")) == category_finding(view) + "."


def test_export_pages_london_demand_and_summary_titles_are_the_pages_findings(demo_database_url: str, app) -> None:
    from exports.downloads import demand_download
    from store.db import get_engine, session_scope
    from store.queries import demand_panels
    from store.scorecard import build_scorecard
    from views.figures import demand_chart
    from views.page_figures import demand_panel_chart, london_chart, summary_chart

    london = london_chart(demo_database_url, HOME, {"measure": "crime", "period": PERIOD, "span": "quarter"}, "tile")
    rank = text(
        by_id(
            page(app, "london", demo_database_url, HOME, {"measure": "crime", "period": PERIOD, "span": "quarter"}), "london-rank"
        )
    )
    assert plain(london.title) + "." == rank
    assert rank.startswith("Havering: ") and "the largest fall of 32 boroughs in all crime compared with Q3 2015/16" in rank
    assert "Change in all crime compared with Q3 2015/16 by London borough" in london.figure["layout"]["title"]["subtitle"][
        "text"
    ].replace("<br>", " ")
    with pytest.raises(NotAvailable, match="Borough outlines are not loaded"):
        london_chart(demo_database_url, HOME, {}, "geo")

    with session_scope(get_engine(demo_database_url)) as session:
        panels = demand_panels(session, Quarter.parse(PERIOD), HOME)
        card = build_scorecard(session, Quarter.parse(PERIOD), HOME)
    demand = demand_chart(panels, "Havering", Quarter.parse(PERIOD))
    summary = text(by_id(page(app, "demand", period=PERIOD, area=HOME), "demand-summary"))
    assert demand.title + "." == summary == "4 of 5 demand indicators were higher than in Q3 2015/16."
    panel = demand_panel_chart(next(p for p in panels if p.indicator.code == "DP2"), "Havering")
    assert plain(panel.title) == "Domestic abuse incidents reported to police: 1,161 in Q3 2016/17, up 8.2% on Q3 2015/16"
    chart = summary_chart(card, ["crime"])
    scorecard = page(app, "scorecard", period=PERIOD, area=HOME)
    assert (
        chart.title
        == by_id(scorecard, "scorecard-summary-chart").figure["layout"]["title"]["text"].replace("<br>", " ")
        == "2 of 3 rated indicators are Red in Q3 2016/17"
    )
    assert "66.7%" in chart.alt and chart.height == 320
    # A ward holds no figures for borough-wide returns: no empty chart is offered or drawn.
    with pytest.raises(
        NotAvailable, match="No figures for Domestic abuse incidents reported to police are held for Romford Town"
    ):
        demand_download(get_engine(demo_database_url), Quarter.parse(PERIOD), "E05000319", "png", "DP2")


def test_export_pages_demand_finding_counts_the_rises(demo_database_url: str) -> None:
    from store.db import get_engine, session_scope
    from store.queries import demand_panels
    from views.wording import demand_finding

    with session_scope(get_engine(demo_database_url)) as session:
        panels = demand_panels(session, Quarter.parse(PERIOD), HOME)
    lower = [dataclasses.replace(p, last_year=(p.current or 0) + 1) for p in panels]
    higher = [dataclasses.replace(p, last_year=(p.current or 0) - 1) for p in panels]
    assert demand_finding(lower) == "None of 5 demand indicators was higher than in Q3 2015/16"
    assert demand_finding(higher) == "All 5 demand indicators were higher than in Q3 2015/16"
    assert demand_finding(higher[:1] + lower[1:]) == "1 of 5 demand indicators was higher than in Q3 2015/16"
    assert demand_finding(higher[1:2]) == "Domestic abuse incidents reported to police was higher than in Q3 2015/16"
    assert (
        demand_finding([dataclasses.replace(p, last_year=None) for p in panels])
        == "No demand indicator has figures for both Q3 2016/17 and Q3 2015/16"
    )


# --- Images over HTTP, from the real browser -----------------------------------------------------


def test_export_pages_images_are_print_sized_and_titled(client, export_chromium: Path) -> None:
    trend = client.get(f"/p/E09000016/export/ward/{WARD}.png?{MAP}&kind=trend")
    assert trend.status_code == 200 and trend.mimetype == "image/png", trend.get_data(as_text=True)[:200]
    assert trend.headers["Content-Disposition"].startswith(
        f'attachment; filename="ward-{WARD}-trend-{PERIOD}.png"; filename*=UTF-8'
    )
    assert png_size(trend.data) == (2400, 1350)

    categories = client.get(f"/p/E09000016/export/ward/{WARD}.svg?{MAP}&kind=categories")
    assert categories.status_code == 200 and categories.mimetype == "image/svg+xml"
    root = ET.fromstring(categories.data)
    assert float(root.get("width")) == 800 and float(root.get("height")) > 900
    words = svg_text(categories.data)
    assert "Violence against the person was the largest crime category in Brooklands in Q3 2016/17: 102 of 308 offences" in words
    assert "Source: Metropolitan Police Service; cspdash" in words

    london = client.get(f"/p/E09000016/export/london.svg?measure=crime&period={PERIOD}&span=quarter")
    assert london.status_code == 200 and london.mimetype == "image/svg+xml"
    assert "the largest fall of 32 boroughs in all crime compared with Q3 2015/16" in svg_text(london.data)

    demand = client.get(f"/p/E09000016/export/demand.png?{Q3}")
    assert demand.status_code == 200 and demand.mimetype == "image/png"
    width, height = png_size(demand.data)
    assert width == 2400 and height >= 2400  # five small charts, two a row
    panel = client.get(f"/p/E09000016/export/demand.svg?{Q3}&indicator=dp2")
    assert panel.status_code == 200
    assert panel.headers["Content-Disposition"].startswith(
        f'attachment; filename="demand-DP2-{HOME}-{PERIOD}.svg"; filename*=UTF-8'
    )
    assert "Domestic abuse incidents reported to police: 1,161 in Q3 2016/17, up 8.2% on Q3 2015/16" in svg_text(panel.data)

    summary = client.get(f"/p/E09000016/export/summary.png?{Q3}")
    assert summary.status_code == 200 and png_size(summary.data) == (2400, 960)
    svg = client.get(f"/p/E09000016/export/summary.svg?{Q3}")
    assert "2 of 3 rated indicators are Red in Q3 2016/17" in svg_text(svg.data)
    again = client.get(f"/p/E09000016/export/summary.png?{Q3}", headers={"If-None-Match": summary.headers["ETag"]})
    assert again.status_code == 304


# --- Figures: the page's numbers ------------------------------------------------------------


def test_export_pages_ward_figures_are_the_pages_tables(demo_database_url: str, app, client) -> None:
    profile = page(app, "ward_profile", demo_database_url, HOME, WARD, MAP_PARAMS)
    response = client.get(f"/p/E09000016/export/ward/{WARD}.csv?{MAP}")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="ward-{WARD}-by-quarter.csv"; filename*=UTF-8'
    )
    rows = csv_rows(response.data)
    trend = table_rows(by_id(profile, "ward-profile-trend-table"))
    assert [[r["quarter"], f"{int(r['all_crime']):,}", f"{int(r['asb']):,}"] for r in rows] == trend
    categories = table_rows(by_id(profile, "ward-profile-category-table"))
    for label, *values in categories:
        assert [f"{int(r[label]):,}" for r in rows] == values
    assert [r["quarter"] for r in rows if r["map_quarter"] == "yes"] == ["Q3 2016/17"]
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/p/E09000016/export/ward/{WARD}.xlsx?{MAP}").data))
    sheet = book.active
    assert sheet.title == "Brooklands"
    header = [c.value for c in sheet[1]]
    chosen = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Q3 2016/17")
    cell = chosen[header.index("all_crime")]
    assert cell.value == 308 and cell.data_type == "n"


def test_export_pages_london_demand_and_summary_figures_are_the_pages(demo_database_url: str, app, client) -> None:
    london = page(app, "london", demo_database_url, HOME, {"measure": "crime", "period": PERIOD, "span": "quarter"})
    rows = csv_rows(client.get(f"/p/E09000016/export/london.csv?measure=crime&period={PERIOD}&span=quarter").data)
    table = table_rows(by_id(london, "london-table"))
    assert [r["borough"] for r in rows] == [row[0].removesuffix(" (home borough)") for row in table]
    assert len(rows) == 33 and [r["borough"] for r in rows if r["home_borough"] == "yes"] == ["Havering"]
    changes = [float(r["change_percent"]) for r in rows if r["change_percent"]]
    assert len(changes) == 32 and changes == sorted(changes, reverse=True)  # highest first; the City has none
    i = next(i for i, r in enumerate(rows) if r["borough"] == "Havering")
    assert (
        rows[i]["shown"] == "change" and rows[i]["change_percent"] == "-3.7" and table[i][-3] == "−3.7%"
    )  # Change, Map class, Rank
    assert f"{int(rows[i]['value']):,}" == table[i][1] == "4,355"

    demand = page(app, "demand", period=PERIOD, area=HOME)
    rows = csv_rows(client.get(f"/p/E09000016/export/demand.csv?{Q3}").data)
    for code in ("DP1", "DP2", "DP3", "DP4", "DP5"):
        shown = table_rows(next(c for c in walk(by_id(demand, f"demand-panel-{code}")) if type(c).__name__ == "Table"))
        mine = [r for r in rows if r["indicator"] == code]
        assert [[r["quarter"], f"{float(r['value']):,.0f}"] for r in mine] == shown
        assert mine[-1]["chosen_quarter"] == "yes"

    scorecard = page(app, "scorecard", period=PERIOD, area=HOME)
    bars = by_id(scorecard, "scorecard-summary-chart").figure["data"][0]
    rows = csv_rows(client.get(f"/p/E09000016/export/summary.csv?{Q3}").data)
    overall = rows[0]
    assert overall["group"] == "All rated indicators" and overall["period"] == "Q3 2016/17"
    assert [f"{overall[r]} ({overall[r + '_percent']}%)" for r in ("red", "amber", "green")] == [
        t.replace(".0%", "%") for t in bars["text"]
    ]
    assert [int(overall[r]) for r in ("red", "amber", "green")] == bars["x"] == [2, 0, 1]
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/p/E09000016/export/summary.xlsx?{Q3}").data)).active
    assert [c.value for c in sheet[2]][:5] == ["All rated indicators", HOME, "Havering", "Q3 2016/17", 2]


def test_export_pages_text_from_the_database_cannot_run_as_a_formula(demo_database_url: str) -> None:
    """Indicator names reach the demand download; one typed as a formula stays text."""
    from exports.tabular import safe_csv, safe_xlsx
    from store.db import get_engine, session_scope
    from store.queries import demand_panels
    from views.page_data import demand_frame

    with session_scope(get_engine(demo_database_url)) as session:
        panels = demand_panels(session, Quarter.parse(PERIOD), HOME)
    evil = dataclasses.replace(panels[0], indicator=dataclasses.replace(panels[0].indicator, name='=HYPERLINK("http://x","y")'))
    frame = demand_frame([evil], HOME, "@Havering")
    rows = csv_rows(safe_csv(frame))
    assert rows[0]["name"] == '\'=HYPERLINK("http://x","y")' and rows[0]["area_name"] == "'@Havering"
    sheet = openpyxl.load_workbook(io.BytesIO(safe_xlsx(frame))).active
    assert sheet["B2"].value.startswith("'=") and sheet["B2"].data_type == "s"
    assert sheet["H2"].data_type == "n"  # the value stays a number


# --- Refusals: a readable 4xx, never a 500 -------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        (
            f"/p/E09000016/export/ward/{WARD}.png?{MAP}&kind=pie",
            400,
            "Unknown ward chart 'pie': choose trend, categories or locator.",
        ),
        ("/p/E09000016/export/ward/E05999999.png", 404, "No ward with code 'E05999999' is held."),
        (f"/p/E09000016/export/ward/{WARD}.csv?period=2030-31-Q1", 404, "No figures are held for Q1 2030/31"),
        (f"/p/E09000016/export/ward/{WARD}.svg?span=fortnight", 404, "'fortnight' is not a period length"),
        ("/p/E09000016/export/london.png?kind=geo", 404, "Borough outlines are not loaded"),
        ("/p/E09000016/export/london.png?kind=hexagons", 400, "Unknown London map 'hexagons'"),
        ("/p/E09000016/export/london.csv?view=sideways", 404, "'sideways' is not a way to show the figures"),
        ("/p/E09000016/export/demand.png?period=Q9", 400, "'Q9' is not a quarter"),
        (
            f"/p/E09000016/export/demand.svg?{Q3}&indicator=CSP1",
            404,
            "CSP1 is not one of the demand indicators: choose DP1, DP2, DP3, DP4, DP5.",
        ),
        (
            f"/p/E09000016/export/demand.png?period={PERIOD}&area=E05000319&indicator=DP2",
            404,
            "No figures for Domestic abuse incidents reported to police are held for Romford Town.",
        ),
        ("/p/E09000016/export/summary.csv?area=E09000099", 404, "No area with code 'E09000099' is held"),
        ("/p/E09000016/export/summary.png?period=2030-31-Q1", 404, "No figures are held for Q1 2030/31"),
    ],
)
def test_export_pages_bad_requests_say_why(client, url: str, status: int, message: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


# --- The command line --------------------------------------------------------------------------


def test_export_pages_cli(demo_database_url: str, export_chromium: Path, tmp_path: Path) -> None:
    env = {"DATABASE_URL": demo_database_url}
    runner = CliRunner()
    out = tmp_path / "ward.svg"
    result = runner.invoke(
        cli, ["export", "ward", "--ward", WARD, "--kind", "trend", "--period", PERIOD, "--out", str(out)], env=env
    )
    assert result.exit_code == 0, result.output
    assert "All crime in Brooklands: 308 in Q3 2016/17, down 3.1% on Q3 2015/16" in svg_text(out.read_bytes())

    out = tmp_path / "demand.png"
    result = runner.invoke(
        cli, ["export", "demand", "--period", PERIOD, "--indicator", "DP1", "--scale", "1", "--out", str(out)], env=env
    )
    assert result.exit_code == 0, result.output
    assert png_size(out.read_bytes()) == (800, 400)

    out = tmp_path / "summary.xlsx"
    result = runner.invoke(cli, ["export", "summary", "--period", PERIOD, "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert [c.value for c in openpyxl.load_workbook(out).active[2]][4:7] == [2, 0, 1]

    out = tmp_path / "london.csv"
    result = runner.invoke(cli, ["export", "london", "--period", PERIOD, "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert [r["borough"] for r in csv_rows(out.read_bytes()) if r["home_borough"] == "yes"] == ["Havering"]

    out = tmp_path / "geo.png"
    result = runner.invoke(cli, ["export", "london", "--kind", "geo", "--out", str(out)], env=env)
    assert result.exit_code == 1 and "Error: Borough outlines are not loaded" in result.output
    assert not out.exists()
