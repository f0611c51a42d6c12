"""Every declared source of figures and kind of file, found in the modules of ``sources``.

Each module of this package (but this one and ``declarations``) declares ``DECLARED``: a tuple
of ``FigureSource`` and ``FileKind``. Lookups go through the functions here, which read the
current registry, so a test can add a toy declaration for a while (``registered``) and see it
offered wherever kinds are offered.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

from sources.declarations import FigureSource, FileKind

_NOT_DECLARATIONS = {"registry", "declarations"}
_Declared = TypeVar("_Declared", FigureSource, FileKind)


class UnknownSource(ValueError):
    """A key no declared source or kind of file has."""


class Registry:
    """Declared sources and kinds of file, each in its listed order."""

    def __init__(self, declared: Iterable[FigureSource | FileKind]) -> None:
        declared = list(declared)
        self.sources: dict[str, FigureSource] = _keyed(d for d in declared if isinstance(d, FigureSource))
        self.kinds: dict[str, FileKind] = _keyed(d for d in declared if isinstance(d, FileKind))

    def with_(self, *extra: FigureSource | FileKind) -> Registry:
        return Registry([*self.sources.values(), *self.kinds.values(), *extra])


def _keyed(items: Iterable[_Declared]) -> dict[str, _Declared]:
    out: dict[str, _Declared] = {}
    for item in sorted(items, key=lambda d: (d.position, d.key)):
        if item.key in out:
            raise ValueError(f"{type(item).__name__} {item.key!r} is declared twice")
        out[item.key] = item
    return out


def discover() -> list[FigureSource | FileKind]:
    """Every declaration in the modules of this package."""
    import sources

    found: list[FigureSource | FileKind] = []
    for module in sorted(m.name for m in pkgutil.iter_modules(sources.__path__)):
        if module not in _NOT_DECLARATIONS:
            found.extend(importlib.import_module(f"sources.{module}").DECLARED)
    return found


_current = Registry(discover())


def current() -> Registry:
    return _current


@contextmanager
def registered(*extra: FigureSource | FileKind) -> Iterator[Registry]:
    """The registry with ``extra`` declared too, for the duration (tests of a new source)."""
    global _current
    before = _current
    _current = before.with_(*extra)
    try:
        yield _current
    finally:
        _current = before


class _Sources(Mapping[str, FigureSource]):
    """key -> FigureSource of the current registry, in listed order."""

    def __getitem__(self, key: str) -> FigureSource:
        return _current.sources[key]

    def __iter__(self) -> Iterator[str]:
        return iter(_current.sources)

    def __len__(self) -> int:
        return len(_current.sources)


SOURCES: Mapping[str, FigureSource] = _Sources()


def by_key(key: str) -> FigureSource:
    """The source ``key`` (``crime``, ``asb``, ``marac``, ``values``…); an error naming the known ones."""
    try:
        return _current.sources[key]
    except KeyError:
        raise UnknownSource(f"no source {key!r}; the sources are {', '.join(_current.sources)}") from None


def source_keys() -> tuple[str, ...]:
    return tuple(_current.sources)


def counted() -> dict[str, FigureSource]:
    """The sources held as counts by area and month (crime, ASB), in listed order."""
    return {k: s for k, s in _current.sources.items() if s.counted}


def monthly() -> tuple[str, ...]:
    """Keys of the sources whose figures come by month from count tables (crime, ASB)."""
    return tuple(k for k, s in _current.sources.items() if s.monthly and s.counted)


def uploaded() -> str:
    """Key of the source of uploaded indicator values (``values``): a measure naming no other
    source is read from it."""
    from sources.declarations import UPLOADED

    return next(k for k, s in _current.sources.items() if s.coverage == UPLOADED)


def kinds() -> tuple[FileKind, ...]:
    """Every kind of file, in listed order."""
    return tuple(_current.kinds.values())


def kind_keys() -> tuple[str, ...]:
    return tuple(_current.kinds)


def file_kind(key: str) -> FileKind:
    """The kind of file ``key``; an error naming the known ones."""
    try:
        return _current.kinds[key]
    except KeyError:
        raise UnknownSource(f"unknown kind {key!r}; choose one of {', '.join(_current.kinds)}") from None


def sources_changed_by(kind: str) -> tuple[str, ...]:
    """Sources whose coverage record a load of ``kind`` can change (none for an unknown kind)."""
    found = _current.kinds.get(kind)
    return found.changes_coverage if found else ()


def kinds_in_help() -> str:
    """The kinds as the CLI's help lists them: "crime, asb, … or annotations (series breaks and notes)"."""
    names = [k.cli_name for k in kinds()]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
