"""Corrective actions as rules (issue 20 part 4): an indicator's actions for an area and the
quarter they were set, each with an owner, a due date and a status (open, done, dropped).

"Overdue" is never stored: an open action whose due date is before today is overdue. A Red
indicator counts as "without corrective action" when none of the quarter's actions is open or
done. No database and no Dash here: ``store.actions`` reads and writes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

OPEN, DONE, DROPPED = "open", "done", "dropped"
STATUSES = (OPEN, DONE, DROPPED)
STATUS_WORDS = {OPEN: "Open", DONE: "Done", DROPPED: "Dropped"}
# The statuses that count as the partnership acting on a Red rating.
COUNTING = (OPEN, DONE)


class ActionError(ValueError):
    """An action that cannot be saved as given (an unknown status, no text…)."""


def date_words(day: date | None) -> str:
    """``31 March 2017`` ('' for none)."""
    return "" if day is None else f"{day.day} {day:%B %Y}"


def is_overdue(status: str, due: date | None, today: date) -> bool:
    """Open with a due date before ``today``."""
    return status == OPEN and due is not None and due < today


@dataclass(frozen=True)
class ActionEntry:
    """One corrective action as pages, packs, the API and a published document show it."""

    id: int | None
    indicator_code: str
    area_code: str
    period: str  # the quarter it was set: 2016-17-Q3
    text: str
    owner: str = ""
    due_date: date | None = None
    status: str = OPEN
    # When it was last saved (an opaque token; a form refuses to overwrite a later save). Not
    # stored in a published document, and not compared.
    version: str = field(default="", compare=False)

    def overdue(self, today: date) -> bool:
        return is_overdue(self.status, self.due_date, today)

    def status_text(self, today: date | None = None) -> str:
        """``Open``, ``Done``, ``Dropped`` or ``Overdue (due 31 March 2017)`` (``today`` None:
        as stored, e.g. in a frozen document read later)."""
        if today is not None and self.overdue(today):
            return f"Overdue (due {date_words(self.due_date)})"
        return STATUS_WORDS.get(self.status, self.status.capitalize())

    def details(self, today: date | None = None) -> str:
        """``Owner: Jo Bloggs; due 31 March 2017; status: Open`` (the parts that are known)."""
        parts = [f"Owner: {self.owner}" if self.owner else "No owner named"]
        parts.append(f"due {date_words(self.due_date)}" if self.due_date else "no due date")
        parts.append(f"status: {self.status_text(today)}")
        return "; ".join(parts)

    def sentence(self, today: date | None = None) -> str:
        """``Extra patrols in the town centre (Owner: Jo Bloggs; due 31 March 2017; status: Open)``."""
        return f"{self.text} ({self.details(today)})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "indicator_code": self.indicator_code, "area_code": self.area_code, "period": self.period,
            "text": self.text, "owner": self.owner, "due_date": self.due_date.isoformat() if self.due_date else None,
            "status": self.status,
        }  # fmt: skip

    def api_record(self, today: date) -> dict[str, Any]:
        """As the API serves it: the stored fields with ``overdue`` and the status in words."""
        return {
            **self.as_dict(), "overdue": self.overdue(today), "status_text": self.status_text(today),
            "summary": self.sentence(today),
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ActionEntry:
        due = data.get("due_date")
        if isinstance(due, str) and due:
            due = date.fromisoformat(due)
        return cls(
            data.get("id"), data.get("indicator_code", ""), data.get("area_code", ""), data.get("period", ""),
            data.get("text", ""), data.get("owner") or "", due or None, data.get("status") or OPEN,
        )  # fmt: skip


def check_status(status: str) -> str:
    value = (status or "").strip().lower()
    if value not in STATUSES:
        raise ActionError(f"status {status!r} is not one of open, done or dropped")
    return value


def check_text(text: str) -> str:
    value = (text or "").strip()
    if not value:
        raise ActionError("an action needs a description of what will be done")
    return value


def counting(actions: Iterable[ActionEntry], period: str) -> list[ActionEntry]:
    """The actions set for ``period`` that are open or done (what answers a Red rating)."""
    return [a for a in actions if a.period == period and a.status in COUNTING]


def has_action(actions: Iterable[ActionEntry], period: str) -> bool:
    return bool(counting(actions, period))


def action_summary(actions: Iterable[ActionEntry], period: str) -> str:
    """The quarter's open and done actions as one line of text (``ScoreRow.corrective_action``:
    what a Red without corrective action is judged on, the CSV and older readers)."""
    return "; ".join(a.text for a in counting(actions, period))


def outcome_counts(actions: Iterable[ActionEntry], today: date | None) -> dict[str, int]:
    """How many of ``actions`` are done, open (not overdue), overdue and dropped."""
    counts = {"done": 0, "open": 0, "overdue": 0, "dropped": 0}
    for a in actions:
        if today is not None and a.overdue(today):
            counts["overdue"] += 1
        else:
            counts[a.status if a.status in counts else "open"] += 1
    return counts


def outcome_words(actions: list[ActionEntry], today: date | None) -> str:
    """``Last quarter's 3 actions: 1 done, 1 open, 1 overdue`` ('' when there were none)."""
    if not actions:
        return ""
    counts = outcome_counts(actions, today)
    parts = [f"{n} {word}" for word, n in counts.items() if n]
    noun = "action" if len(actions) == 1 else "actions"
    return f"Last quarter's {len(actions)} {noun}: {', '.join(parts)}"
