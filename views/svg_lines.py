"""Small line charts drawn on the server as SVG, for the ward profile's crime categories.

A dozen or more small static charts cost the browser a Plotly render each before the page's
first chart appears, and nobody zooms them; as SVG they arrive drawn, in the page itself.
They look like the Plotly small multiples they replace on the page (the downloads still use
those): the same title, colours, markers, axes and whole-number ticks. The picture is an
image with alt text; the figures are in the page's table.

The SVG scales with its cell (a ``viewBox``), so it is drawn for a typical cell width.
"""

from __future__ import annotations

import math
from html import escape

from views.charts import BLUE, FONT, GRID, INK, PLUM
from views.text_fit import fit, line_count

WIDTH = 340  # px of the viewBox: the page's grid cells are 300 to about 400 px wide
TITLE_SIZE, TICK_SIZE, LINE_HEIGHT = 15, 12, 18
LEFT, RIGHT, BOTTOM, TOP = 52, 14, 32, 42


def y_ticks(top: float) -> tuple[list[int], float]:
    """Whole-number ticks from zero and the axis top: about five steps of 1, 2 or 5 × 10ⁿ."""
    if top < 5:  # small counts: every whole number, not 0, 1, 1 from rounding 0.5
        end = max(top, 1) * 1.15
        return list(range(0, math.floor(end) + 1)), end
    raw = top * 1.05 / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(s * power for s in (1, 2, 5, 10) if s * power >= raw)
    step = max(1, int(step))
    end = top * 1.05
    return list(range(0, int(end) + 1, step)), end


def x_ticks(count: int, most: int = 4) -> list[int]:
    """Which category labels to show: fewer than ``most``, evenly spaced from the first (as
    Plotly's ``nticks=4`` on a category axis: every fourth of twelve quarters)."""
    step = max(1, math.ceil(count / (most - 1)))
    return list(range(0, count, step))


def small_line_svg(title: str, labels: list[str], values: list[float | None], chosen: str) -> tuple[str, int]:
    """The chart as an SVG document and its height in px (at ``WIDTH``). ``title`` may hold
    <br> breaks (as made by ``text_fit.fit``); it is wrapped again to this width."""
    lines = fit(title, WIDTH - 10, TITLE_SIZE).split("<br>")
    top_margin = TOP + LINE_HEIGHT * (line_count("<br>".join(lines)) - 1)
    height = 230 - 45 + top_margin  # as the Plotly version: 230 px with one title line
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - top_margin - BOTTOM
    held = [v for v in values if v is not None]
    ticks, end = y_ticks(max(held, default=0))
    n = len(labels)

    def x(i: int) -> float:
        return LEFT + (i + 0.5) * plot_w / max(n, 1)

    def y(v: float) -> float:
        return top_margin + plot_h - v / end * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'font-family={_attr(FONT)} fill="{INK}">',
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
    ]
    out += [
        f'<text x="0" y="{22 + LINE_HEIGHT * k}" font-size="{TITLE_SIZE}">{escape(line)}</text>' for k, line in enumerate(lines)
    ]
    for t in ticks:
        out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="{GRID}"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y(t) + 4:.1f}" font-size="{TICK_SIZE}" text-anchor="end">{t:,}</text>')
    axis_y = top_margin + plot_h
    out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{axis_y}" y2="{axis_y}" stroke="{INK}"/>')
    for i in x_ticks(n):
        out.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{axis_y}" y2="{axis_y + 5}" stroke="{INK}"/>')
        out.append(
            f'<text x="{x(i):.1f}" y="{axis_y + 19}" font-size="{TICK_SIZE}" text-anchor="middle">{escape(labels[i])}</text>'
        )
    # The line, broken where a quarter has no figure (as Plotly draws gaps).
    run: list[str] = []
    for i, v in enumerate([*values, None]):
        if v is None:
            if len(run) > 1:
                out.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{BLUE}" stroke-width="2"/>')
            run = []
        else:
            run.append(f"{x(i):.1f},{y(v):.1f}")
    out += [f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{BLUE}"/>' for i, v in enumerate(values) if v is not None]
    if chosen in labels and values[labels.index(chosen)] is not None:  # the map's quarter: a filled square
        i = labels.index(chosen)
        out.append(f'<rect x="{x(i) - 5.5:.1f}" y="{y(values[i]) - 5.5:.1f}" width="11" height="11" fill="{PLUM}"/>')  # type: ignore[arg-type]
    out.append("</svg>")
    return "".join(out), height


def _attr(text: str) -> str:
    return '"' + escape(text, quote=True) + '"'
