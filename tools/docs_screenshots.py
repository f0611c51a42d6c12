"""Take the documentation's screenshots from the demo: `make docs-screenshots`.

    python tools/docs_screenshots.py [--width 1366 --width 390] [--out docs/images]

Loads the bundled demo into a throw-away SQLite database (publishing Q3 2016/17, as `make demo`
does), serves it with the real `cspdash serve` on a free local port, opens the scorecard, an
indicator page and the ward map in headless Chromium (/usr/bin/chromium, driven by Playwright)
at the given width, as a reader sees them, and writes PNGs optimised with Pillow
(docs/images/scorecard.png, indicator.png, map.png; for the scorecard and the indicator page
also a copy with numbered marks, -annotated.png). A changed page changes its screenshot. Needs
the test tools (`make .venv/bin/.installed-test`).
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("BROWSER_PATH") or "/usr/bin/chromium")  # as exports/browser.py
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PERIOD = "period=2016-17-Q3&area=E09000016"
# name, address, what shows the page has drawn, how much of the page to keep (CSS px from the top)
SHOTS = [
    ("scorecard", f"/?{PERIOD}", "table tbody tr", 2200),
    ("indicator", f"/indicator/CSP1?{PERIOD}", ".js-plotly-plot .main-svg .trace", 1700),
    ("map", "/map?measure=crime&period=2016-17-Q3&span=quarter&view=count", ".js-plotly-plot .choroplethlocation", 1500),
]
MAX_BYTES = 200_000
# Numbered marks drawn on copies of desktop shots for "Reading the dashboard", each at the top
# left of what it points at: a number is a column of the scorecard's first rated row, text a
# CSS selector (its first match). Reading the dashboard explains each number.
ANNOTATE: dict[str, list[tuple[int, int | str]]] = {
    # the rating, SPC variation and assurance, and the two arrows (columns 2-6)
    "scorecard": [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5)],
    # the rating and arrows, the one-line verdict, which question each answers, a changed
    # process, the target chart's legend
    "indicator": [
        (1, ".indicator-headline"),
        (2, "#indicator-verdict"),
        (3, "#indicator-answers"),
        (4, ".baseline-panel"),
        (5, ".js-plotly-plot .legend"),
    ],
}
MARK_SCRIPT = """(marks) => {
  const row = document.querySelector('#scorecard-table tbody tr:not(.group-row)');
  let drawn = 0;
  for (const [number, target] of marks) {
    const element = typeof target === 'number' ? (row ? row.children[target] : null) : document.querySelector(target);
    if (!element) continue;
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const mark = document.createElement('div');
    mark.textContent = String(number);
    mark.setAttribute('aria-hidden', 'true');
    Object.assign(mark.style, {position: 'absolute', left: Math.max(0, box.left + window.scrollX - 14) + 'px',
      top: Math.max(0, box.top + window.scrollY - 18) + 'px', width: '26px', height: '26px', borderRadius: '13px',
      background: '#ffdd00', color: '#0b0c0c', border: '2px solid #0b0c0c', font: 'bold 15px/22px Arial, sans-serif',
      textAlign: 'center', zIndex: 1000});
    document.body.appendChild(mark);
    drawn += 1;
  }
  return drawn;
}"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cli(env: dict[str, str], *args: str, **kwargs) -> subprocess.Popen:
    command = [sys.executable, "-c", "from cli.main import cli; cli()", *args]
    return subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True, **kwargs)


def _wait_healthy(base: str, process: subprocess.Popen, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("cspdash serve stopped before it answered /healthz")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("cspdash serve did not answer /healthz in time")


def optimise_png(data: bytes) -> bytes:
    """A lossless PNG when it is small enough, else the smaller of it and a 256-colour one
    (screens are flat colour: the palette version is usually a third of the size and looks
    the same)."""
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    candidates = []
    for version in (image, image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)):
        buffer = io.BytesIO()
        version.save(buffer, format="PNG", optimize=True)
        candidates.append(buffer.getvalue())
    lossless, palette = candidates
    return lossless if len(lossless) <= MAX_BYTES else min(lossless, palette, key=len)


def _shown(path: Path) -> Path:
    """The path to print: inside the repository relative to it, elsewhere (--out) as given."""
    return path.relative_to(REPO) if path.is_relative_to(REPO) else path


def shoot(base: str, out: Path, width: int, height: int) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
            page = context.new_page()
            for name, address, ready, keep in SHOTS:
                page.goto(base + address, wait_until="networkidle", timeout=120_000)
                page.wait_for_selector(ready, state="attached", timeout=120_000)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(800)  # let charts finish their transitions
                # The desktop shot keeps the plain name the guides have always used.
                path = out / (f"{name}.png" if width >= 1000 else f"{name}-{width}.png")
                tall = page.evaluate("document.documentElement.scrollHeight")
                shot = page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": width, "height": min(tall, keep)})
                path.write_bytes(optimise_png(shot))
                written.append(path)
                print(f"{_shown(path)}: {path.stat().st_size // 1024} KB")
                if width >= 1000 and name in ANNOTATE:
                    drawn = page.evaluate(MARK_SCRIPT, ANNOTATE[name])
                    if drawn != len(ANNOTATE[name]):
                        # the guide explains each numbered mark: a page that lost a column
                        # must fail here, not leave an old annotated picture in place
                        raise SystemExit(f"{name}: drew {drawn} of {len(ANNOTATE[name])} numbered marks; see ANNOTATE")
                    marked = out / f"{name}-annotated.png"
                    clip = {"x": 0, "y": 0, "width": width, "height": min(tall, keep)}
                    marked.write_bytes(optimise_png(page.screenshot(full_page=True, clip=clip)))
                    written.append(marked)
                    print(f"{_shown(marked)}: {marked.stat().st_size // 1024} KB")
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--width", type=int, action="append", help="viewport width in CSS pixels; give it again for more (default 1366 and 390)"
    )
    parser.add_argument("--height", type=int, default=900, help="viewport height in CSS pixels (default 900)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images", help="folder for the PNGs")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: install Debian's chromium or set BROWSER_PATH")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cspdash-shots-") as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CSPDASH_", "DATABASE_URL", "REDIS_URL"))}
        env.update({"DATABASE_URL": f"sqlite:///{folder}/demo.db", "CSPDASH_DATA_DIR": folder})
        loading = _cli(env, "demo")
        if loading.wait() != 0:
            raise SystemExit("cspdash demo failed")
        port = _free_port()
        server = _cli(env, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--threads", "4",
                      stdout=subprocess.DEVNULL)  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_healthy(base, server)
            for width in args.width or [1366, 390]:
                shoot(base, args.out, width, args.height)
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)  # gunicorn's master and its worker
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
