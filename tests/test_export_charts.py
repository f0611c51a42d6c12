"""Chart images (``cspdash export chart``, ``figure_to_image``, ``/export/chart/…``), data
downloads over HTTP, and the embeddable indicator page in headless Chromium, on the demo in
SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from PIL import Image

from cli.main import cli
from exports import ExportError
from exports.images import figure_to_image
from rules.periods import Quarter
from store.db import get_engine, session_scope
from store.queries import indicator_detail
from tests.conftest import make_export_app, serious_axe_violations, serve_in_thread
from tests.helpers import ARTIFACTS, screenshot
from views import charts
from views.print_style import committee_style

Q3 = "period=2016-17-Q3&area=E09000016"
SVG = "{http://www.w3.org/2000/svg}svg"


def simple_figure() -> dict:
    return {
        "data": [{"type": "scatter", "x": ["Q1", "Q2", "Q3"], "y": [3, 1, 2], "name": "Havering", "mode": "lines+markers"}],
        "layout": {"title": {"text": "old"}, "margin": {"t": 60, "b": 60, "l": 60, "r": 20}},
    }


def svg_size(data: bytes) -> tuple[float, float]:
    root = ET.fromstring(data)
    assert root.tag == SVG
    return float(root.get("width")), float(root.get("height"))


# --- Committee styling (no browser) -------------------------------------------------------------


def test_export_charts_committee_style_adds_title_subtitle_source() -> None:
    original = simple_figure()
    before = copy.deepcopy(original)
    styled = committee_style(
        original,
        "Crime fell 3.7%",
        "Total notifiable offences, Havering, Q3 2016/17",
        "Source: Metropolitan Police Service; cspdash",
    )
    assert original == before  # the dashboard's figure is not changed
    layout = styled["layout"]
    assert layout["title"]["text"] == "Crime fell 3.7%"
    assert layout["title"]["subtitle"]["text"] == "Total notifiable offences, Havering, Q3 2016/17"
    assert [a["text"] for a in layout["annotations"]] == ["Source: Metropolitan Police Service; cspdash"]
    assert layout["hovermode"] is False and layout["width"] == 800 and layout["height"] == 450
    assert layout["margin"]["t"] > 60 and layout["margin"]["b"] > 60  # room for the subtitle and source


# --- Images from the real browser ----------------------------------------------------------------


@pytest.mark.parametrize(("width", "height", "scale"), [(800, 450, 3), (1600, 900, 1), (640, 400, 2.5)])
def test_export_charts_png_is_valid_and_sized(export_chromium: Path, width: int, height: int, scale: float) -> None:
    png = figure_to_image(simple_figure(), "png", width, height, scale)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (int(width * scale), int(height * scale))


def test_export_charts_svg_is_valid_xml_with_size(export_chromium: Path) -> None:
    svg = figure_to_image(simple_figure(), "svg", 1000, 500, 3)
    assert svg_size(svg) == (1000, 500)
    assert b">old</text>" in svg  # the title stays text


@pytest.mark.parametrize(("fmt", "width", "scale"), [("jpeg", 800, 1), ("png", 50, 1), ("png", 800, 9)])
def test_export_charts_rejects_bad_requests(fmt: str, width: int, scale: float) -> None:
    with pytest.raises(ExportError):
        figure_to_image(simple_figure(), fmt, width, 450, scale)  # type: ignore[arg-type]


def _counting_draws(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """The figures the shared Chromium is asked to draw from now on (it still draws them)."""
    from exports import images

    figure_to_image(simple_figure(), "svg", 500, 300)  # make sure the shared browser is running
    kaleido = images._renderer._kaleido
    drawn: list[dict] = []
    real = kaleido.calc_fig

    async def counting(fig, *args, **kwargs):
        drawn.append(fig)
        return await real(fig, *args, **kwargs)

    monkeypatch.setattr(kaleido, "calc_fig", counting)
    return drawn


def test_export_charts_a_chart_asked_for_again_is_not_drawn_again(export_chromium: Path, monkeypatch) -> None:
    """A pack, its other formats and the downloads beside it ask for the same charts: each is
    drawn once; a chart that differs in anything, or in size or format, is drawn afresh."""
    from exports import images
    from exports.images import ImageRequest, figures_to_images

    drawn = _counting_draws(monkeypatch)
    changed = simple_figure()
    changed["data"][0]["y"] = [3, 1, 4]
    first = figure_to_image(simple_figure(), "png", 640, 400, 1)
    assert len(drawn) == 1
    assert figure_to_image(simple_figure(), "png", 640, 400, 1) == first and len(drawn) == 1
    # One figure asked for twice in one batch is drawn once, and each request gets its image.
    batch = figures_to_images(
        [ImageRequest(changed, "png", 640, 400, 1)] * 2 + [ImageRequest(simple_figure(), "png", 640, 400, 1)]
    )
    assert len(drawn) == 2 and batch[0] == batch[1] != first and batch[2] == first
    figure_to_image(simple_figure(), "png", 641, 400, 1)
    figure_to_image(simple_figure(), "svg", 640, 400, 1)
    assert len(drawn) == 4
    # What is kept is bounded: past the budget the chart asked for longest ago is drawn again.
    monkeypatch.setattr(images, "KEPT_BYTES", 2 * len(first))
    another = simple_figure()
    another["data"][0]["y"] = [5, 5, 5]
    figure_to_image(another, "png", 640, 400, 1)  # drawn and kept; the others go to make room
    assert len(drawn) == 5
    assert figure_to_image(another, "png", 640, 400, 1) and len(drawn) == 5
    assert figure_to_image(simple_figure(), "png", 640, 400, 1) == first and len(drawn) == 6
    # A browser closed (after a failure, say) forgets what it drew: the next asks Chromium.
    images.shutdown()
    drawn = _counting_draws(monkeypatch)
    assert figure_to_image(simple_figure(), "png", 640, 400, 1) == first and len(drawn) == 1


def test_export_charts_renderer_loads_nothing_from_the_network(export_chromium: Path) -> None:
    """kaleido's page would load MathJax (and, without plotly installed, plotly.js) from a CDN;
    ours loads only local files, and the browser is the system one."""
    import re
    from urllib.parse import urlparse
    from urllib.request import url2pathname

    from exports import images

    figure_to_image(simple_figure(), "svg")  # make sure the shared browser is running
    kaleido = images._renderer._kaleido
    assert Path(str(kaleido._browser_impl.path)) == export_chromium
    page = Path(url2pathname(urlparse(kaleido._index).path)).read_text()
    sources = re.findall(r'<script src="([^"]+)"', page)
    assert sources and all(src.startswith(("file:", "/")) for src in sources), sources
    assert any(src.endswith("plotly/package_data/plotly.min.js") for src in sources)
    assert "mathjax" not in page.lower() and "http" not in page


def test_export_charts_missing_chromium_is_explained(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from exports import images
    from exports.pdf import html_to_pdf

    images.shutdown()  # the next image starts a browser, which is now missing
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    for attempt in (lambda: figure_to_image(simple_figure()), lambda: html_to_pdf("<p>x</p>")):
        with pytest.raises(ExportError, match="Chromium was not found at .*no-chromium.*set BROWSER_PATH"):
            attempt()


def test_export_charts_trend_chart_states_the_dashboards_finding(demo_engine) -> None:
    from views.figures import trend_chart, ytd_chart
    from views.wording import target_finding

    with session_scope(demo_engine) as session:
        detail = indicator_detail(session, "CSP1", Quarter.parse("2016-17-Q3"), "E09000016")
    chart = trend_chart(detail)
    title = chart.figure["layout"]["title"]
    assert title["text"] == target_finding(detail.current, detail.period)
    assert title["text"] == "13,143 year to date in Q3 2016/17: above the 12,400 target by more than the 2.5% tolerance"
    assert title["subtitle"]["text"] == "Total notifiable offences, Havering, year to date, Q1 2014/15 to Q3 2016/17"
    assert chart.figure["layout"]["annotations"][-1]["text"] == "Source: Metropolitan Police Service; cspdash"
    # The same traces the dashboard draws: line styles and markers as well as colour.
    dashboard = charts.quarterly(detail, title["text"], "Offences (year to date)")
    assert [t.get("name") for t in chart.figure["data"]] == [t.get("name") for t in dashboard["data"]]
    actual = [t for t in chart.figure["data"] if t.get("meta") == "actual"]
    assert actual[-1]["y"][-1] == 13143 and actual[-1]["marker"]["symbol"] == "circle"
    ytd = ytd_chart(detail).figure["layout"]["title"]["text"]
    # Compared as words: long titles are wrapped (<br>) to the figure's width.
    assert (
        ytd.replace("<br>", " ")
        == "13,143 year to date by Q3 2016/17, 106.0% of the 12,400 target; up 4.5% on the same point in 2015/16"
    )


@pytest.mark.parametrize(("kind", "fmt"), [("trend", "png"), ("ytd", "svg")])
def test_export_charts_cli_writes_images(
    demo_engine, database_url: str, export_chromium: Path, tmp_path: Path, kind: str, fmt: str
) -> None:
    out = tmp_path / f"chart.{fmt}"
    args = ["export", "chart", "--indicator", "csp3", "--period", "2016-17-Q3", "--kind", kind, "--out", str(out)]
    result = CliRunner().invoke(cli, args, env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if fmt == "png":
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (2400, 1350)
    else:
        assert svg_size(data) == (800, 400)
        assert b"4,810 year to date by Q3 2016/17" in data


@pytest.mark.parametrize(("kind", "fmt"), [("comparator", "png"), ("monthly", "svg"), ("comparator", "svg"), ("monthly", "png")])
def test_export_charts_cli_writes_comparator_and_monthly(
    demo_engine, database_url: str, export_chromium: Path, tmp_path: Path, kind: str, fmt: str
) -> None:
    out = tmp_path / f"chart.{fmt}"
    args = ["export", "chart", "--indicator", "CSP1", "--period", "2016-17-Q3", "--kind", kind, "--out", str(out)]
    result = CliRunner().invoke(cli, args, env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if fmt == "png":
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG" and image.size == (2400, 1200)
    else:
        assert svg_size(data) == (800, 400)
        assert b"Source: Metropolitan Police Service; cspdash" in data


def test_export_charts_comparator_and_monthly_use_the_pages_wording(demo_engine) -> None:
    from views.figures import comparator_chart, monthly_chart
    from views.wording import comparator_finding, monthly_finding

    with session_scope(demo_engine) as session:
        detail = indicator_detail(session, "CSP1", Quarter.parse("2016-17-Q3"), "E09000016")
    comparator = comparator_chart(detail).figure
    assert comparator["layout"]["title"]["text"] == comparator_finding(detail)
    assert comparator["layout"]["title"]["text"].startswith("Havering ")
    assert "change on the same quarter a year earlier" in comparator["layout"]["title"]["subtitle"]["text"]
    dashboard = charts.comparator_change(detail, "x")
    assert [t.get("name") for t in comparator["data"]] == [t.get("name") for t in dashboard["data"]]
    monthly = monthly_chart(detail).figure
    assert monthly["layout"]["title"]["text"] == monthly_finding(detail)
    assert (
        monthly["layout"]["title"]["subtitle"]["text"]
        == "Total notifiable offences, Havering, each month, April 2014 to December 2016"
    )  # the months drawn
    assert monthly["layout"]["annotations"][-1]["text"] == "Source: Metropolitan Police Service; cspdash"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--indicator", "CSP1", "--kind", "map"], "The ward map is exported on its own: use `cspdash export map`"),
        (["--indicator", "CSP2", "--kind", "comparator"], "CSP2 has no comparator chart"),
        (["--indicator", "CSP2", "--kind", "monthly"], "CSP2 has no monthly chart: no monthly figures are held"),
        (["--indicator", "NOPE"], "No indicator with code 'NOPE' is defined."),
        (["--indicator", "CSP1", "--area", "E09000099"], "No area with code 'E09000099' is held"),
    ],
)
def test_export_charts_cli_explains_what_it_cannot_do(
    demo_engine, database_url: str, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "x.png"
    result = CliRunner().invoke(
        cli, ["export", "chart", "--period", "2016-17-Q3", *args, "--out", str(out)], env={"DATABASE_URL": database_url}
    )
    assert result.exit_code == 1
    assert f"Error: {message}" in result.output
    assert not out.exists()


# --- HTTP: downloads and the embed page -------------------------------------------------------


@pytest.fixture
def client(demo_engine, database_url: str):
    return make_export_app(database_url).server.test_client()


def test_export_charts_http_chart_downloads(client, export_chromium: Path) -> None:
    png = client.get(f"/p/E09000016/export/chart/CSP1.png?{Q3}")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.headers["Content-Disposition"].startswith(
        'attachment; filename="CSP1-trend-E09000016-2016-17-Q3.png"; filename*=UTF-8'
    )
    with Image.open(io.BytesIO(png.data)) as image:
        assert image.size == (2400, 1350)
    svg = client.get(f"/p/E09000016/export/chart/csp2.svg?{Q3}&kind=ytd")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg_size(svg.data) == (800, 400)
    for kind in ("comparator", "monthly"):
        other = client.get(f"/p/E09000016/export/chart/CSP3.svg?{Q3}&kind={kind}")
        assert other.status_code == 200 and other.mimetype == "image/svg+xml", other.get_data(as_text=True)[:200]
        assert svg_size(other.data) == (800, 400)
    again = client.get(f"/p/E09000016/export/chart/CSP1.png?{Q3}", headers={"If-None-Match": png.headers["ETag"]})
    assert again.status_code == 304  # unchanged data: the browser keeps its copy


def test_export_charts_http_data_downloads(client) -> None:
    csv = client.get(f"/p/E09000016/export/data/CSP1.csv?{Q3}")
    assert csv.status_code == 200 and csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("quarter,period,area_code,area_name,indicator,name")
    assert lines[-1].startswith(
        "Q3 2016/17,2016-17-Q3,E09000016,Havering,CSP1,Total notifiable offences,ytd,count,13143,4355,13143,12573,12400"
    )
    xlsx = client.get(f"/p/E09000016/export/data/CSP2.xlsx?{Q3}")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    header = [c.value for c in sheet[1]]
    last = {h: c for h, c in zip(header, sheet[sheet.max_row])}
    assert last["quarter"].value == "Q3 2016/17" and last["rating"].value == "Green"
    assert last["actual"].value == 28.8 and last["actual"].data_type == "n"
    assert last["target_low"].value == 28 and last["target_high"].value == 40


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        (f"/p/E09000016/export/chart/NOPE.png?{Q3}", 404, "No indicator with code 'NOPE' is defined."),
        ("/p/E09000016/export/chart/CSP1.png?period=Q9", 400, "'Q9' is not a quarter"),
        ("/p/E09000016/export/chart/CSP1.png?period=2030-31-Q1", 404, "No figures are held for Q1 2030/31"),
        (f"/p/E09000016/export/chart/CSP1.png?{Q3}&kind=map", 404, "The ward map is exported on its own"),
        (f"/p/E09000016/export/chart/CSP2.svg?{Q3}&kind=monthly", 404, "CSP2 has no monthly chart"),
        (f"/p/E09000016/export/chart/CSP1.png?{Q3}&kind=pie", 400, "Unknown chart kind 'pie'"),
        ("/p/E09000016/export/data/CSP1.csv?area=E09000099", 404, "No area with code 'E09000099' is held"),
    ],
)
def test_export_charts_http_errors_say_why(client, url: str, status: int, message: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_export_charts_embed_page_is_standalone(client) -> None:
    response = client.get(f"/p/E09000016/embed/indicator/CSP3?{Q3}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Anti-social behaviour incidents: Havering, Q3 2016/17</h1>" in html
    assert '<span aria-hidden="true">■</span> Red</span>4,810 year to date in Q3 2016/17: above the 3,650 target' in html
    assert "app-nav" not in html and "<nav" not in html and "<header" not in html  # nothing to navigate
    assert "cdn" not in html.lower() and "https://" not in html
    assert '<script charset="utf-8" src="/embed/plotly-' in html
    script = client.get(html.split('src="')[1].split('"')[0])
    assert script.status_code == 200 and script.data.startswith(b"/**\n* plotly.js")
    missing = client.get("/p/E09000016/embed/indicator/NOPE")
    assert missing.status_code == 404 and "No indicator with code 'NOPE'" in missing.get_data(as_text=True)


def test_export_charts_routes_need_sign_in_when_reading_is_private(demo_engine, database_url: str) -> None:
    client = make_export_app(database_url, CSPDASH_PUBLIC_READ="false").server.test_client()
    for url in (f"/p/E09000016/export/data/CSP1.csv?{Q3}", f"/p/E09000016/embed/indicator/CSP1?{Q3}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.fixture
def export_live(demo_engine, database_url: str) -> Iterator[str]:
    """The app with the export routes, served on a free local port (as conftest's web_live,
    which cannot add routes before serving)."""
    app = make_export_app(database_url)
    with serve_in_thread(app.server) as base_url:
        yield base_url


@pytest.mark.browser
def test_export_charts_embed_renders_in_chromium(export_live: str, web_browser, database_url: str) -> None:
    requests: list[str] = []
    web_browser.on("request", lambda r: requests.append(r.url))
    web_browser.set_viewport_size({"width": 720, "height": 600})  # a typical iframe
    web_browser.goto(f"{export_live}/embed/indicator/CSP1?{Q3}")
    web_browser.wait_for_selector("#embed-chart .js-plotly-plot .main-svg")
    traces = web_browser.evaluate("document.querySelector('#embed-chart .js-plotly-plot').data.map(t => t.name || '')")
    assert "Havering (actual)" in traces and "Target" in traces
    actual = web_browser.evaluate(
        "document.querySelector('#embed-chart .js-plotly-plot').data.filter(t => t.meta === 'actual').slice(-1)[0].y.slice(-1)[0]"
    )
    assert actual == 13143
    assert web_browser.inner_text("#embed-summary").startswith("■ Red")
    assert web_browser.locator("nav").count() == 0
    assert all(r.startswith(export_live) for r in requests), requests  # nothing from the internet
    assert web_browser.console_errors == []
    assert serious_axe_violations(web_browser) == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    backend = "postgresql" if database_url.startswith("postgres") else "sqlite"
    screenshot(web_browser, ARTIFACTS / f"embed-indicator-{backend}.png", full_page=True)
    assert get_engine(database_url) is not None


# --- The ward map: `cspdash export map`, /export/map.<png|svg> and /embed/map -------------------

MAP_QUERY = "measure=crime&period=2016-17-Q3&span=quarter&view=count"


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_export_charts_cli_writes_the_ward_map(
    demo_engine, database_url: str, export_chromium: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"map.{fmt}"
    args = [
        "export",
        "map",
        "--measure",
        "crime",
        "--period",
        "2016-17-Q3",
        "--span",
        "quarter",
        "--view",
        "count",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(cli, args, env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if fmt == "png":
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG" and image.size[0] == 2400 and image.size[1] > 1500
    else:
        width, height = svg_size(data)
        assert width == 800 and height > 500
        assert b"Highest: " in data  # the page's finding is the title
        assert b"All crime by ward, Havering, Q3 2016/17" in data
        assert b"Source: Metropolitan Police Service; cspdash" in data


def test_export_charts_cli_map_explains_a_bad_query(demo_engine, database_url: str, tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    args = ["export", "map", "--period", "2030-31-Q1", "--out", str(out)]
    result = CliRunner().invoke(cli, args, env={"DATABASE_URL": database_url})
    assert result.exit_code == 1
    assert "Error: No figures are held for Q1 2030/31" in result.output
    assert not out.exists()


def test_export_charts_map_uses_the_pages_figure(demo_engine, database_url: str) -> None:
    from views.figures import ward_map_chart
    from views.map_state import map_figure

    params = dict(p.split("=") for p in MAP_QUERY.split("&"))
    chart = ward_map_chart(database_url, "E09000016", params)
    page = map_figure(database_url, "E09000016", "?" + MAP_QUERY)
    assert chart.title == page["layout"]["title"]["text"] and chart.title.startswith("Highest: ")
    assert [t.get("name") for t in chart.figure["data"]] == [t.get("name") for t in page["data"]]
    assert chart.figure["layout"]["title"]["subtitle"]["text"].startswith("All crime by ward, Havering, Q3 2016/17. Offences: ")
    assert chart.figure["layout"]["annotations"][-1]["text"] == "Source: Metropolitan Police Service; cspdash"


def test_export_charts_http_map_downloads(client, export_chromium: Path) -> None:
    png = client.get(f"/p/E09000016/export/map.png?{MAP_QUERY}")
    assert png.status_code == 200 and png.mimetype == "image/png", png.get_data(as_text=True)[:200]
    assert png.headers["Content-Disposition"].startswith('attachment; filename="map-crime-2016-17-Q3-count.png"; filename*=UTF-8')
    with Image.open(io.BytesIO(png.data)) as image:
        assert image.size[0] == 2400
    svg = client.get(f"/p/E09000016/export/map.svg?{MAP_QUERY.replace('view=count', 'view=change')}")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg_size(svg.data)[0] == 800
    assert b"had fewer offences than in Q3 2015/16" in svg.data
    bad = client.get("/p/E09000016/export/map.png?span=fortnight")
    assert bad.status_code == 404 and "'fortnight' is not a period length" in bad.get_data(as_text=True)


def test_export_charts_ward_map_figures_match_the_pages_table(client, database_url: str) -> None:
    """/p/E09000016/export/map.csv is the /map page's table: same wards, order, figures, classes and ranks."""
    from dash import html

    from tests.conftest import make_dashboard_app
    from tests.helpers import text, walk

    response = client.get(f"/p/E09000016/export/map.csv?{MAP_QUERY}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="map-crime-2016-17-Q3-count.csv"; filename*=UTF-8'
    )
    frame = pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig")
    app = make_dashboard_app(database_url)
    from dashboards import ward_map

    with app.server.test_request_context("/"):
        page = ward_map.page(database_url, "E09000016", dict(p.split("=") for p in MAP_QUERY.split("&")))
    table = next(t for t in walk(page) if isinstance(t, html.Table) and getattr(t, "id", None) == "ward-map-table")
    rows = [[text(c) for c in tr.children] for tr in walk(table) if isinstance(tr, html.Tr)][1:]
    assert len(frame) == len(rows) == 18
    assert frame["ward"].tolist() == [r[0] for r in rows]
    assert [f"{int(v):,}" for v in frame["value"]] == [r[1] for r in rows]
    assert frame["map_class"].tolist() == [next(c for c in r if c in set(frame["map_class"])) for r in rows]
    assert frame["rank"].tolist() == sorted(frame["rank"].tolist())
    xlsx = client.get(f"/p/E09000016/export/map.xlsx?{MAP_QUERY}")
    assert xlsx.status_code == 200
    assert pd.read_excel(io.BytesIO(xlsx.data))["ward"].tolist() == frame["ward"].tolist()


def test_export_charts_cli_writes_the_ward_maps_figures(demo_engine, database_url: str, tmp_path: Path) -> None:
    out = tmp_path / "wards.xlsx"
    args = ["export", "map", "--measure", "asb", "--period", "2016-17-Q3", "--view", "change", "--out", str(out)]
    result = CliRunner().invoke(cli, args, env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    frame = pd.read_excel(out)
    assert set(frame["shown"]) == {"change"} and set(frame["measure"]) == {"Anti-social behaviour"}
    assert len(frame) == 18 and frame["change_percent"].notna().all()


def test_export_charts_embed_map_is_standalone(client) -> None:
    response = client.get(f"/p/E09000016/embed/map?{MAP_QUERY}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Ward map: All crime by ward, Havering, Q3 2016/17</h1>" in html
    assert '<p class="summary" id="embed-summary">Highest: ' in html
    assert 'id="embed-chart"' in html and '"type":"choropleth"' in html
    assert "app-nav" not in html and "<nav" not in html and "<header" not in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert '<script charset="utf-8" src="/embed/plotly-' in html
    missing = client.get("/p/E09000016/embed/map?period=2030-31-Q1")
    assert missing.status_code == 404 and "No figures are held for Q1 2030/31" in missing.get_data(as_text=True)


@pytest.mark.browser
def test_export_charts_embed_map_renders_in_chromium(export_live: str, web_browser, database_url: str) -> None:
    requests: list[str] = []
    web_browser.on("request", lambda r: requests.append(r.url))
    web_browser.set_viewport_size({"width": 720, "height": 700})
    web_browser.goto(f"{export_live}/embed/map?{MAP_QUERY}")
    web_browser.wait_for_selector("#embed-chart .js-plotly-plot .main-svg")
    kinds = web_browser.evaluate("document.querySelector('#embed-chart .js-plotly-plot').data.map(t => t.type)")
    assert "choropleth" in kinds
    assert web_browser.inner_text("#embed-summary").startswith("Highest: ")
    assert web_browser.locator("nav").count() == 0
    assert all(r.startswith(export_live) for r in requests), requests
    assert web_browser.console_errors == []
    assert serious_axe_violations(web_browser) == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    backend = "postgresql" if database_url.startswith("postgres") else "sqlite"
    screenshot(web_browser, ARTIFACTS / f"embed-map-{backend}.png", full_page=True)
