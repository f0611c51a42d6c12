"""What the funnel plot reads (issue 21 part 4): every partnership's quarterly counts from the
Home Office CSP tables (``csp_crime_count``) for some quarters, all offences or one group, and
the offence groups held (the quarters held: ``store.csp_crime.quarters_held``). Plain records only; the view does the sums."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rules.csp_tables import name_key
from store.kept import kept_per_shared_version
from store.models import CspCrimeCount


@kept_per_shared_version
def offence_groups_held(session: Session) -> list[str]:
    """The offence groups the tables hold, as stored (one spelling each), sorted."""
    return sorted(str(g) for g in session.scalars(select(CspCrimeCount.offence_group).distinct()))


def counts_by_area(session: Session, quarters: list[str], group: str | None = None) -> dict[str, dict[str, int]]:
    """{area: {quarter: count}} of every area's own rows (partnerships and each force's
    "Unassigned" part) in ``quarters``: all offences, or the offence group ``group`` (matched
    as the loader folds spellings: case and spacing set aside). An area's quarter held with
    no crime of the group is 0, so a quarter missing from the tables stays missing."""
    wanted = name_key(group) if group else None
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    stmt = (
        select(CspCrimeCount.area_code, CspCrimeCount.quarter, CspCrimeCount.offence_group, func.sum(CspCrimeCount.count))
        .where(CspCrimeCount.quarter.in_(quarters))
        .group_by(CspCrimeCount.area_code, CspCrimeCount.quarter, CspCrimeCount.offence_group)
    )
    for area, quarter, offence_group, total in session.execute(stmt):
        # A quarter held for an area counts as held even with no crime of the group in it: zero.
        matches = wanted is None or name_key(offence_group) == wanted
        out[str(area)][str(quarter)] += int(total) if matches else 0
    return {area: dict(held) for area, held in out.items()}
