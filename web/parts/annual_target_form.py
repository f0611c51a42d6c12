"""The targets page's "Set the whole year" form, as plain functions (#22 part 1): what it shows
for an indicator, year and area (the annual target held, its profile, the quarter targets it
gives), the quarters worked out as the analyst types, and validating and saving it. No Dash
here, so tests call these directly.

The arithmetic is ``rules.profiles``; a seasonal profile's shares come from the months held
(``store.annual_targets``), and are stated on the page, so the analyst sees what "seasonal"
means for this indicator before saving.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from rules.periods import FinancialYear, PeriodError
from rules.profiles import MONTHS, Profile, ProfileError, custom_shares, quarter_targets, shares_for
from store.annual_targets import annual_target_for, save_annual_target, seasonal_years
from store.areas import AreaTree
from store.db import Engine, Session, session_scope
from store.indicator_queries import area_held, indicator_by_code
from web.parts.targets_form import ALL_AREAS, THIS_AREA, parse_number, parse_tolerance, plain, who_when

PROFILES = [
    (Profile.EVEN.value, "Even: a twelfth of the year each month"),
    (Profile.SEASONAL.value, "Seasonal: each month's share of the last three complete years"),
    (Profile.CUSTOM.value, "Custom: twelve shares I type, April to March"),
]
MONTH_NAMES = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
FIELD_IDS = {
    "target": "targets-annual-target",
    "tolerance": "targets-annual-tolerance",
    "tolerance_type": "targets-annual-tolerance-type",
    "profile": "targets-annual-profile",
    "shares": "targets-annual-shares",
    "choice": "targets-indicator",
}


@dataclass
class AnnualSubmission:
    """The raw form values, as typed."""

    indicator: str | None
    year: str | None
    area: str | None
    scope: str | None = ALL_AREAS
    target: str | None = None
    tolerance: str | None = None
    tolerance_type: str | None = "abs"
    profile: str | None = Profile.EVEN.value
    shares: str | None = ""


@dataclass
class Preview:
    """What the form shows under the fields: each quarter's derived target, or why none."""

    quarters: list[tuple[str, str]] = field(default_factory=list)  # ("Q1 (year to date)", "4,000")
    shares_text: str = ""  # the monthly shares in words (seasonal: as worked out from the months held)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, message)


@dataclass
class AnnualState:
    """What the form shows for one indicator, year and area."""

    indicator: str
    year: FinancialYear
    area: str
    area_name: str
    unit: str
    basis: str
    band: bool
    target: str = ""
    tolerance: str = "0"
    tolerance_type: str = "abs"
    profile: str = Profile.EVEN.value
    shares: str = ""
    scope: str = ALL_AREAS
    note: str = ""
    preview: Preview = field(default_factory=Preview)


@dataclass
class AnnualSaveResult:
    saved: bool
    problems: list[tuple[str, str]] = field(default_factory=list)
    message: str = ""
    state: AnnualState | None = None


def shares_text(shares: list[float]) -> str:
    """Twelve shares as the analyst would type them back: ``0.083; 0.083; …``."""
    return "; ".join(f"{s:.4g}" for s in shares)


def _parse_shares(text: str | None) -> list[float]:
    parts = [p for p in (text or "").replace(",", ";").split(";") if p.strip()]
    try:
        return [float(p.strip().rstrip("%")) / (100 if p.strip().endswith("%") else 1) for p in parts]
    except ValueError as exc:
        raise ProfileError(f"each share must be a number, like 0.08 or 8%: {exc}") from None


def _shares(session: Session, indicator: Any, year: FinancialYear, area: str, profile: str, typed: str | None) -> list[float]:
    if profile == Profile.SEASONAL:
        return shares_for(Profile.SEASONAL, years=seasonal_years(session, indicator, area, year, AreaTree.load(session)))
    if profile == Profile.CUSTOM:
        return custom_shares(_parse_shares(typed))
    return shares_for(Profile.EVEN)


def work_out(
    session: Session, indicator: Any, year: FinancialYear, area: str, sub: AnnualSubmission
) -> tuple[dict[str, object] | None, Preview]:
    """Check what was typed and work out the quarters it gives: the values to store (None when
    there is a problem) and what the form shows."""
    preview = Preview()
    problems = preview.problems
    if indicator.polarity == "band":
        problems.append(
            ("choice", f"{indicator.code} is rated against a band: set its band per quarter above, not an annual target.")
        )
        return None, preview
    target = parse_number(sub.target, "target", "annual target", problems, required=True)
    tolerance = parse_tolerance(sub.tolerance, sub.tolerance_type, problems)
    profile = (sub.profile or Profile.EVEN.value).strip().lower()
    if profile not in {p.value for p in Profile}:
        problems.append(("profile", "Choose how the year is spread: even, seasonal or custom."))
        return None, preview
    try:
        shares = _shares(session, indicator, year, area, profile, sub.shares)
    except ProfileError as exc:
        name = "shares" if profile == Profile.CUSTOM else "profile"
        problems.append((name, f"The {profile} profile cannot spread this target: {exc}."))
        return None, preview
    preview.shares_text = ", ".join(f"{m} {s:.1%}" for m, s in zip(MONTH_NAMES, shares, strict=True))
    if target is None or problems:
        return None, preview
    quarters = quarter_targets(target, shares, indicator.unit, indicator.basis)
    ytd = " (year to date)" if indicator.unit == "count" and indicator.basis == "ytd" else ""
    for q, value in quarters.items():
        preview.quarters.append((f"Q{q}{ytd}", _number(value, indicator.unit)))
    stored: dict[str, object] = {
        "target": target, "tolerance": tolerance, "tolerance_type": sub.tolerance_type, "profile": profile,
        "shares": shares if profile == Profile.CUSTOM else None,
    }  # fmt: skip
    return stored, preview


def _number(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"
    return text + ("%" if unit == "percent" else "")


def load_annual(session: Session, indicator_code: str, year: FinancialYear, area: str) -> AnnualState:
    indicator = indicator_by_code(session, indicator_code)
    if indicator is None:
        raise LookupError(f"no indicator with code {indicator_code!r}")
    tree = AreaTree.load(session)
    state = AnnualState(
        indicator.code, year, area, tree.name(area), indicator.unit, indicator.basis, indicator.polarity == "band"
    )
    held = annual_target_for(session, indicator.code, year.key, area)
    if held is None:
        state.note = f"No annual target is set for {year.label}: quarter targets are typed one by one above."
        return state
    state.target, state.tolerance, state.tolerance_type = plain(held.target), plain(held.tolerance), held.tolerance_type
    state.profile, state.shares = held.profile, shares_text(held.shares or []) if held.shares else ""
    state.scope = THIS_AREA if held.area_code else ALL_AREAS
    state.note = f"Annual target last saved by {who_when(held.updated_by, held.updated_at)}. A quarter target typed above wins for its quarter."
    _, state.preview = work_out(session, indicator, year, area, submission_of(state))
    return state


def submission_of(state: AnnualState) -> AnnualSubmission:
    return AnnualSubmission(
        state.indicator,
        state.year.key,
        state.area,
        state.scope,
        state.target,
        state.tolerance,
        state.tolerance_type,
        state.profile,
        state.shares,
    )


def preview(engine: Engine, sub: AnnualSubmission) -> Preview:
    """The quarters the typed annual target gives, for the form to show as the analyst types."""
    try:
        year = FinancialYear.parse(sub.year or "")
    except PeriodError:
        return Preview(problems=[("choice", "Choose a financial year.")])
    with session_scope(engine) as session:
        indicator = indicator_by_code(session, sub.indicator or "")
        if indicator is None or not area_held(session, sub.area or ""):
            return Preview(problems=[("choice", "Choose an indicator and an area.")])
        return work_out(session, indicator, year, sub.area or "", sub)[1]


def save(engine: Engine, sub: AnnualSubmission, user: str, now: datetime | None = None) -> AnnualSaveResult:
    """Validate, then store the annual target (or nothing)."""
    now = now or datetime.now(UTC)
    try:
        year = FinancialYear.parse(sub.year or "")
    except PeriodError:
        return AnnualSaveResult(False, [("choice", "Choose a financial year.")])
    if not sub.indicator or not sub.area:
        return AnnualSaveResult(False, [("choice", "Choose an indicator and an area.")])
    with session_scope(engine) as session:
        indicator = indicator_by_code(session, sub.indicator)
        if indicator is None:
            return AnnualSaveResult(False, [("choice", f"There is no indicator {sub.indicator!r}.")])
        if not area_held(session, sub.area):
            return AnnualSaveResult(False, [("choice", f"There is no area {sub.area!r}.")])
        values, shown = work_out(session, indicator, year, sub.area, sub)
        if values is None:
            return AnnualSaveResult(False, shown.problems or [("target", "Enter the annual target.")])
        area_code = sub.area if sub.scope == THIS_AREA else None
        changed = save_annual_target(session, indicator.code, year.key, area_code, values, user, now)
        session.flush()
        state = load_annual(session, indicator.code, year, sub.area)
    where = state.area_name if area_code else "every area"
    what = f"the {year.label} annual target for {indicator.code}, {where}"
    message = f"Saved {what}, spread {values['profile']}." if changed else f"Nothing had changed in {what}, so nothing was saved."
    return AnnualSaveResult(changed, state=state, message=message)


__all__ = ["AnnualState", "AnnualSubmission", "MONTHS", "PROFILES", "Preview", "load_annual", "preview", "save", "work_out"]
