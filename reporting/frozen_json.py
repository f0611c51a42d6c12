"""Plain JSON for everything a published document freezes, and the typed values read back.

A published quarter is stored as one JSON text. The figures it freezes carry Python types the
``json`` module refuses (a series break's ``date``, a ``Decimal`` from PostgreSQL's NUMERIC, a
timestamp, an enum, a nested dataclass), and one of them reaching ``json.dumps`` stopped
publishing outright. Everything is turned into JSON here, by one rule per type, and a type
with no rule is refused by name when the document is frozen (never silently written as its
``str()``, which could not be read back).
"""

from __future__ import annotations

import dataclasses
import enum
import math
import numbers
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any


class NotFreezable(TypeError):
    """A value of a type the published document has no JSON form for."""


def frozen_value(value: Any, *, where: str = "document") -> Any:
    """``value`` as JSON-ready data: NaN and infinities become None, Decimals floats, dates
    and times ISO 8601 text, enums their value, dataclasses objects, tuples and sets lists."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, enum.Enum):
        return frozen_value(value.value, where=where)
    if isinstance(value, str):
        return str(value)  # StrEnum members and str subclasses become plain strings
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, (numbers.Real, Decimal)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, (datetime, date, time)):  # datetime before date: it is one
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: frozen_value(getattr(value, f.name), where=f"{where}.{f.name}") for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): frozen_value(v, where=f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [frozen_value(v, where=f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, (set, frozenset)):
        return sorted((frozen_value(v, where=where) for v in value), key=repr)
    if type(value).__module__ == "numpy" and hasattr(value, "item"):  # a NumPy scalar (e.g. bool_)
        return frozen_value(value.item(), where=where)
    raise NotFreezable(f"cannot freeze {where}: a {type(value).__name__} has no form in a published document ({value!r:.80})")


def date_from_frozen(value: Any) -> date | None:
    """A date written by ``frozen_value`` (or a timestamp's first ten characters)."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value if not isinstance(value, datetime) else value.date()
    return date.fromisoformat(str(value)[:10])


def number_from_frozen(value: Any) -> float | None:
    """A figure as stored: a number, or None (NaN, infinities and gaps were stored as null)."""
    if value is None or value == "":
        return None
    return float(value)


__all__ = ["NotFreezable", "date_from_frozen", "frozen_value", "number_from_frozen"]
