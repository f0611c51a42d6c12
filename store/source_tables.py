"""The store's tables for each declared source (``sources``), resolved from the names the
declarations give: the registry names tables, the store owns them."""

from __future__ import annotations

from typing import Any

import store.models as models
from sources.registry import counted


def _model(name: str) -> Any:
    try:
        return getattr(models, name)
    except AttributeError:
        raise LookupError(f"a source names the table {name!r}, which store.models does not define") from None


def count_models() -> dict[str, Any]:
    """source -> its count table (crime: ``CrimeCount``), for every source held as counts."""
    return {key: _model(s.count_model) for key, s in counted().items() if s.count_model}


def count_tables() -> dict[str, tuple[str, str]]:
    """source -> (count table, its set-aside twin) by table name (``store.count_sources``)."""
    return {
        key: (_model(s.count_model).__tablename__, _model(s.set_aside_model).__tablename__)
        for key, s in counted().items()
        if s.count_model and s.set_aside_model
    }


def count_categories() -> dict[str, tuple[str, ...]]:
    """source -> its count table's category columns."""
    return {key: s.categories for key, s in counted().items()}
