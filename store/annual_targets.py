"""Quarter and year-to-date targets derived from the annual targets (``annual_target``) by their
profiles (``rules.profiles``), beside the targets typed per quarter (``target``), which win for
their quarter. ``targets_for`` is what scoring reads instead of the ``target`` table alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting.edits import annual_label
from reporting.scoring import TargetRecord
from rules.periods import FinancialYear
from rules.profiles import MONTHS, SEASONAL_YEARS, Profile, ProfileError, quarter_targets, shares_for
from sources.registry import monthly as monthly_sources
from store.areas import AreaTree
from store.counts import monthly_counts
from store.data_version import bump_partnership_version
from store.indicator_queries import indicator_by_code
from store.input_changes import Cause, record_input_change
from store.measures import Measure
from store.models import AnnualTarget, Area, Indicator
from store.models import Target as TargetRow
from store.partnerships import partnership_in_force, partnership_of

MONTHLY_SOURCES = monthly_sources()  # crime, ASB: counts by month (``sources``)
ANNUAL_FIELDS = ("target", "tolerance", "tolerance_type", "profile", "shares")
# How far back to look for three complete years of months.
YEARS_SEARCHED = 6


@dataclass(frozen=True)
class DerivedTarget:
    """A quarter's target worked out from an annual target: the attributes ``find_target``
    reads from a stored ``target`` row."""

    indicator_code: str
    year: str
    quarter: int
    area_code: str | None
    target: float
    tolerance: float
    tolerance_type: str
    target_low: float | None = None
    target_high: float | None = None


def seasonal_years(session: Session, indicator: Indicator, area: str, year: FinancialYear, tree: AreaTree) -> list[list[float]]:
    """Each complete year's twelve monthly figures before ``year``, newest first."""
    measure = Measure.parse(indicator.measure)
    if measure.source not in MONTHLY_SOURCES:
        raise ProfileError(
            f"a seasonal profile needs monthly figures, and {indicator.code}'s {measure.source} figures are not monthly"
        )
    years = [FinancialYear(year.start - k) for k in range(1, YEARS_SEARCHED + 1)]
    counts = monthly_counts(session, measure.source, area, [m for y in years for m in y.months()], measure.selection, tree)
    complete = [[float(counts[m]) for m in y.months()] for y in years if all(m in counts for m in y.months())]
    return complete[:SEASONAL_YEARS]


def derived_targets(
    session: Session, stored: list[TargetRow], area: str, tree: AreaTree | None = None, partnership: str | None = None
) -> list[DerivedTarget]:
    """The quarter targets every annual target for ``area`` (or every area) gives, except
    those a hand-typed quarter target replaces (of ``partnership``, else of the one reporting on
    ``area``). An annual target whose profile cannot be worked
    out (e.g. seasonal without three complete years) gives none: ``profile_problem`` says why."""
    tree = tree or AreaTree.load(session)
    typed = {(t.indicator_code, t.year, t.quarter, t.area_code) for t in stored if t.quarter is not None}
    out = []
    own = AnnualTarget.partnership_code == (partnership or partnership_of(session, area))
    annual = select(AnnualTarget).where(own, AnnualTarget.area_code.is_(None) | (AnnualTarget.area_code == area))
    for a in session.scalars(annual):
        indicator = indicator_by_code(session, a.indicator_code, a.partnership_code)
        if indicator is None:
            continue
        try:
            shares = profile_shares(session, a, indicator, area, tree)
        except ProfileError:
            continue
        quarters = quarter_targets(a.target, shares, indicator.unit, indicator.basis)
        full = a.target or 1.0
        for q, value in quarters.items():
            if (a.indicator_code, a.year, q, a.area_code) in typed:
                continue  # a quarter target typed by hand wins
            # An absolute tolerance on a count is spread like the target; a percentage stays one.
            tolerance = a.tolerance * value / full if a.tolerance_type == "abs" and indicator.unit == "count" else a.tolerance
            out.append(DerivedTarget(a.indicator_code, a.year, q, a.area_code, value, tolerance, a.tolerance_type))
    return out


def profile_shares(session: Session, a: AnnualTarget, indicator: Indicator, area: str, tree: AreaTree) -> list[float]:
    profile = Profile(a.profile)
    years = seasonal_years(session, indicator, area, FinancialYear.parse(a.year), tree) if profile is Profile.SEASONAL else None
    return shares_for(profile, custom=a.shares, years=years)


def profile_problem(session: Session, a: AnnualTarget, area: str) -> str:
    """Why an annual target gives no quarter targets for ``area`` ("" when it does)."""
    indicator = indicator_by_code(session, a.indicator_code, a.partnership_code)
    if indicator is None:
        return f"unknown indicator {a.indicator_code}"
    try:
        profile_shares(session, a, indicator, area, AreaTree.load(session))
    except ProfileError as e:
        return str(e)
    return ""


def annual_target_for(session: Session, indicator_code: str, year: str, area: str) -> AnnualTarget | None:
    """The annual target that applies to ``area`` in ``year``: the area's own, else every area's
    (of the partnership reporting on ``area``)."""
    rows = session.scalars(
        select(AnnualTarget).where(
            AnnualTarget.partnership_code == partnership_of(session, area),
            AnnualTarget.indicator_code == indicator_code,
            AnnualTarget.year == year,
            AnnualTarget.area_code.is_(None) | (AnnualTarget.area_code == area),
        )
    ).all()
    return min(rows, key=lambda a: a.area_code is None, default=None)


def month_shares(
    session: Session, indicator: Indicator, year: FinancialYear, area: str, tree: AreaTree | None = None
) -> list[float] | None:
    """The twelve monthly shares (April first) of the annual target that applies, or None when
    there is none or its profile cannot be worked out (``profile_problem`` says why)."""
    annual = annual_target_for(session, indicator.code, year.key, area)
    if annual is None:
        return None
    try:
        return profile_shares(session, annual, indicator, area, tree or AreaTree.load(session))
    except ProfileError:
        return None


def save_annual_target(
    session: Session, indicator_code: str, year: str, area_code: str | None, values: dict[str, object], user: str, now: datetime
) -> bool:
    """Store the annual target for (indicator, year, area) with ``values`` (target, tolerance,
    tolerance_type, profile, shares), recording the change as a target change (its label is
    ``reporting.edits.annual_label``). False when nothing changed (who and when are kept).
    It is the partnership's reporting on ``area_code`` (every area: the one in force)."""
    partnership = partnership_of(session, area_code) if area_code else partnership_in_force(session)
    item = session.scalars(
        select(AnnualTarget).where(
            AnnualTarget.partnership_code == partnership,
            AnnualTarget.indicator_code == indicator_code,
            AnnualTarget.year == year,
            AnnualTarget.area_code.is_(None) if area_code is None else AnnualTarget.area_code == area_code,
        )
    ).first()
    before = None if item is None else {name: getattr(item, name) for name in ANNUAL_FIELDS}
    new = {name: values[name] for name in ANNUAL_FIELDS}
    if before == new:
        return False
    if item is None:
        item = AnnualTarget(partnership_code=partnership, indicator_code=indicator_code, year=year, area_code=area_code)
        session.add(item)
    for name in ANNUAL_FIELDS:
        setattr(item, name, new[name])
    item.updated_by, item.updated_at = user, now
    cause = Cause(now, user, f"annual target edited on the web by {user}")
    label = annual_label(indicator_code, year, area_code)
    record_input_change(session, cause, "target", indicator_code, label, before, new, partnership=partnership)
    bump_partnership_version(session, partnership)
    return True


def annual_targets_of_year(session: Session, year: str, area: str) -> list[tuple[AnnualTarget, str]]:
    """The annual targets set for ``year`` that apply to ``area`` (its own or every area's),
    each with why it gives no quarter targets ("" when it does)."""
    rows = session.scalars(
        select(AnnualTarget)
        .where(
            AnnualTarget.partnership_code == partnership_of(session, area),
            AnnualTarget.year == year,
            AnnualTarget.area_code.is_(None) | (AnnualTarget.area_code == area),
        )
        .order_by(AnnualTarget.indicator_code, AnnualTarget.area_code)
    ).all()
    return [(a, profile_problem(session, a, area)) for a in rows]


def derived_target(session: Session, indicator_code: str, year: str, quarter: int, area: str) -> DerivedTarget | None:
    """The quarter target the year's annual target gives ``area`` (its own before every
    area's), when no quarter target is typed: what the targets page shows in place of a typed one."""
    partnership = partnership_of(session, area)
    own = select(TargetRow).where(
        TargetRow.partnership_code == partnership, TargetRow.indicator_code == indicator_code, TargetRow.year == year
    )
    stored = list(session.scalars(own))
    found = [
        d for d in derived_targets(session, stored, area, partnership=partnership)
        if (d.indicator_code, d.year, d.quarter) == (indicator_code, year, quarter) and d.area_code in (None, area)
    ]  # fmt: skip
    return min(found, key=lambda d: d.area_code is None, default=None)


def profile_problems(session: Session, a: AnnualTarget) -> list[str]:
    """Why an annual target gives no quarter targets, for its area or (every area's) for each
    borough held, in words naming the area: what a load and the page report."""
    if a.area_code is not None:
        areas = [a.area_code]
    else:
        areas = list(session.scalars(select(Area.code).where(Area.level == "borough").order_by(Area.code)))
    tree = AreaTree.load(session)
    out = []
    for area in areas:
        problem = profile_problem(session, a, area)
        if problem:
            out.append(f"{tree.name(area)} ({area}): {problem}")
    return out


def targets_for(session: Session, area: str, tree: AreaTree | None = None) -> list[TargetRecord]:
    """The ``target`` rows of the partnership reporting on ``area``, then the quarter targets its
    annual targets give (typed rows first, so on a tie ``find_target`` keeps the typed one)."""
    partnership = partnership_of(session, area)
    stored = list(session.scalars(select(TargetRow).where(TargetRow.partnership_code == partnership)))
    return [*stored, *derived_targets(session, stored, area, tree, partnership)]


__all__ = [
    "ANNUAL_FIELDS", "DerivedTarget", "MONTHS", "annual_target_for", "annual_targets_of_year", "derived_target", "derived_targets", "month_shares", "profile_problems",
    "save_annual_target", "profile_problem", "targets_for",
]  # fmt: skip


@dataclass(frozen=True)
class SavedAnnualTarget:
    """One annual target a load stored: its key (indicator, year, area or None for every area),
    the values given, 1 if it replaced one held, and why its profile gives no quarter targets."""

    key: tuple[str, str, str | None]
    values: dict[str, object]
    replaced: int
    problems: list[str]


ANNUAL_FIELDS = ("target", "tolerance", "tolerance_type", "profile", "shares")


def save_annual_targets(
    session: Session, rows: list[dict[str, object]], cause: Cause, partnership: str
) -> list[SavedAnnualTarget]:
    """Store each row (indicator_code, year, area_code and the ``ANNUAL_FIELDS``), replacing
    the one held for the same key; each change is recorded against ``cause``, and an unchanged
    row keeps who last changed it and when."""
    own = select(AnnualTarget).where(AnnualTarget.partnership_code == partnership)
    held = {(a.indicator_code, a.year, a.area_code): a for a in session.scalars(own)}
    saved = []
    for values in rows:
        area = values["area_code"]
        key = (str(values["indicator_code"]), str(values["year"]), None if area is None else str(area))
        item = held.get(key)
        before = None if item is None else {name: getattr(item, name) for name in ANNUAL_FIELDS}
        new = {name: values[name] for name in ANNUAL_FIELDS}
        if item is None:
            item = AnnualTarget(partnership_code=partnership, indicator_code=key[0], year=key[1], area_code=key[2])
            session.add(item)
        if before != new:
            for name in ANNUAL_FIELDS:
                setattr(item, name, values[name])
            item.updated_by, item.updated_at = cause.by, cause.at
            label = annual_label(key[0], key[1], key[2])
            record_input_change(session, cause, "target", key[0], label, before, new, partnership=partnership)
        session.flush()
        saved.append(SavedAnnualTarget(key, values, 0 if before is None else 1, profile_problems(session, item)))
    return saved
