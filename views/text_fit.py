"""Chart titles that fit their figure: text widths from the bundled Liberation Sans (metric-
compatible with the Arial/Helvetica the charts ask for) and greedy wrapping with Plotly's
<br>, so a title never runs off a 600 px embed or an 800 px printed page.

The font is read directly (its ``cmap``, ``hmtx`` and ``head`` tables): a few dozen lines
spare the project an imaging library for one measurement."""

from __future__ import annotations

import functools
import re
import struct
from pathlib import Path

FONTS = Path(__file__).resolve().parent.parent / "exports" / "fonts"
_TAG = re.compile(r"<[^>]+>")
# Renderers differ by a pixel or two a line (kerning, hinting); wrap a little early.
SAFETY = 1.04


@functools.cache
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Each character's advance width in em, and the font's default (missing glyph) width."""
    data = (FONTS / ("LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf")).read_bytes()
    tables = {}
    (count,) = struct.unpack(">H", data[4:6])
    for i in range(count):
        tag, _, offset, _ = struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i])
        tables[tag.decode()] = offset
    units = struct.unpack(">H", data[tables["head"] + 18 : tables["head"] + 20])[0]
    metrics = struct.unpack(">H", data[tables["hhea"] + 34 : tables["hhea"] + 36])[0]
    hmtx = tables["hmtx"]
    widths = [struct.unpack(">H", data[hmtx + 4 * g : hmtx + 4 * g + 2])[0] for g in range(metrics)]
    glyph_of = _cmap4(data, tables["cmap"])
    return {c: widths[min(g, metrics - 1)] / units for c, g in glyph_of.items()}, widths[0] / units


def _cmap4(data: bytes, cmap: int) -> dict[int, int]:
    """Character → glyph from the font's Unicode BMP (format 4) subtable."""
    (n,) = struct.unpack(">H", data[cmap + 2 : cmap + 4])
    for i in range(n):
        platform, encoding, offset = struct.unpack(">HHI", data[cmap + 4 + 8 * i : cmap + 12 + 8 * i])
        start = cmap + offset
        if struct.unpack(">H", data[start : start + 2])[0] == 4 and (platform, encoding) in ((3, 1), (0, 3), (0, 4)):
            break
    else:
        raise ValueError("no Unicode cmap in the bundled font")
    segs = struct.unpack(">H", data[start + 6 : start + 8])[0] // 2
    ends = struct.unpack(f">{segs}H", data[start + 14 : start + 14 + 2 * segs])
    base = start + 16 + 2 * segs
    starts = struct.unpack(f">{segs}H", data[base : base + 2 * segs])
    deltas = struct.unpack(f">{segs}h", data[base + 2 * segs : base + 4 * segs])
    range_at = base + 4 * segs
    ranges = struct.unpack(f">{segs}H", data[range_at : range_at + 2 * segs])
    out: dict[int, int] = {}
    for s, (first, last, delta, rng) in enumerate(zip(starts, ends, deltas, ranges, strict=True)):
        for c in range(first, min(last, 0xFFFE) + 1):
            if rng == 0:
                glyph = (c + delta) & 0xFFFF
            else:
                at = range_at + 2 * s + rng + 2 * (c - first)
                glyph = struct.unpack(">H", data[at : at + 2])[0]
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                out[c] = glyph
    return out


def plain(text: str) -> str:
    """``text`` without its HTML tags and with Plotly's entities read."""
    return _TAG.sub("", text).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width in px of one line of ``text`` (tags ignored) at ``size`` px."""
    widths, default = _advances(bold)
    return sum(widths.get(ord(c), default) for c in plain(text)) * size * SAFETY


def fit(text: str, width: float, size: float, bold: bool = False) -> str:
    """``text`` with Plotly <br> breaks so that no line is wider than ``width`` px. Breaks
    already in the text are kept; a line wholly in <b>…</b> stays bold on every piece."""
    lines: list[str] = []
    for line in re.split(r"<br\s*/?>", text):
        wrapped_in_bold = line.startswith("<b>") and line.endswith("</b>") and line.count("<b>") == 1
        inner = line[3:-4] if wrapped_in_bold else line
        pieces = _wrap(inner, width, size, bold or wrapped_in_bold)
        lines += [f"<b>{p}</b>" for p in pieces] if wrapped_in_bold else pieces
    return "<br>".join(lines)


def _wrap(line: str, width: float, size: float, bold: bool) -> list[str]:
    if text_width(line, size, bold) <= width:
        return [line]
    out: list[str] = []
    current = ""
    for word in line.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size, bold) > width:
            out.append(current)
            current = word
        else:
            current = candidate
    if current:
        out.append(current)
    return out


def line_count(text: str) -> int:
    return len(re.split(r"<br\s*/?>", text)) if text else 0
