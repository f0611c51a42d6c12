"""Small helpers shared by tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from loaders.reading import Source
from loaders.registry import run_load
from loaders.summary import LoadSummary


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def load(engine: Engine, kind: str, path: Path, **kwargs) -> LoadSummary:
    return run_load(engine, kind, Source.from_path(path), **kwargs)
