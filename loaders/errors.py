"""Typed errors that carry every problem in a file, so an analyst can fix it in one pass."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PROBLEMS_KEPT = 1000  # default cap (ReadLimits.max_problems): beyond it we count, then stop reading
# Reasons the CLI recognises to add which command puts them right (the page offers its own upload).
UNKNOWN_AREA = "unknown area: declare it first"
UNKNOWN_INDICATOR = "unknown indicator: load it first"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file. ``row`` counts the header as row 1, as Excel does."""

    row: int | None
    column: str | None
    value: str | None
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


class ProblemLimitReached(Exception):
    """Raised by a reader once the load's log holds its cap of problems: reading stops there
    (a file of a million bad rows must not run for minutes to list them all)."""


class ProblemLog:
    """Collects problems up to a cap while counting them all."""

    def __init__(self, limit: int = MAX_PROBLEMS_KEPT) -> None:
        self.problems: list[Problem] = []
        self.total = 0
        self.limit = limit
        self.stopped = False  # reading stopped at the cap: there may be more than ``total``

    def add(self, row: int | None, column: str | None, value: object, reason: str) -> None:
        self.total += 1
        if len(self.problems) < self.limit:
            text = None if value is None else str(value)
            self.problems.append(Problem(row, column, text, reason))

    def extend(self, problems: list[Problem]) -> None:
        for p in problems:
            self.add(p.row, p.column, p.value, p.reason)

    def __bool__(self) -> bool:
        return self.total > 0


class LoadError(Exception):
    """A file that cannot be loaded. Nothing from it has been stored."""

    def __init__(self, file_name: str, problems: list[Problem], total: int | None = None, stopped: bool = False) -> None:
        self.file_name = file_name
        self.problems = problems
        self.total = total if total is not None else len(problems)
        self.stopped = stopped  # checking stopped at the problem cap
        super().__init__(self.headline())

    def headline(self) -> str:
        noun = "problem" if self.total == 1 else "problems"
        more = " (checking stopped there: fix these and check again)" if self.stopped else ""
        return f"{self.file_name}: {self.total:,} {noun} found{more}; nothing was loaded."

    def table(self, limit: int | None = None) -> str:
        """A plain-text table: file, row, column, value, reason."""
        shown = self.problems if limit is None else self.problems[:limit]
        header = ("file", "row", "column", "value", "reason")
        rows = [(self.file_name, "" if p.row is None else str(p.row), p.column or "", _clip(p.value), p.reason) for p in shown]
        widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
        widths[-1] = len(header[-1])  # the reason runs to the end of the line
        lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        hidden = self.total - len(shown)
        if hidden > 0:
            lines.append(f"… and {hidden:,} more")
        return "\n".join(lines)


def _clip(value: str | None, width: int = 40) -> str:
    if value is None:
        return ""
    text = repr(value) if value.strip() != value or value == "" else value
    return text if len(text) <= width else text[: width - 1] + "…"
