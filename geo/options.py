"""Per-load options for the geographic loaders.

The registry calls every loader as ``fn(ctx)``; options such as ``--level`` or ``--vintage``
travel with the file itself (``with_options``) so the upload page and the CLI share one path,
and ``cspdash ingest boundaries FILE`` still works with no options at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from loaders.options import LoadProgress
from loaders.reading import Source

LEVELS = ("ward", "borough")
T = TypeVar("T")


@dataclass(frozen=True)
class BoundaryOptions:
    level: str | None = None  # ward | borough; None = tell from the codes
    vintage: str | None = None  # "2018", "2022", "schematic"…; None = tell from fields or file name
    code_field: str | None = None
    name_field: str | None = None
    parent_field: str | None = None
    crs: str | None = None  # used when the file declares none (or declares a wrong one)


@dataclass(frozen=True)
class PoliceUkOptions:
    vintage: str | None = None  # ward boundary vintage to place points in; None = choose
    progress: LoadProgress | None = None  # told as each street file is read (a zip holds hundreds)


@dataclass(frozen=True)
class SourceWithOptions(Source):
    options: object = None


def with_options(source: Source, options: object) -> SourceWithOptions:
    return SourceWithOptions(name=source.name, path=source.path, data=source.data, options=options)


def options_of(source: Source, kind: type[T]) -> T:
    """The options attached to ``source`` if they are of ``kind``, else the defaults."""
    options = getattr(source, "options", None)
    return options if isinstance(options, kind) else kind()
