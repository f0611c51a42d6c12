"""The ward profile's crime-category charts are drawn on the server as SVG images: one per
category, each with alt text saying what it shows and its figure, the same title as the
downloadable Plotly version, the figures behind it in the page's table, and no Plotly graph
for the browser to draw."""

from __future__ import annotations

import base64
import json
import re

import pytest

from tests.conftest import make_dashboard_app
from views.svg_lines import small_line_svg, x_ticks, y_ticks

WARD = "E05000306"


@pytest.fixture(scope="module")
def layout(demo_database_url: str) -> dict:
    client = make_dashboard_app(demo_database_url).server.test_client()
    response = client.get("/_dash-layout", headers={"X-Cspdash-Page": f"/ward/{WARD}?period=2016-17-Q3"})
    assert response.status_code == 200
    return response.get_json()


def _nodes(node: object, kind: str) -> list[dict]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == kind:
            found.append(node["props"])
        for value in node.values():
            found += _nodes(value, kind)
    elif isinstance(node, list):
        for value in node:
            found += _nodes(value, kind)
    return found


def test_ward_small_charts_are_svg_images_with_alt_text(layout: dict, demo_database_url: str) -> None:
    from views.ward_charts import category_title, ward_view

    view = ward_view(demo_database_url, "E09000016", WARD, {"period": "2016-17-Q3"})
    images = [p for p in _nodes(layout, "Img") if p.get("id", "").startswith("ward-profile-category-")]
    assert len(images) == len(view.series.categories) > 5
    for image, (label, values) in zip(images, view.series.categories.items()):
        title = category_title(label, values, view.labels, view.chosen)  # e.g. "Burglary: 7 in Q3 16/17"
        assert image["alt"].startswith(f"Line chart: {label} by quarter in {view.name}, ") and f"{title}." in image["alt"]
        assert image["src"].startswith("data:image/svg+xml;base64,")
        svg = base64.b64decode(image["src"].split(",", 1)[1]).decode()
        words = " ".join(re.findall(r">([^<]+)</text>", svg))
        assert " ".join(title.split()) in " ".join(words.split()), "the chart's own title states the figure"
    graphs = [p["id"] for p in _nodes(layout, "Graph")]
    assert graphs == ["ward-profile-locator", "ward-profile-trend"], "only the map and the trend are Plotly graphs"
    table = json.dumps([p for p in _nodes(layout, "Table") if p.get("id") == "ward-profile-category-table"])
    assert all(label in table for label in view.series.categories), "the figures are in the table"


def test_ward_small_charts_draw_each_figure_and_mark_the_quarter() -> None:
    labels = [f"Q{q} {y}/{y + 1}" for y in (14, 15, 16) for q in (1, 2, 3, 4)]
    values = [3, 5, None, 9, 12, 8, 7, 6, 11, 10, 4, 9]
    svg, height = small_line_svg("Burglary: 9 in Q4 16/17", labels, values, "Q4 16/17")
    assert svg.count("<circle") == 11, "a marker for every quarter with a figure"
    assert svg.count("<polyline") == 2, "the line breaks at the quarter with no figure"
    assert svg.count('fill="#801650"') == 1, "the map's quarter: one filled square"
    assert [m for m in re.findall(r'text-anchor="middle">([^<]+)<', svg)] == ["Q1 14/15", "Q1 15/16", "Q1 16/17"]
    assert height == 227
    wrapped, taller = small_line_svg(
        "Miscellaneous crimes against society and a long name: 3 in Q4 16/17", labels, values, "Q4 16/17"
    )
    assert taller > height and wrapped.count('font-size="15"') == 2, "a long title wraps to a second line"


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (0, [0, 1]),
        (3, [0, 1, 2, 3]),
        (19, [0, 5, 10, 15]),
        (36, [0, 10, 20, 30]),
        (94, [0, 20, 40, 60, 80]),
        (1234, [0, 500, 1000]),
    ],
)
def test_ward_small_charts_whole_number_ticks_from_zero(top: float, ticks: list[int]) -> None:
    found, end = y_ticks(top)
    assert found == ticks and end >= top and end >= found[-1]


def test_ward_small_charts_x_labels() -> None:
    assert x_ticks(12) == [0, 4, 8] and x_ticks(3) == [0, 1, 2] and x_ticks(1) == [0]
