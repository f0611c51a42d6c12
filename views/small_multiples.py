"""Several small dashboard charts laid out as one committee-styled figure: a grid of cells,
each with a heading (name and statement) above its plot, sharing one title, subtitle,
legend and source line. The demand pressures and a ward's crime categories use it."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from views.print_style import PRINT_WIDTH, as_dict, committee_style
from views.text_fit import fit, line_count

HEADING_SIZE, HEADING_LINE = 13, 17  # px: each cell's heading font and line height


@dataclass(frozen=True)
class Cells:
    """Each cell's height in px: its heading (up to three lines), the plot, the tick labels."""

    heading: int = 78
    plot: int = 150
    ticks: int = 52

    @property
    def height(self) -> int:
        return self.heading + self.plot + self.ticks


def _axis(i: int) -> str:
    return "" if i == 0 else str(i + 1)


def small_multiples(
    parts: list[Any], headings: list[str], title: str, subtitle: str, source: str,
    columns: int = 2, cells: Cells = Cells(), width: int = PRINT_WIDTH, left: int = 60,
) -> tuple[dict[str, Any], int]:  # fmt: skip
    """The styled figure and its height. ``parts`` are the page's own figures (their titles
    are dropped: ``headings`` replace them, HTML allowed); the first part's traces give the
    legend."""
    parts = [as_dict(p) for p in parts]
    rows = math.ceil(len(parts) / columns)
    gap_x = 0.1 if columns < 3 else 0.08
    width_each = (1 - gap_x * (columns - 1)) / columns
    # Each heading wraps to its cell (from where it starts, left of the plot, to the plot's
    # right edge), and the cells grow when a heading needs more lines than they allow.
    plot_width = width - max(left, 70) - 24
    headings = [fit(h, width_each * plot_width + (left - 20) - 4, HEADING_SIZE) for h in headings]
    needed = max((line_count(h) for h in headings), default=0) * HEADING_LINE + 16  # room for the top tick label
    if needed > cells.heading:
        cells = replace(cells, heading=needed)
    data: list[dict[str, Any]] = []
    for i, part in enumerate(parts):
        suffix = _axis(i)
        data += [
            {**t, "xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "showlegend": i == 0, "legendgroup": t.get("name")}
            for t in part["data"]
        ]
    base = {k: v for k, v in parts[0]["layout"].items() if k not in ("xaxis", "yaxis", "title", "height", "margin", "showlegend")}
    layout = {**base, "margin": {"l": left, "r": 20, "b": 30}}
    probe = committee_style({"data": data, "layout": layout}, title, subtitle, source, width)
    top, bottom = probe["layout"]["margin"]["t"], probe["layout"]["margin"]["b"]
    height = top + bottom + rows * cells.height
    styled = committee_style({"data": data, "layout": layout}, title, subtitle, source, width, height)
    out = styled["layout"]
    plot = rows * cells.height  # the plotting area's height in px; domains are fractions of it
    for i, (part, heading) in enumerate(zip(parts, headings, strict=True)):
        row, col = divmod(i, columns)
        x0 = col * (width_each + gap_x)
        cell_top = 1 - row * cells.height / plot
        plot_top = cell_top - cells.heading / plot
        suffix = _axis(i)
        out[f"xaxis{suffix}"] = {**part["layout"].get("xaxis", {}), "domain": [x0, x0 + width_each], "anchor": f"y{suffix}"}
        out[f"yaxis{suffix}"] = {
            **part["layout"].get("yaxis", {}),
            "domain": [plot_top - cells.plot / plot, plot_top],
            "anchor": f"x{suffix}",
        }
        out["annotations"].append(
            {
                "text": heading, "xref": "paper", "yref": "paper", "x": x0, "y": cell_top, "xanchor": "left", "yanchor": "top",
                "showarrow": False, "align": "left", "xshift": -(left - 20), "font": {"size": 13},
            }
        )  # fmt: skip
    return styled, height
