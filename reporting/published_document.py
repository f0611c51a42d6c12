"""The frozen document of a published quarter: how a scorecard row is stored and rebuilt, and
the published scorecard rebuilt from it (``store.published_document`` writes the document from
the live tables, and rebuilds the indicator and demand pages' records from it).

Publishing stores one self-describing JSON document per version: every scorecard row (actuals,
targets, tolerances, ratings, directions and the figures they compared, commentary, corrective
action), the RAG summary, each rated indicator's page figures (quarterly series, comparator,
months, commentary history) and the demand panels. The as-published view is rebuilt from this
document alone, never from the live tables, so later re-loads, target edits, indicator renames
and schema migrations cannot change it. Rebuilding tolerates fields added to or removed from
``ScoreRow`` since (missing ones become None, unknown ones are ignored).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from reporting.actions import ActionEntry
from reporting.formatting import format_value
from reporting.frozen_json import date_from_frozen, frozen_value
from reporting.scoring import Scorecard, ScoreRow
from rules.breaks import SeriesBreak
from rules.direction import Direction
from rules.periods import Quarter
from rules.projection import OnTrack, Projection
from rules.rating import Rating, Target, ToleranceType
from rules.ratios import PeriodValue
from rules.summary import RagCounts, RagSummary, summary_sentence

FORMAT = "cspdash.published-quarter"
FORMAT_VERSION = 1


# --- Writing ---------------------------------------------------------------------------


def _clean(value: Any) -> Any:
    """JSON-safe (see ``reporting.frozen_json``): dates, Decimals, enums and nested records included."""
    return frozen_value(value)


def _spc_document(spc: Any) -> dict[str, Any] | None:
    """What the scorecard's Variation and Assurance columns read from a row's SPC chart: its
    verdicts and limits (``StoredSpc.summary``) and the points they were worked out from."""
    if spc is None:
        return None
    return {"summary": spc.summary(), "periods": list(spc.periods), "values": list(spc.values)}


def row_document(row: ScoreRow, *, with_spc: bool = False) -> dict[str, Any]:
    """A score row as stored. ``with_spc``: the row's SPC chart was attached (``attach_spc``),
    so what its Variation and Assurance cells said is recorded with it (None: no chart)."""
    data = row.as_dict()
    if with_spc:
        data["spc"] = _spc_document(row.spc)
        data["spc_recorded"] = True
    # What people saw, worded as the CLI table and CSV worded it then.
    data["shown"] = {
        "actual": format_value(row.actual, row.unit),
        "quarter_value": format_value(row.quarter_value, row.unit),
        "ytd_value": format_value(row.ytd_value, row.unit),
        "previous_quarter": format_value(row.previous_quarter, row.unit),
        "same_period_last_year": format_value(row.same_period_last_year, row.unit),
        "target": row.target_text(),
        "tolerance": row.tolerance_text(),
    }
    data["csv"] = row.csv_record()
    return data


def counts_document(counts: RagCounts) -> dict[str, Any]:
    return {**dataclasses.asdict(counts), "sentence": summary_sentence(counts)}


def canonical_json(document: dict[str, Any]) -> str:
    """One text per document (sorted keys, no spaces), so its SHA-256 identifies it."""
    return json.dumps(_clean(document), sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- Reading ---------------------------------------------------------------------------


NOT_RECORDED = "not recorded when published"


@dataclass(frozen=True)
class FrozenSpcSegment:
    """The current segment of the chart: how many points its limits were worked out from."""

    size: int


@dataclass(frozen=True)
class FrozenSpcResult:
    """Whether the limits were still provisional, and the current segment."""

    provisional: bool
    current: FrozenSpcSegment


@dataclass(frozen=True)
class FrozenSpc:
    """A row's SPC chart as published: the parts of ``StoredSpc`` that the Variation and
    Assurance columns and ``ScoreRow.json_record`` read (not the chart itself, which is not
    frozen). ``recorded`` is False for a version published before these were stored: its
    cells then say so (``NOT_RECORDED``) rather than "no SPC verdict"."""

    by: str
    periods: list[str]
    values: list[float]
    result: FrozenSpcResult
    stored_summary: dict[str, Any]
    recorded: bool = True

    def summary(self) -> dict[str, Any]:
        return dict(self.stored_summary)


SPC_NOT_RECORDED = FrozenSpc("", [], [], FrozenSpcResult(False, FrozenSpcSegment(0)), {"recorded": False}, recorded=False)


def _spc(data: dict[str, Any]) -> FrozenSpc | None:
    if not data.get("spc_recorded"):
        return SPC_NOT_RECORDED
    spc = data.get("spc")
    if not isinstance(spc, dict):
        return None  # no chart when published: "none", as the page said then
    summary = dict(spc.get("summary") or {})
    segment = FrozenSpcSegment(int(summary.get("points") or 0))
    result = FrozenSpcResult(bool(summary.get("provisional")), segment)
    return FrozenSpc(str(summary.get("by") or ""), list(spc.get("periods") or []), list(spc.get("values") or []), result, summary)


@dataclass
class FrozenScorecard(Scorecard):
    """A published scorecard: the rows, RAG summary and comparator levels exactly as stored.
    ``comparator_levels`` is None for a version published before they were stored."""

    frozen_summary: RagSummary | None = None
    comparator_levels: dict[str, float] | None = None

    @property
    def summary(self) -> RagSummary:
        return self.frozen_summary if self.frozen_summary is not None else super().summary


_ROW_FIELDS = {f.name: f for f in dataclasses.fields(ScoreRow)}
_COUNT_FIELDS = {f.name for f in dataclasses.fields(RagCounts)}


def _target(data: dict[str, Any] | None) -> Target | None:
    if not data:
        return None
    return Target(
        data.get("target"),
        data.get("low"),
        data.get("high"),
        data.get("tolerance") or 0.0,
        ToleranceType(data.get("tolerance_type") or "abs"),
    )


def _period_values(pair: Any) -> tuple[PeriodValue | None, PeriodValue | None]:
    """The two figures an arrow's test compares, as stored (JSON lists of objects)."""
    items = list(pair or [])[:2] + [None, None]
    first, second = (PeriodValue(**v) if isinstance(v, dict) else None for v in items[:2])
    return first, second


def _breaks(items: Any) -> list[SeriesBreak]:
    return [
        SeriesBreak(when, str(b.get("reason") or ""))
        for b in items or []
        if isinstance(b, dict) and b.get("date") and (when := date_from_frozen(b["date"])) is not None
    ]


def _projection(data: Any) -> Projection | None:
    """The projected year end as published (absent from versions published before it existed)."""
    if not isinstance(data, dict):
        return None
    known = {f.name for f in dataclasses.fields(Projection)}
    values = {k: v for k, v in data.items() if k in known}
    values["on_track"] = OnTrack(values["on_track"]) if values.get("on_track") else None
    return Projection(**values)


def row_from_document(data: dict[str, Any], *, scorecard_row: bool = False) -> ScoreRow:
    """A ScoreRow from its stored form, whatever fields ScoreRow has gained or lost since."""
    values: dict[str, Any] = {}
    for name, f in _ROW_FIELDS.items():
        if name in data:
            values[name] = data[name]
        elif f.default is not dataclasses.MISSING:
            values[name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            values[name] = f.default_factory()
        else:
            values[name] = None
    values["target"] = _target(data.get("target"))
    values["rag"] = Rating(data.get("rag") or Rating.NO_DATA)
    values["dot_short"] = Direction(data.get("dot_short") or Direction.NA)
    values["dot_long"] = Direction(data.get("dot_long") or Direction.NA)
    values["flags"] = list(data.get("flags") or [])
    # Nested values come back from JSON as plain lists and objects: give them their types again.
    values["short_values"] = _period_values(data.get("short_values"))
    values["long_values"] = _period_values(data.get("long_values"))
    values["dot_short_breaks"] = _breaks(data.get("dot_short_breaks"))
    values["dot_long_breaks"] = _breaks(data.get("dot_long_breaks"))
    # The chart itself is not frozen; what the scorecard's SPC columns said is (scorecard rows only).
    values["spc"] = _spc(data) if scorecard_row else None
    values["projection"] = _projection(data.get("projection"))
    values["actions"] = [ActionEntry.from_dict(a) for a in data.get("actions") or []]
    values["previous_actions"] = [ActionEntry.from_dict(a) for a in data.get("previous_actions") or []]
    return ScoreRow(**values)


def _counts(data: dict[str, Any]) -> RagCounts:
    return RagCounts(**{k: v for k, v in data.items() if k in _COUNT_FIELDS})


def scorecard_from_document(document: dict[str, Any]) -> FrozenScorecard:
    period = Quarter.parse(document["period"]["key"])
    summary = document.get("summary") or {}
    frozen = None
    if "overall" in summary:
        frozen = RagSummary(_counts(summary["overall"]), {goal: _counts(c) for goal, c in summary.get("by_goal", [])})
    return FrozenScorecard(
        period=period,
        area_code=document["area"]["code"],
        area_name=document["area"]["name"],
        rows=[row_from_document(r, scorecard_row=True) for r in document.get("scorecard", [])],
        frozen_summary=frozen,
        comparator_levels=_levels(document.get("comparator_levels")),
    )


def _levels(data: Any) -> dict[str, float] | None:
    return {str(k): float(v) for k, v in data.items() if v is not None} if isinstance(data, dict) else None
