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
import hashlib
import json
import sys
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import plotly
from plotly.utils import PlotlyJSONEncoder

from exports import ExportError
from exports.browser import chromium_path
from views.print_style import PRINT_HEIGHT, PRINT_SCALE, PRINT_WIDTH, FigureLike, as_dict

ImageFormat = Literal["png", "svg"]
FORMATS: tuple[ImageFormat, ...] = ("png", "svg")
RENDER_TIMEOUT = 120  # seconds for one image, Chromium start-up included
RELOAD_EVERY = 40  # images between page reloads (see _kaleido_class)
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
KEPT_BYTES = 48 * 1024 * 1024  # images kept for asking again (a pack's charts are ~0.1-0.3 MB each)


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
        self._kept: OrderedDict[str, bytes] = OrderedDict()
        self._kept_bytes = 0
        self._kept_lock = threading.Lock()

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
        """All ``requests`` at once: kaleido spreads them over its tabs. A figure drawn before
        at the same size and format is not drawn again: a pack, its PDF and Word versions, the
        chart downloads beside them and the next request for the same quarter draw the same
        charts (about 0.1-0.2 s each in Chromium)."""
        # An SVG is vector: a scale would only inflate its nominal size, so it is always 1.
        specs = [
            (
                as_dict(r.figure),
                {"format": r.fmt, "width": r.width, "height": r.height, "scale": r.scale if r.fmt == "png" else 1},
            )
            for r in requests
        ]
        keys = [_image_key(figure, opts) for figure, opts in specs]
        images = self._take_kept(keys)
        to_draw = {key: spec for key, spec in zip(keys, specs, strict=True) if key not in images}
        if to_draw:

            async def run() -> list[bytes]:
                return list(await asyncio.gather(*(self._kaleido.calc_fig(fig, opts=opts) for fig, opts in to_draw.values())))

            drawn = dict(zip(to_draw, self._wait(run(), RENDER_TIMEOUT + 10 * len(to_draw)), strict=True))
            images.update(drawn)
            self._keep(drawn)
        return [images[key] for key in keys]

    def _take_kept(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The images kept for ``keys``, each marked as asked for just now."""
        with self._kept_lock:
            for key in keys:
                if key in self._kept:
                    self._kept.move_to_end(key)
            return {key: self._kept[key] for key in keys if key in self._kept}

    def _keep(self, drawn: dict[str, bytes]) -> None:
        """Keep what was drawn, the least recently asked for going first past ``KEPT_BYTES``."""
        with self._kept_lock:
            for key, image in drawn.items():
                if key not in self._kept:
                    self._kept[key] = image
                    self._kept_bytes += len(image)
            while self._kept_bytes > KEPT_BYTES and self._kept:
                self._kept_bytes -= len(self._kept.popitem(last=False)[1])

    def close(self) -> None:
        try:
            self._wait(self._kaleido.close(), 15)
        except ExportError:
            pass  # closing is best effort; the daemon thread dies with the process anyway
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)


def _image_key(figure: dict[str, Any], opts: dict[str, Any]) -> str:
    """What decides an image: the whole figure (data, layout, styling) and the size and format."""
    text = json.dumps([figure, opts], sort_keys=True, cls=PlotlyJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


_renderer: _Renderer | None = None
_renderer_lock = threading.Lock()


def _get_renderer() -> _Renderer:
    global _renderer
    # An audit event on every use, not just the start: whatever watches the process (the test
    # suite's marks guard) sees Chromium used even when an earlier caller started it.
    sys.audit("cspdash.chromium", "kaleido")
    with _renderer_lock:
        if _renderer is None:
            _renderer = _Renderer()
        return _renderer


def shutdown() -> None:
    """Close the shared Chromium and forget the images it drew (it is started again on the next
    image, and draws afresh)."""
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
