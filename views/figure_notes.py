"""Notes on the figures of a scorecard table, numbered once for the page and the pack alike.

A figure that needs a note (a year to date that is the published figure rather than the sum
of the quarters; a figure not available because only part of the area was loaded) gets a
text marker, ``[1]``, beside it, and the notes are listed under the table in the same order:
never colour alone, and the same numbers on the scorecard page, in Word, PDF and HTML.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reporting.scoring import ScoreRow

FIGURES = ("quarter", "ytd", "last_year", "row")
HEADING = "Notes on the figures"


@dataclass(frozen=True)
class FigureNote:
    number: int
    code: str  # the indicator
    name: str
    figure: str  # quarter | ytd | last_year | row (see ScoreRow.note_figures)
    text: str

    @property
    def marker(self) -> str:
        return f"[{self.number}]"

    @property
    def line(self) -> str:
        """``[1] Anti-social behaviour incidents: Year to date Q3 2015/16 is the published figure, …``"""
        return f"{self.marker} {self.name}: {self.text[:1].upper()}{self.text[1:]}."


def table_rows(rows: Iterable[ScoreRow]) -> list[tuple[str, list[ScoreRow]]]:
    """Rated rows by goal, goals in order of first appearance: the order of the table."""
    groups: dict[str, list[ScoreRow]] = {}
    for row in rows:
        if row.rated:
            groups.setdefault(row.goal or "Other", []).append(row)
    return list(groups.items())


def figure_notes(rows: Iterable[ScoreRow]) -> list[FigureNote]:
    """Every rated row's notes, numbered in table order."""
    out: list[FigureNote] = []
    for _, group in table_rows(rows):
        for row in group:
            figures = list(row.note_figures) + ["row"] * (len(row.notes) - len(row.note_figures))  # older published rows
            for text, figure in zip(row.notes, figures):
                out.append(FigureNote(len(out) + 1, row.code, row.name, figure if figure in FIGURES else "row", text))
    return out


def notes_for(notes: list[FigureNote], code: str, figure: str) -> list[FigureNote]:
    return [n for n in notes if n.code == code and n.figure == figure]


def with_markers(value: str, notes: list[FigureNote], code: str, figure: str) -> str:
    """``3,817 [1]``: a figure as text with its note markers (the packs' cells)."""
    markers = " ".join(n.marker for n in notes_for(notes, code, figure))
    return f"{value} {markers}" if markers else value
