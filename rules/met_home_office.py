"""Placeholder: which Home Office CSP tables measure means the same as a measure defined on the
Met's files (issue 21 part 4). The "csp" work replaces this module with the shipped mapping; until
then no measure has a Home Office counterpart, and a comparator reads the indicator's own measure."""

from __future__ import annotations


def home_office_measure(measure: str) -> str | None:
    """The national tables' measure with the same meaning as ``measure``; None when none is known."""
    return None
