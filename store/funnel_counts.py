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
    wanted = name_key(group) if group else None
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    # Each area's total per quarter and group, as the load of the tables kept them: a read of
    # the quarters' few thousand totals, not a sum over the tables' rows for them.
    for area, quarter, offence_group, total in csp_totals(session, quarters):
        # A quarter held for an area counts as held even with no crime of the group in it: zero.
        matches = wanted is None or name_key(offence_group) == wanted
        out[area][quarter] += total if matches else 0
    return {area: dict(held) for area, held in out.items()}
