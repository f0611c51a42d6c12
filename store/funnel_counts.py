"""What the funnel plot reads (issue 21 part 4): every partnership's quarterly counts from the
Home Office CSP tables (``csp_crime_count``) for some quarters, all offences or one group, and
the offence groups held (the quarters held: ``store.csp_crime.quarters_held``), from the totals
and categories the loads keep (``store.kept_totals``). Plain records only; the view does the sums."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from rules.csp_tables import name_key
from store.kept import kept_per_shared_version
from store.kept_totals import CSP_CRIME, csp_totals, held_categories


@kept_per_shared_version
def offence_groups_held(session: Session) -> list[str]:
    """The offence groups the tables hold, as stored (one spelling each), sorted: as the loads
    kept them (``store.kept_totals``), not a walk of the tables."""
    return sorted({group for group, _subgroup, _code in held_categories(session, CSP_CRIME)})


def counts_by_area(session: Session, quarters: list[str], group: str | None = None) -> dict[str, dict[str, int]]:
    """{area: {quarter: count}} of every area's own rows (partnerships and each force's
    "Unassigned" part) in ``quarters``: all offences, or the offence group ``group`` (matched
    as the loader folds spellings: case and spacing set aside). An area's quarter held with
    no crime of the group is 0, so a quarter missing from the tables stays missing."""
    # Each area's total per quarter, as the load of the tables kept them: a sum over the quarters'
    # few thousand totals in the database, not over the tables' rows for them.
    spellings = None if group is None else [g for g in offence_groups_held(session) if name_key(g) == name_key(group)]
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for area, quarter, total in csp_totals(session, quarters, spellings):
        out[area][quarter] = total
    return dict(out)
