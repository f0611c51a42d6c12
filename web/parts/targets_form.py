"""What the targets page does, as plain functions: read what the form shows for an indicator,
quarter and area, and validate and save what an analyst typed. No Dash callbacks here, so
tests call these directly.

Validation reuses the rating rules (``rules.rating.Target`` refuses a negative tolerance or a
band whose low is above its high; ``target_problems`` says what a polarity needs), so a target
saved here can always be used to rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from reporting.actions import ActionEntry, ActionError, has_action
from rules.periods import FinancialYear, PeriodError, Quarter
from rules.rating import Rating, ToleranceType, target_problems
from rules.rating import Target as RatingTarget
from store.actions import ActionChange, add_action, list_actions, update_action
from store.annual_targets import derived_target
from store.areas import AreaTree
from store.db import Engine, Session, session_scope
from store.edits import (
    StaleEdit,
    TargetKey,
    TargetValues,
    commentary_row,
    effective_target,
    save_commentary,
    save_target,
    target_row,
    version,
)
from store.figure_years import target_years
from store.indicator_queries import area_held, indicator_by_code, target_years_held
from store.scorecard import ScoreRow, score_indicator_code
from views.people import shown_name
from web.parts.targets_overview import target_text
from web.parts.upload_steps import local_time  # one way of writing times on every page

ALL_AREAS, THIS_AREA = "all", "area"
FIELD_IDS = {
    "target": "targets-target",
    "low": "targets-low",
    "high": "targets-high",
    "tolerance": "targets-tolerance",
    "tolerance_type": "targets-tolerance-type",
    "corrective_action": "targets-action",
    "action_owner": "targets-action-owner",
    "action_due": "targets-action-due",
    "choice": "targets-indicator",
}


@dataclass
class FormState:
    """Everything the form shows for one indicator, quarter and area."""

    indicator: str
    indicator_name: str
    polarity: str
    unit: str
    period: Quarter
    area: str
    area_name: str
    target: str = ""
    low: str = ""
    high: str = ""
    tolerance: str = "0"
    tolerance_type: str = "abs"
    scope: str = ALL_AREAS
    commentary: str = ""
    corrective_action: str = ""
    target_versions: dict[str, str] = field(default_factory=dict)  # scope → version of that row
    commentary_version: str = ""
    target_note: str = ""
    commentary_note: str = ""
    rating: ScoreRow | None = None
    actions: list[ActionEntry] = field(default_factory=list)  # set for this quarter
    previous_actions: list[ActionEntry] = field(default_factory=list)  # set last quarter

    @property
    def has_action(self) -> bool:
        """An action open or done this quarter (what a Red rating needs)."""
        return has_action(self.actions, self.period.key)


@dataclass
class Submission:
    """The raw form values, as typed."""

    indicator: str | None
    year: str | None
    quarter: str | None  # "Q3"
    area: str | None
    scope: str | None = ALL_AREAS
    target: str | None = None
    low: str | None = None
    high: str | None = None
    tolerance: str | None = None
    tolerance_type: str | None = "abs"
    commentary: str | None = ""
    corrective_action: str | None = ""
    target_version: str | None = None  # None: don't check for someone else's save
    commentary_version: str | None = None
    action_owner: str | None = ""  # for a new action typed in ``corrective_action``
    action_due: str | None = ""
    action_edits: list[ActionEdit] = field(default_factory=list)  # the listed actions, as the form shows them


@dataclass(frozen=True)
class ActionEdit:
    """One listed action's status, owner and due date, as the form holds them."""

    id: int
    status: str | None
    owner: str | None
    due: str | None
    version: str | None = None  # as the form showed it (None: don't check for someone else's save)


@dataclass
class SaveResult:
    saved: bool
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, message)
    warnings: list[str] = field(default_factory=list)
    message: str = ""
    state: FormState | None = None


def plain(value: float | None) -> str:
    """A number as an analyst would type it back: 3600 not 3600.0, 2.5 as 2.5."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def who_when(by: str | None, at: datetime | None) -> str:
    return f"{by or 'unknown'} at {local_time(at)}" if at else (by or "")


def period_of(year: str | None, quarter: str | None) -> Quarter:
    if not year or not quarter:
        raise PeriodError("choose a financial year and a quarter")
    return Quarter.parse(f"{year}-{quarter}")


def year_choices(session: Session, latest: Quarter | None) -> list[FinancialYear]:
    """Every year any rated indicator has figures for and the one after the newest (to set
    next year's), years with targets, and the default quarter's year."""
    years = {FinancialYear.parse(y) for y in target_years_held(session)}
    if latest is not None:
        years.add(latest.financial_year)
    return target_years(session, years)


def load_form(session: Session, indicator_code: str, period: Quarter, area: str) -> FormState:
    indicator = indicator_by_code(session, indicator_code)
    if indicator is None:
        raise LookupError(f"no indicator with code {indicator_code!r}")
    tree = AreaTree.load(session)
    state = FormState(indicator.code, indicator.name, indicator.polarity, indicator.unit, period, area, tree.name(area))
    row = effective_target(session, indicator.code, period, area, indicator.basis)
    if row is not None:
        state.target, state.low, state.high = plain(row.target), plain(row.target_low), plain(row.target_high)
        state.tolerance, state.tolerance_type = plain(row.tolerance), row.tolerance_type
        state.scope = THIS_AREA if row.area_code else ALL_AREAS
        source = (
            ""
            if row.quarter
            else f" It is set for every quarter of {period.financial_year.label}; saving sets it for Q{period.q} only."
        )
        state.target_note = f"Target last saved by {who_when(shown_name(session, row.updated_by), row.updated_at)}.{source}"
    else:
        derived = derived_target(session, indicator.code, period.financial_year.key, period.q, area)
        if derived is not None:
            state.target_note = (
                f"No target is typed for {period.label}: the {period.financial_year.label} annual target gives it "
                f"{target_text(derived, indicator.unit)}. A target saved here replaces it for Q{period.q} only."
            )
        else:
            state.target_note = f"No target is set for {period.label}, so this indicator is not rated."
    # Both scopes' rows, since the analyst may switch scope before saving.
    state.target_versions = {
        scope: version(target_row(session, _target_key(indicator.code, period, area, scope))) for scope in (ALL_AREAS, THIS_AREA)
    }
    note = commentary_row(session, indicator.code, area, period)
    if note is not None:
        state.commentary = note.commentary
        state.commentary_note = f"Commentary last saved by {who_when(shown_name(session, note.updated_by), note.updated_at)}."
    state.commentary_version = version(note)
    state.actions = list_actions(session, indicator=indicator.code, area=area, periods=[period])
    state.previous_actions = list_actions(session, indicator=indicator.code, area=area, periods=[period.previous()])
    state.rating = score_indicator_code(session, indicator.code, period, area, tree)  # as the scorecard rates it
    return state


def _target_key(indicator: str, period: Quarter, area: str, scope: str | None) -> TargetKey:
    return TargetKey(indicator, period.financial_year.key, period.q, area if scope == THIS_AREA else None)


def parse_number(text: str | None, name: str, label: str, problems: list[tuple[str, str]], *, required: bool) -> float | None:
    """Numbers as people type them: ``12,400``, ``28%`` and spaces are fine."""
    cleaned = (text or "").strip().replace(",", "").replace(" ", "").rstrip("%")
    if not cleaned:
        if required:
            problems.append((name, f"Enter the {label}."))
        return None
    try:
        value = float(cleaned)
    except ValueError:
        problems.append((name, f"The {label} must be a number, like 12400 or 28.5; “{text}” is not."))
        return None
    if not math.isfinite(value):
        problems.append((name, f"The {label} must be an ordinary number."))
        return None
    return value


def parse_day(text: str | None) -> date | None:
    """A date as people write it: 2017-03-31, 31 March 2017 or 31 Mar 2017 (ValueError otherwise)."""
    cleaned = " ".join((text or "").split())
    for pattern in ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise ValueError(cleaned)


def _due(text: str | None, name: str, problems: list[tuple[str, str]]) -> date | None:
    if not (text or "").strip():
        return None
    try:
        return parse_day(text)
    except ValueError:
        problems.append((name, f"The due date must be a date, like 31 March 2017 or 2017-03-31; “{text}” is not."))
        return None


def validate_actions(sub: Submission) -> tuple[list[tuple[ActionEdit, date | None]], date | None, list[tuple[str, str]]]:
    """The listed actions' edits with their due dates read, the new action's due date, and what
    is wrong (nothing is saved when anything is)."""
    problems: list[tuple[str, str]] = []
    edits = [(e, _due(e.due, f"action_due_{e.id}", problems)) for e in sub.action_edits]
    for e in sub.action_edits:
        if e.status not in ("open", "done", "dropped"):
            problems.append((f"action_status_{e.id}", "Choose whether the action is open, done or dropped."))
    new_due = _due(sub.action_due, "action_due", problems)
    if not (sub.corrective_action or "").strip() and ((sub.action_owner or "").strip() or new_due):
        problems.append(("corrective_action", "Describe the new action, or clear its owner and due date."))
    return edits, new_due, problems


def save_actions(
    session: Session,
    indicator: str,
    area: str,
    period: Quarter,
    sub: Submission,
    checked: tuple[list[tuple[ActionEdit, date | None]], date | None],
    user: str,
    now: datetime,
) -> bool:
    """Apply the listed actions' edits and add the new one; True if anything changed."""
    edits, new_due = checked
    changed = False
    held = {a.id for a in list_actions(session, indicator=indicator, area=area)}
    for edit, due in edits:
        if edit.id not in held:
            raise ActionError(f"corrective action {edit.id} is not one of this indicator's actions for this area")
        change = ActionChange(owner=edit.owner or "", due_date=due, clear_due_date=due is None, status=edit.status)
        changed = update_action(session, edit.id, change, user, now, edit.version) is not None or changed
    text = (sub.corrective_action or "").strip()
    if text:
        add_action(session, indicator, area, period, text, user, now, owner=sub.action_owner or "", due_date=new_due)
        changed = True
    return changed


def parse_tolerance(text: str | None, kind: str | None, problems: list[tuple[str, str]]) -> float:
    """The tolerance a form gives (blank is 0) and its kind, checked: the quarter and the annual
    target forms ask for them alike."""
    tolerance = parse_number(text, "tolerance", "tolerance", problems, required=False)
    tolerance = 0.0 if tolerance is None else tolerance
    if tolerance < 0:
        problems.append(("tolerance", "The tolerance cannot be negative: enter 0 or more."))
    if kind not in ("abs", "pct"):
        problems.append(
            ("tolerance_type", "Choose whether the tolerance is in units of the measure or a percentage of the target.")
        )
    return tolerance


def validate_target(polarity: str, sub: Submission) -> tuple[TargetValues | None, list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    band = polarity == "band"
    target = None if band else parse_number(sub.target, "target", "target", problems, required=True)
    low = parse_number(sub.low, "low", "bottom of the band", problems, required=True) if band else None
    high = parse_number(sub.high, "high", "top of the band", problems, required=True) if band else None
    tolerance = parse_tolerance(sub.tolerance, sub.tolerance_type, problems)
    if low is not None and high is not None and low > high:
        problems.append(("low", f"The bottom of the band ({plain(low)}) is above the top ({plain(high)})."))
    if problems:
        return None, problems
    try:  # the rating rules' own checks, so whatever we save can be rated
        rating_target = RatingTarget(target, low, high, tolerance, ToleranceType(sub.tolerance_type or "abs"))
    except ValueError as exc:
        return None, [("target", f"This target cannot be used: {exc}.")]
    problems += [("target", reason[0].upper() + reason[1:] + ".") for reason in target_problems(polarity, rating_target)]
    if problems:
        return None, problems
    return TargetValues(target, low, high, tolerance, sub.tolerance_type or "abs"), []


def save(engine: Engine, sub: Submission, user: str, now: datetime | None = None) -> SaveResult:
    """Validate, then save the target and the commentary together (or neither)."""
    now = now or datetime.now(UTC)
    try:
        period = period_of(sub.year, sub.quarter)
    except PeriodError as exc:
        return SaveResult(False, [("choice", f"Choose a financial year and quarter ({exc}).")])
    if not sub.indicator or not sub.area:
        return SaveResult(False, [("choice", "Choose an indicator and an area.")])
    try:
        with session_scope(engine) as session:
            indicator = indicator_by_code(session, sub.indicator)
            if indicator is None:
                return SaveResult(False, [("choice", f"There is no indicator {sub.indicator!r}.")])
            if not area_held(session, sub.area):
                return SaveResult(False, [("choice", f"There is no area {sub.area!r}.")])
            values, problems = validate_target(indicator.polarity, sub)
            edits, new_due, action_problems = validate_actions(sub)
            if values is None or action_problems:
                return SaveResult(False, problems + action_problems)
            key = _target_key(indicator.code, period, sub.area, sub.scope)
            commentary = (sub.commentary or "").strip()
            held = commentary_row(session, indicator.code, sub.area, period)
            changed_target = save_target(session, key, values, user, now, sub.target_version)
            # The old one-text corrective action is kept as it was (actions are a list now).
            changed_note = save_commentary(
                session,
                indicator.code,
                sub.area,
                period,
                commentary,
                held.corrective_action if held else "",
                user,
                now,
                sub.commentary_version,
            )
            changed_actions = save_actions(session, indicator.code, sub.area, period, sub, (edits, new_due), user, now)
            session.flush()
            state = load_form(session, indicator.code, period, sub.area)
            name, indicator_code = indicator.name, indicator.code
    except StaleEdit as stale:  # raised inside the transaction, so neither change was kept
        return SaveResult(False, [("choice", _stale_message(stale))])
    except ActionError as exc:
        return SaveResult(False, [("corrective_action", f"{str(exc)[0].upper()}{str(exc)[1:]}: nothing was saved.")])
    result = SaveResult(changed_target or changed_note or changed_actions, state=state)
    # Name what was saved: a quarter chosen just before saving re-renders the form, and a save
    # sent before that finishes is for the quarter the form showed, not the one now chosen.
    where = "every area" if sub.scope != THIS_AREA else state.area_name
    saved_what = f"{indicator_code}, {period.label}, {where}"
    result.message = (
        f"Saved by {user} at {local_time(now)}: {saved_what}."
        if result.saved
        else f"Nothing had changed for {saved_what}, so nothing was saved."
    )
    if state.rating is not None and state.rating.rag == Rating.RED and not state.has_action:
        result.warnings.append(
            f"{name} is rated Red for {period.label}: add a corrective action before the report goes to committee."
        )
    return result


def _stale_message(stale: StaleEdit) -> str:
    return (
        f"{stale.by} saved a change to this {stale.what} at {local_time(stale.at) or 'a moment ago'} after you "
        "opened it, so nothing was saved. Reload the page to see their version, then make your change again."
    )
