"""What changed since a quarter was published, as rules: which fields of a scorecard row are
compared and how (numbers to within rounding, targets by value), how each is worded, and the
records a revisions report is made of. ``store.revisions`` reads the published and current rows
and finds what changed each figure (``SourceFinder``); comparing them happens here.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from dataclasses import field as dataclass_field  # `field` is also a Revision attribute
from datetime import datetime
from typing import Any, Protocol

from reporting.formatting import format_tolerance, format_value
from reporting.headlines import revised_note
from reporting.published_document import row_from_document
from reporting.workflow import VersionInfo
from rules.periods import Quarter
from rules.rating import Rating

# (field, label) in the order the scorecard shows them. ``actual`` is not listed: it is the
# quarter or the year-to-date figure (whichever the indicator is rated on), listed as that.
FIELDS = [
    ("name", "Indicator name"),
    ("quarter_value", "Quarter"),
    ("ytd_value", "Year to date"),
    ("previous_quarter", "Previous quarter"),
    ("same_period_last_year", "Same period last year"),
    ("target", "Target"),
    ("tolerance", "Tolerance"),
    ("comparator_change", "Comparator's change on a year earlier"),
    ("rag", "Rating"),
    ("dot_short", "Short-term direction"),
    ("dot_long", "Long-term direction"),
    ("commentary", "Commentary"),
    ("corrective_action", "Corrective action"),
]
NUMBER_FIELDS = {"quarter_value", "ytd_value", "previous_quarter", "same_period_last_year", "comparator_change"}


@dataclass(frozen=True)
class ChangeSource:
    """What changed a figure: an upload, or an edit of a target or commentary."""

    at: datetime | None
    by: str
    what: str  # "upload 7 (crime): oct.csv", "target edited on the web"…
    upload_id: int | None = None
    file_name: str | None = None
    kind: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat() if self.at else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChangeSource:
        at = datetime.fromisoformat(data["at"]) if data.get("at") else None
        return cls(at, data.get("by", ""), data.get("what", ""), data.get("upload_id"), data.get("file_name"), data.get("kind"))


@dataclass(frozen=True)
class Revision:
    code: str
    name: str
    field: str
    label: str
    published: Any
    current: Any
    published_text: str
    current_text: str
    rated_figure: bool = False  # the figure the rating is based on
    sources: list[ChangeSource] = dataclass_field(default_factory=list)

    @property
    def changed_at(self) -> datetime | None:
        times = [s.at for s in self.sources if s.at]
        return max(times) if times else None

    @property
    def upload_ids(self) -> list[int]:
        return [s.upload_id for s in self.sources if s.upload_id is not None]

    @property
    def sources_text(self) -> str:
        return "; ".join(s.what for s in self.sources) or "not recorded"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "name": self.name, "field": self.field, "label": self.label,
            "published": self.published, "current": self.current, "published_text": self.published_text,
            "current_text": self.current_text, "rated_figure": self.rated_figure,
            "changed_at": self.changed_at.isoformat() if self.changed_at else None,
            "sources": [s.as_dict() for s in self.sources],
        }  # fmt: skip


@dataclass(frozen=True)
class RatingChange:
    code: str
    name: str
    published: Rating
    current: Rating


@dataclass(frozen=True)
class RevisionReport:
    """The latest published version of a quarter against the figures now."""

    period: Quarter
    area_code: str
    version: VersionInfo
    revisions: list[Revision]

    @property
    def rating_changes(self) -> list[RatingChange]:
        return [RatingChange(r.code, r.name, Rating(r.published), Rating(r.current)) for r in self.revisions if r.field == "rag"]

    def for_indicator(self, code: str) -> list[Revision]:
        return [r for r in self.revisions if r.code == code]

    def revised(self, code: str, field_name: str) -> Revision | None:
        """The revision of one figure, e.g. ``revised("CSP1", "ytd_value")``, or None."""
        return next((r for r in self.revisions if r.code == code and r.field == field_name), None)

    def note(self, revision: Revision) -> str:
        """``revised since publication on 17 January 2017: was 13,143, now 13,168``."""
        return revised_note(self.version.published_at, revision.published_text, revision.current_text)


# --- Comparing -------------------------------------------------------------------------------


def same_figure(field_name: str, a: Any, b: Any) -> bool:
    if field_name in NUMBER_FIELDS:
        if a is None or b is None:
            return a is None and b is None
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    if field_name == "target":
        return _target_key(a) == _target_key(b)
    if field_name == "tolerance":
        return _tolerance_key(a) == _tolerance_key(b)
    return (a or "") == (b or "")


def _target_key(data: dict[str, Any] | None) -> tuple[Any, ...]:
    if not data:
        return ()
    return (data.get("target"), data.get("low"), data.get("high"))


def _tolerance_key(data: dict[str, Any] | None) -> tuple[Any, ...]:
    if not data:
        return ()
    return (data.get("tolerance"), str(data.get("tolerance_type")))


def _value(row: dict[str, Any], field_name: str) -> Any:
    if field_name == "tolerance":
        return row.get("target")
    return row.get(field_name)


def _text(row: dict[str, Any], field_name: str) -> str:
    unit = row.get("unit") or "count"
    value = row.get(field_name)
    if field_name in ("quarter_value", "ytd_value", "previous_quarter", "same_period_last_year"):
        return format_value(value, unit)
    if field_name == "comparator_change":
        return "–" if value is None else f"{value:+.1f}%"
    if field_name in ("target", "tolerance"):
        card_row = row_from_document(row)
        text = card_row.target_text() if field_name == "target" else format_tolerance(card_row.target, card_row.unit)
        return text or "none"
    return str(value) if value not in (None, "") else "none"


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [f for f, _ in FIELDS if not same_figure(f, _value(old, f), _value(new, f))]


class SourceFinder(Protocol):
    """What changed a figure after publication (``store.revisions`` asks the change log and
    the uploads)."""

    def sources(self, code: str, row: dict[str, Any], field_name: str) -> list[ChangeSource]: ...
    def definition_sources(self, code: str | None = None, fields: tuple[str, ...] | None = None) -> list[ChangeSource]: ...
    def retired(self, code: str) -> bool | None:
        """True: retired; False: still in use; None: no longer defined at all."""
        ...


def unique_sources(sources: list[ChangeSource]) -> list[ChangeSource]:
    """One source per upload (or edit), in time order."""
    seen: dict[tuple[object, str], ChangeSource] = {}
    for s in sources:
        key = (s.upload_id, "") if s.upload_id is not None else (None, s.what)
        held = seen.get(key)
        if held is None or (s.at and held.at and s.at > held.at):
            seen[key] = s
    return sorted(seen.values(), key=lambda s: (s.at is None, s.at or datetime.min, s.upload_id or 0))


def compare_rows(published: list[dict[str, Any]], current: list[dict[str, Any]], finder: SourceFinder) -> list[Revision]:
    """Revisions between two lists of stored scorecard rows, in the published order."""
    now = {r["code"]: r for r in current}
    out: list[Revision] = []
    for old in published:
        code = old["code"]
        new = now.get(code)
        if new is None:
            gone = "retired (its history and published versions are kept)" if finder.retired(code) else "no longer defined"
            out.append(
                Revision(
                    code,
                    old.get("name", ""),
                    "indicator",
                    "Indicator",
                    old.get("name"),
                    None,
                    old.get("name") or "",
                    gone,
                    sources=finder.definition_sources(code),
                )
            )
            continue
        for field_name in changed_fields(old, new):
            rated = (field_name == "ytd_value") == (old.get("basis") == "ytd") and field_name in ("quarter_value", "ytd_value")
            out.append(
                Revision(
                    code, new.get("name", ""), field_name, dict(FIELDS)[field_name], _value(old, field_name), _value(new, field_name),
                    _text(old, field_name), _text(new, field_name), rated, finder.sources(code, new, field_name),
                )
            )  # fmt: skip
    known = {r["code"] for r in published}
    for new in current:
        if new["code"] not in known:
            out.append(
                Revision(
                    new["code"],
                    new.get("name", ""),
                    "indicator",
                    "Indicator",
                    None,
                    new.get("name"),
                    "not defined",
                    new.get("name") or "",
                    sources=finder.definition_sources(new["code"]),
                )
            )
    return out


@dataclass(frozen=True)
class SeriesRevision:
    """One quarter of an indicator page's series that differs from the published version."""

    quarter: str  # 2016-17-Q3
    field: str  # quarter_value | ytd_value
    published: float | None
    current: float | None
    published_text: str
    current_text: str


def series_revisions(published: list[Any], current: list[Any]) -> list[SeriesRevision]:
    """Each quarter's figure in the published series (score rows) that differs in ``current``."""
    now = {r.period: r for r in current}
    out = []
    for old in published:
        new = now.get(old.period)
        for field_name in ("quarter_value", "ytd_value"):
            before, after = getattr(old, field_name), getattr(new, field_name) if new else None
            if not same_figure(field_name, before, after):
                out.append(
                    SeriesRevision(
                        old.period, field_name, before, after, format_value(before, old.unit), format_value(after, old.unit)
                    )
                )
    return out
