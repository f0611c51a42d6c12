"""Plotly figures as print-quality PNG or SVG, and the committee styling added to them.

Why not ``fig.to_image()``: plotly gives kaleido no way to switch MathJax off, and kaleido
then loads MathJax from a CDN on every start; it also starts a fresh Chromium (several
seconds) for every image. Here one Chromium per process, driven by kaleido on its own event
loop thread, renders every image: plotly.js comes from the installed plotly package, MathJax
is off, and the browser is the system one (``exports.browser``). Nothing is downloaded.
"""

from __future__ import annotations

import asyncio
import atexit
import copy
import threading
from collections.abc import Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import plotly
import plotly.graph_objects as go

from exports import ExportError
from exports.browser import chromium_path

FigureLike = go.Figure | dict[str, Any]
ImageFormat = Literal["png", "svg"]
FORMATS: tuple[ImageFormat, ...] = ("png", "svg")
# A4 portrait with 2 cm margins leaves 17 cm of text width. Drawn 800 CSS px wide there, the
# dashboard's 14 px labels print at about 8 pt; scale 3 gives 2,400 px, over 300 dpi.
PRINT_WIDTH, PRINT_HEIGHT, PRINT_SCALE = 800, 450, 3
RENDER_TIMEOUT = 120  # seconds for one image, Chromium start-up included
RELOAD_EVERY = 40  # images between page reloads (see _kaleido_class)
SOURCE_GREY = "#505a5f"  # GOV.UK secondary text: 7:1 contrast on white
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@dataclass(frozen=True)
class ImageRequest:
    figure: FigureLike
    fmt: ImageFormat = "png"
    width: int = PRINT_WIDTH
    height: int = PRINT_HEIGHT
    scale: float = PRINT_SCALE


def _kaleido_class() -> type:
    """Kaleido reloads its page after every image, which re-parses 4.8 MB of plotly.js and
    doubles the time per chart (0.35 s against 0.16 s here). ``Plotly.toImage`` already
    renders each figure into a fresh element and removes it, so we reload only every
    ``RELOAD_EVERY`` images, to bound any slow growth. This overrides a private kaleido
    method; should kaleido rename it, the override is simply unused and images get slower,
    not wrong."""
    import kaleido  # imported here: it is only needed once an image is asked for

    class ReusingKaleido(kaleido.Kaleido):
        _images = 0

        async def _return_kaleido_tab(self, tab: Any) -> None:
            self._images += 1
            if self._images % RELOAD_EVERY == 0:
                await super()._return_kaleido_tab(tab)
            else:
                await self.tabs_ready.put(tab)

    return ReusingKaleido


class _Renderer:
    """One kaleido (one Chromium, ``tabs`` pages) on a private event loop thread. Calls from
    any thread are safe: each submits a coroutine to that loop and waits for its result.
    One tab is fastest on a small server: a second costs two seconds to start and, with
    page reloads skipped, renders no faster."""

    def __init__(self, tabs: int = 1) -> None:
        kaleido_class = _kaleido_class()
        browser = chromium_path()
        if not PLOTLY_JS.is_file():  # kaleido would silently fall back to the CDN copy
            raise ExportError(f"plotly.js is missing from the plotly package ({PLOTLY_JS}); reinstall plotly.")
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="cspdash-kaleido", daemon=True)
        self._thread.start()

        async def start() -> Any:
            k = kaleido_class(n=tabs, path=str(browser), mathjax=False, timeout=RENDER_TIMEOUT)
            await k.open()
            return k

        try:
            self._kaleido = self._wait(start())
        except BaseException:
            self._loop.call_soon_threadsafe(self._loop.stop)
            raise

    def _wait(self, coroutine: Any, timeout: float = RENDER_TIMEOUT) -> Any:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            future.cancel()
            raise ExportError(f"Chromium did not produce the images within {timeout:.0f} seconds.") from None
        except ExportError:
            raise
        except Exception as exc:  # kaleido and choreographer raise many kinds; say which
            raise ExportError(f"Chromium could not render the chart: {exc}") from exc

    def render(self, requests: Sequence[ImageRequest]) -> list[bytes]:
        """All ``requests`` at once: kaleido spreads them over its tabs."""
        # An SVG is vector: a scale would only inflate its nominal size, so it is always 1.
        specs = [
            (as_dict(r.figure), {"format": r.fmt, "width": r.width, "height": r.height, "scale": r.scale if r.fmt == "png" else 1})
            for r in requests
        ]

        async def run() -> list[bytes]:
            return list(await asyncio.gather(*(self._kaleido.calc_fig(fig, opts=opts) for fig, opts in specs)))

        return self._wait(run(), RENDER_TIMEOUT + 10 * len(specs))

    def close(self) -> None:
        try:
            self._wait(self._kaleido.close(), 15)
        except ExportError:
            pass  # closing is best effort; the daemon thread dies with the process anyway
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)


_renderer: _Renderer | None = None
_renderer_lock = threading.Lock()


def _get_renderer() -> _Renderer:
    global _renderer
    with _renderer_lock:
        if _renderer is None:
            _renderer = _Renderer()
        return _renderer


def shutdown() -> None:
    """Close the shared Chromium (it is started again on the next image)."""
    global _renderer
    with _renderer_lock:
        renderer, _renderer = _renderer, None
    if renderer is not None:
        renderer.close()


atexit.register(shutdown)  # leave no browser behind when the process ends


def _check(fmt: str, width: int, height: int, scale: float) -> None:
    if fmt not in FORMATS:
        raise ExportError(f"Charts can be exported as {' or '.join(FORMATS)}, not {fmt!r}.")
    if not (100 <= width <= 4000 and 100 <= height <= 4000 and 0.5 <= scale <= 5):
        raise ExportError("Chart size must be 100–4,000 pixels each way, at a scale of 0.5 to 5.")


def figures_to_images(requests: Sequence[ImageRequest]) -> list[bytes]:
    """Render several figures in one go (faster than one at a time: they share the tabs)."""
    for r in requests:
        _check(r.fmt, r.width, r.height, r.scale)
    if not requests:
        return []
    renderer = _get_renderer()
    try:
        return renderer.render(requests)
    except ExportError:
        shutdown()  # a browser that failed once is not trusted again: the next call starts afresh
        raise


def figure_to_image(
    fig: FigureLike, fmt: ImageFormat = "png", width: int = PRINT_WIDTH, height: int = PRINT_HEIGHT, scale: float = PRINT_SCALE
) -> bytes:
    """``fig`` as PNG (``width*scale`` by ``height*scale`` pixels) or SVG (``width`` by
    ``height``; ``scale`` does not apply to vectors)."""
    return figures_to_images([ImageRequest(fig, fmt, width, height, scale)])[0]


def as_dict(fig: FigureLike) -> dict[str, Any]:
    """A private deep copy as a plain dict (the dashboard builds dicts; plotly code may hand
    us a ``go.Figure``)."""
    return fig.to_dict() if hasattr(fig, "to_dict") else copy.deepcopy(dict(fig))


def _merge(into: dict, values: dict) -> None:
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
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
    margin = layout.get("margin") or {}
    bottom, left = margin.get("b", 60), max(margin.get("l", 0), 70)
    # Title (and subtitle), in px from the top; a line more for each <br> in either.
    extra = title.count("<br>")
    header = 42 + 22 * extra + (24 + 17 * subtitle.count("<br>") if subtitle else 0)
    legend = layout.get("showlegend", True) and len(out.get("data", [])) > 1
    top = header + (_legend_rows(out.get("data", []), width) * 24 + 14 if legend else 8)
    _merge(
        layout,
        {
            "title": {
                "text": title,
                "subtitle": {"text": subtitle or "", "font": {"size": 13, "color": SOURCE_GREY}},
                "x": 0, "xanchor": "left", "xref": "container", "y": 1, "yanchor": "top", "yref": "container",
                "pad": {"l": 12, "t": 10 + 22 * extra},  # plotly lifts a title's extra lines above its anchor
            },
            "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "top", "yref": "container", "xref": "container"},
            "margin": {"t": top, "b": bottom + 26, "l": left, "r": max(margin.get("r", 0), 24)},
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
            "yshift": -(bottom + 4), "xshift": -left + 12, "showarrow": False, "align": "left",
            "font": {"size": 11, "color": SOURCE_GREY},
        }
    )  # fmt: skip
    return out
