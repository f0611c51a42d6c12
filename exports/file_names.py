"""Names for downloaded files, and the ``Content-Disposition`` header that carries them.

A download's name is built only from values the server already knows (an indicator code read
from the database, a checked period key, a measure chosen from the list), never echoed from
the URL. As a second line of defence, every name passes through ``file_name`` here: anything
but letters, digits, dot, hyphen and underscore becomes a hyphen, so a crafted link cannot
close the quoted name and add a ``filename*=`` of its own (RFC 6266), nor split the header
with CR/LF. The header carries both forms RFC 6266 asks for: a plain ASCII ``filename`` and
a percent-encoded UTF-8 ``filename*``.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_LENGTH = 150  # well under every file system's 255 bytes
FALLBACK = "download"


def file_stem(*parts: object) -> str:
    """``map-crime-burglary-2016-17-Q3-count`` from ("map", "crime:burglary", "2016-17-Q3", "count")."""
    return _clean("-".join(str(p) for p in parts if p not in (None, "")))


def _clean(text: str) -> str:
    cleaned = _UNSAFE.sub("-", text).strip("-.")
    cleaned = re.sub(r"-{2,}", "-", cleaned)
    return cleaned[:_MAX_LENGTH].strip("-.")


def file_name(name: str) -> str:
    """``name`` with only safe characters (its extension kept), or ``download``."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem, ext = _clean(stem), _clean(ext)
    return (stem or FALLBACK) + (f".{ext}" if ext else "")


def content_disposition(name: str, disposition: str = "attachment") -> str:
    """``attachment; filename="x.csv"; filename*=UTF-8''x.csv`` for a safe form of ``name``."""
    safe = file_name(name)
    return f"{disposition}; filename=\"{safe}\"; filename*=UTF-8''{quote(safe, safe='')}"


__all__ = ["content_disposition", "file_name", "file_stem"]
