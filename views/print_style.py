"""A figure dressed for a committee paper: the print size, and the title, subtitle, legend
and source line added to a dashboard figure (``committee_style``). Pure data: turning the
result into PNG or SVG is ``exports/images.py``."""

from __future__ import annotations

import copy
from typing import Any, TypeAlias

import plotly.graph_objects as go

from views.text_fit import fit

FigureLike: TypeAlias = "go.Figure | dict[str, Any]"
# A4 portrait with 2 cm margins leaves 17 cm of text width. Drawn 800 CSS px wide there, the
# dashboard's 14 px labels print at about 8 pt; scale 3 gives 2,400 px, over 300 dpi.
PRINT_WIDTH, PRINT_HEIGHT, PRINT_SCALE = 800, 450, 3
SOURCE_GREY = "#505a5f"  # GOV.UK secondary text: 7:1 contrast on white
TITLE_SIZE, SUBTITLE_SIZE, SOURCE_SIZE = 17, 13, 11
TEXT_INSET = 12  # px between the figure's left edge and the title, subtitle and source line


def fit_heading(text: str, width: int, size: float) -> str:
    """``text`` wrapped (Plotly <br>) to fit a figure ``width`` px wide, with the title's
    left inset and as much again on the right: every title, subtitle and source line
    wraps here rather than being cut off at the figure's edge."""
    return fit(text, width - 2 * TEXT_INSET, size)


def as_dict(fig: FigureLike) -> dict[str, Any]:
    """A private deep copy as a plain dict (the dashboard builds dicts; plotly code may hand
    us a ``go.Figure``)."""
    return fig.to_dict() if hasattr(fig, "to_dict") else copy.deepcopy(dict(fig))


def deep_merge(into: dict, values: dict) -> None:
    """Set ``values`` into ``into``, merging nested dicts rather than replacing them."""
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            deep_merge(into[key], value)
        else:
            into[key] = value


def _legend_rows(data: list[dict[str, Any]], width: int) -> int:
    """How many rows a horizontal legend needs at ``width`` px (13 px text, Arial-like
    widths), so the top margin can make room and the legend never covers the subtitle."""
    names = [t.get("name") or "" for t in data if t.get("showlegend", True) and t.get("name")]
    rows, used = 1, 0.0
    for name in dict.fromkeys(names):
        item = 50 + 7.0 * len(name)
        if used and used + item > width - 40:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def committee_style(
    fig: FigureLike, title: str, subtitle: str | None, source: str, width: int = PRINT_WIDTH, height: int = PRINT_HEIGHT
) -> dict[str, Any]:
    """A copy of a dashboard figure dressed for a committee paper: the title states the
    finding, the subtitle names the measure and period, the legend sits under them, and a
    source line sits under the plot. The dashboard's line styles and markers are kept, so
    nothing relies on colour. ``width`` and ``height`` are the size it will be drawn at."""
    out = as_dict(fig)
    layout = out.setdefault("layout", {})
    title = fit_heading(title, width, TITLE_SIZE)
    subtitle = fit_heading(subtitle, width, SUBTITLE_SIZE) if subtitle else subtitle
    source = fit_heading(source, width, SOURCE_SIZE)
    margin = layout.get("margin") or {}
    bottom, left = margin.get("b", 60), max(margin.get("l", 0), 70)
    # Title (and subtitle), in px from the top; a line more for each <br> in either.
    extra = title.count("<br>")
    header = 42 + 22 * extra + (24 + 17 * subtitle.count("<br>") if subtitle else 0)
    legend = layout.get("showlegend", True) and len(out.get("data", [])) > 1
    top = header + (_legend_rows(out.get("data", []), width) * 24 + 14 if legend else 8)
    deep_merge(
        layout,
        {
            "title": {
                "text": title, "font": {"size": TITLE_SIZE},
                "subtitle": {"text": subtitle or "", "font": {"size": SUBTITLE_SIZE, "color": SOURCE_GREY}},
                "x": 0, "xanchor": "left", "xref": "container", "y": 1, "yanchor": "top", "yref": "container",
                "pad": {"l": TEXT_INSET, "t": 10 + 22 * extra},  # plotly lifts a title's extra lines above its anchor
            },
            "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "top", "yref": "container", "xref": "container"},
            "margin": {"t": top, "b": bottom + 26 + 14 * source.count("<br>"), "l": left, "r": max(margin.get("r", 0), 24)},
            "hovermode": False,  # nothing can hover on paper
            "width": width,
            "height": height,
        },
    )  # fmt: skip
    if legend:
        layout["legend"].update(y=1 - header / height, x=0.005)
    layout.setdefault("annotations", []).append(
        {
            "text": source, "xref": "paper", "yref": "paper", "x": 0, "y": 0, "xanchor": "left", "yanchor": "top",
            "yshift": -(bottom + 4), "xshift": -left + TEXT_INSET, "showarrow": False, "align": "left",
            "font": {"size": SOURCE_SIZE, "color": SOURCE_GREY},
        }
    )  # fmt: skip
    return out


SCHEMATIC_LABEL = "Schematic layout, not real boundaries"


def mark_schematic(styled: dict[str, Any]) -> dict[str, Any]:
    """Say on the map image itself that its hexagons are a schematic layout, so a PNG or SVG
    lifted into a report cannot be mistaken for real ward boundaries."""
    styled["layout"].setdefault("annotations", []).insert(
        0,  # the source line stays last
        {
            "text": f"<b>{SCHEMATIC_LABEL}</b>", "xref": "paper", "yref": "paper", "x": 1, "y": 0, "xanchor": "right",
            "yanchor": "bottom", "showarrow": False, "align": "right", "font": {"size": 13, "color": "#0b0c0c"},
            "bgcolor": "rgba(255,255,255,0.85)", "bordercolor": SOURCE_GREY, "borderwidth": 1, "borderpad": 4,
        },
    )  # fmt: skip
    return styled
