"""The public API's figures: the scorecard, the indicators, one indicator's series, monthly or
quarterly counts, and the areas — the same figures the pages show, as flat records.

Each function takes the request's one database session and returns an ``ApiTable``: a few
facts about the whole answer (``meta``) and one flat record per row, with numbers as numbers
(None where no figure is held). Flat records are the same in JSON and in CSV, so a
spreadsheet and a script read the same columns. Bad parameters raise ``BadRequest``; an
area, indicator or period with nothing held raises ``NotFound``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reporting.actions import STATUSES
from rules.area_levels import LEVEL_NAMES
from rules.periods import PeriodError, Quarter, quarters_between
from rules.summary import RagCounts
from store.actions import list_actions
from store.areas import AreaTree
from store.counts import SOURCES, monthly_counts_many
from store.db import Session
from store.publishing import quarter_state
from store.queries import (
    IndicatorInfo,
    UnknownArea,
    comparator_levels,
    comparator_values,
    indicator_info,
    latest_quarter,
    months_loaded,
    quarters_available,
    rating_history,
)
from store.scorecard import ScoreRow, build_scorecard, indicators, projection_fields
from store.source_months import months_held
from store.spc_series import attach_spc
from store.ward_generations import figure_spans
from views import ViewError
from views.people import shown_name
from views.wording import not_held_text

LEVEL_ORDER = {"nation": 0, "country": 1, "force": 2, "region": 3, "csp": 4, "borough": 5, "ward": 6, "other": 7}
SPANS = ("month", "quarter")
MAX_QUARTERS = 120  # thirty years: more than any series held, and a bound on one request's work


class BadRequest(ViewError):
    """A parameter that cannot be read (a malformed period, an unknown choice)."""


class NotFound(ViewError):
    """Nothing is held for what was asked (an unknown area or indicator, a period with no figures)."""


@dataclass(frozen=True)
class ApiTable:
    meta: dict[str, Any]
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)


def number(value: float | None) -> float | int | None:
    """A figure for JSON: None for no figure (JSON has no NaN), whole numbers as integers."""
    if value is None:
        return None
    value = float(value)
    if not math.isfinite(value):
        return None
    return int(value) if value.is_integer() else round(value, 6)


def parse_quarter(text: str, name: str = "period") -> Quarter:
    try:
        return Quarter.parse(text)
    except PeriodError as exc:
        raise BadRequest(f"{name}: {exc}.") from exc


def _area(tree: AreaTree, code: str) -> str:
    if code not in tree.by_code:
        raise NotFound(str(UnknownArea(code)))
    return code


def _published(session: Session, area: str) -> list[Quarter]:
    from store.publishing import published_quarters  # publishing reads the queries this module does

    return sorted(q for q, a in published_quarters(session) if a == area)


def _readable(session: Session, area: str, published_only: bool) -> list[Quarter]:
    """The quarters held that the caller may read: for readers (``published_only``), the
    published ones; NotFound naming why when there are none."""
    available = quarters_available(session)
    if not available:
        raise NotFound("No figures have been loaded yet.")
    if not published_only:
        return available
    published = set(_published(session, area))
    available = [q for q in available if q in published]
    if not available:
        raise NotFound(f"No report has been published yet for {area}.")
    return available


def _held_quarter(session: Session, text: str | None, area: str = "", published_only: bool = False) -> Quarter:
    """The quarter asked for, or the latest one every source holds; NotFound if none is held.
    Readers (``published_only``) get the latest published quarter, and only published ones."""
    available = _readable(session, area, published_only)
    if published_only:
        if not text:
            return available[-1]
        quarter = parse_quarter(text)
        if quarter not in available:
            raise NotFound(
                f"{quarter.label} has not been published for {area} yet; the latest published report is {available[-1].label} (period={available[-1].key})."
            )
        return quarter
    if not text:
        return latest_quarter(session) or available[-1]
    quarter = parse_quarter(text)
    if quarter not in available:
        raise NotFound(not_held_text(quarter, available, months_loaded(session, quarter)))
    return quarter


def _counts(c: RagCounts) -> dict[str, int]:
    return {"red": c.red, "amber": c.amber, "green": c.green, "not_rated": c.not_rated, "no_data": c.no_data}


def _target(row: ScoreRow) -> dict[str, object]:
    t = row.target
    return {
        "target": number(t.target) if t else None,
        "target_low": number(t.low) if t else None,
        "target_high": number(t.high) if t else None,
        "tolerance": number(t.tolerance) if t else None,
        "tolerance_type": t.tolerance_type.value if t else None,
    }


def _projection(row: ScoreRow) -> dict[str, object]:
    fields = projection_fields(row.projection)
    return {k: fields[k] for k in SCORECARD_COLUMNS if k in fields}


SCORECARD_COLUMNS = [
    "code", "name", "goal", "unit", "polarity", "basis", "rated", "actual", "quarter_value", "ytd_value",
    "previous_quarter", "same_period_last_year", "change_on_last_year", "target", "target_low", "target_high",
    "tolerance", "tolerance_type", "rag", "rag_reason", "summary_sentence", "direction_short", "direction_long", "comparator_area",
    "comparator_label", "comparator_value", "comparator_change", "comparator_rate", "home_rate", "comparator_rank",
    "comparator_members", "comparator_note", "commentary", "corrective_action", "actions", "previous_actions", "flags", "notes",
    "projected_year_end", "projected_low", "projected_high", "projection_method", "on_track", "projection_note",
]  # fmt: skip


def scorecard(
    session: Session, home: str, period: str | None = None, area: str | None = None, *, published_only: bool = False
) -> ApiTable:
    """Every indicator rated for one quarter and area, as on the scorecard page (for readers,
    ``published_only``: the latest published quarter by default, and published ones only)."""
    tree = AreaTree.load(session)
    code = _area(tree, (area or home).strip())
    quarter = _held_quarter(session, period, code, published_only)
    card = build_scorecard(session, quarter, code)
    today = date.today()
    attach_spc(session, card, tree)  # the summary sentence reads the SPC chart, as on the scorecard page
    levels = comparator_levels(session, quarter, code)
    rows = [
        {
            "code": r.code, "name": r.name, "goal": r.goal, "unit": r.unit, "polarity": r.polarity, "basis": r.basis,
            "rated": r.rated, "actual": number(r.actual), "quarter_value": number(r.quarter_value), "ytd_value": number(r.ytd_value),
            "previous_quarter": number(r.previous_quarter), "same_period_last_year": number(r.same_period_last_year),
            "change_on_last_year": number(r.change_on_last_year), **_target(r), "rag": r.rag.value, "rag_reason": r.reason,
            "summary_sentence": r.summary_sentence or "",
            "direction_short": r.dot_short.value, "direction_long": r.dot_long.value, "comparator_area": r.comparator_area,
            "comparator_label": r.comparator_label, "comparator_value": number(levels.get(r.code)),
            "comparator_change": number(r.comparator_change), "comparator_rate": number(r.comparator_rate),
            "home_rate": number(r.home_rate), "comparator_rank": r.comparator_rank, "comparator_members": r.comparator_members,
            "comparator_note": r.comparator_note or r.comparator_rate_note, "commentary": r.commentary,
            "corrective_action": r.corrective_action, "actions": [a.api_record(today) for a in r.actions],
            "previous_actions": [a.api_record(today) for a in r.previous_actions], "flags": list(r.flags), "notes": list(r.notes),
            **_projection(r),
        }
        for r in card.rows
    ]  # fmt: skip
    summary = card.summary
    meta = {
        "period": quarter.key, "period_label": quarter.label, "area_code": code, "area_name": card.area_name,
        "summary": {"overall": _counts(summary.overall), "by_goal": {goal: _counts(c) for goal, c in summary.by_goal.items()}},
        "publication": _publication(session, quarter, code),
    }  # fmt: skip
    return ApiTable(meta, SCORECARD_COLUMNS, rows)


def _publication(session: Session, quarter: Quarter, area: str) -> dict[str, object]:
    """Where the quarter's report stands: these figures are the current ones, which may differ
    from the latest published version (``version``, ``published_at``)."""
    status = quarter_state(session, quarter, area)
    latest = status.latest
    return {
        "state": status.state,
        "version": latest.version if latest else None,
        "published_at": latest.published_at.isoformat() if latest else None,
        "published_by": latest.published_by if latest else None,  # the login name, as stored
        "published_by_name": shown_name(session, latest.published_by) if latest else None,  # the name people read
    }


INDICATOR_COLUMNS = [
    "code",
    "name",
    "goal",
    "unit",
    "polarity",
    "basis",
    "source",
    "rated",
    "description",
    "comparator_area",
    "comparator_label",
]


ACTION_COLUMNS = [
    "id",
    "indicator_code",
    "area_code",
    "period",
    "text",
    "owner",
    "due_date",
    "status",
    "overdue",
    "status_text",
    "summary",
]


def action_list(
    session: Session,
    home: str,
    area: str | None = None,
    period: str | None = None,
    indicator: str | None = None,
    status: str | None = None,
    *,
    published_only: bool = False,
    today: date | None = None,
) -> ApiTable:
    """Corrective actions for an area (every quarter, or the one asked for), as the Targets and
    indicator pages list them; readers (``published_only``) see published quarters' only.
    ``status`` is open, done, dropped or overdue (open and due before today)."""
    tree = AreaTree.load(session)
    code = _area(tree, (area or home).strip())
    today = today or date.today()
    wanted = (status or "").strip().lower() or None
    if wanted is not None and wanted not in (*STATUSES, "overdue"):
        raise BadRequest(f"status: {status!r} is not one of open, done, dropped or overdue.")
    periods: list[Quarter] | None = None
    if period:
        periods = [_held_quarter(session, period, code, published_only)]
    elif published_only:
        periods = _readable(session, code, True)
    found = list_actions(session, indicator=indicator, area=code, periods=periods)
    if wanted == "overdue":
        found = [a for a in found if a.overdue(today)]
    elif wanted is not None:
        found = [a for a in found if a.status == wanted]
    rows = [{c: a.api_record(today)[c] for c in ACTION_COLUMNS} for a in found]
    meta = {"area_code": code, "area_name": tree.name(code), "period": periods[0].key if period and periods else None,
            "count": len(rows), "today": today.isoformat()}  # fmt: skip
    return ApiTable(meta, ACTION_COLUMNS, rows)


def indicator_list(session: Session) -> ApiTable:
    """Every indicator's definition, in the scorecard's order."""
    rows = []
    for row in indicators(session):
        info = IndicatorInfo.of(row)
        rows.append({c: info.source if c == "source" else getattr(info, c) for c in INDICATOR_COLUMNS})
    return ApiTable({"count": len(rows)}, INDICATOR_COLUMNS, rows)


SERIES_COLUMNS = [
    "period", "period_label", "actual", "quarter_value", "ytd_value", "same_period_last_year", "target", "target_low",
    "target_high", "tolerance", "tolerance_type", "rag", "direction_short", "direction_long", "comparator_value",
]  # fmt: skip


def indicator_series(
    session: Session,
    home: str,
    code: str,
    area: str | None = None,
    first: str | None = None,
    last: str | None = None,
    *,
    published_only: bool = False,
) -> ApiTable:
    """One indicator scored quarter by quarter (as the indicator page's chart and table),
    from ``first`` to ``last`` (default: every quarter held up to the latest; for readers,
    ``published_only``, up to the latest published, and never past it)."""
    tree = AreaTree.load(session)
    try:
        info = indicator_info(session, code.strip())
    except LookupError as exc:
        raise NotFound(str(exc)) from exc
    area_code = _area(tree, (area or home).strip())
    available = quarters_available(session)
    if not available:
        raise NotFound("No figures have been loaded yet.")
    start = parse_quarter(first, "from") if first else available[0]
    end = parse_quarter(last, "to") if last else (latest_quarter(session) or available[-1])
    if published_only:
        newest = _readable(session, area_code, True)[-1]
        if last and end > newest:
            raise NotFound(
                f"to={end.key}: {end.label} has not been published for {area_code} yet; the latest published report is {newest.label}."
            )
        end = min(end, newest)
    if start > end:
        raise BadRequest(f"from={start.key} is after to={end.key}.")
    quarters = quarters_between(start, end)
    if len(quarters) > MAX_QUARTERS:
        raise BadRequest(f"Ask for at most {MAX_QUARTERS} quarters at once; from={start.key} to={end.key} is {len(quarters)}.")
    history = rating_history(session, info, area_code, quarters)
    comparator = comparator_values(session, info, area_code, quarters)
    rows = [
        {
            "period": r.period, "period_label": q.label, "actual": number(r.actual), "quarter_value": number(r.quarter_value),
            "ytd_value": number(r.ytd_value), "same_period_last_year": number(r.same_period_last_year), **_target(r),
            "rag": r.rag.value, "direction_short": r.dot_short.value, "direction_long": r.dot_long.value,
            "comparator_value": number(comparator.get(q.key)),
        }
        for q, r in zip(quarters, history)
    ]  # fmt: skip
    meta = {
        "code": info.code, "name": info.name, "unit": info.unit, "polarity": info.polarity, "basis": info.basis,
        "area_code": area_code, "area_name": tree.name(area_code), "from": start.key, "to": end.key,
        "comparator_area": info.comparator_area,
        # a relation's words as resolved for the area ("Cleveland police force area")
        "comparator_label": history[-1].comparator_label if history else info.comparator_label,
    }  # fmt: skip
    return ApiTable(meta, SERIES_COLUMNS, rows)


COUNT_COLUMNS = ["area_code", "area_name", "level", "period", "count", "months_held", "complete"]


def counts(
    session: Session,
    home: str,
    source: str | None = None,
    area: str | None = None,
    level: str | None = None,
    by: str | None = None,
    *,
    published_only: bool = False,
) -> ApiTable:
    """Recorded crime or ASB incidents by month or quarter, for one area or every area at
    ``level`` within it. A quarter short of a month has no count (``count`` is null,
    ``complete`` false): a partial total must not look like a whole one. Readers
    (``published_only``) get the months up to the end of the home area's latest published
    quarter, as its pages show them, and ``meta.published_to`` says where that is."""
    source = (source or "crime").strip().lower()
    if source not in SOURCES:
        raise BadRequest(f"source={source!r} is not a source of counts; choose {' or '.join(SOURCES)}.")
    span = (by or "month").strip().lower()
    if span not in SPANS:
        raise BadRequest(f"by={span!r} is not a period length; choose month or quarter.")
    tree = AreaTree.load(session)
    within = _area(tree, (area or home).strip())
    level = _level(level)
    levels = {a.level for a in tree.by_code.values()}
    if level and level not in levels:
        raise BadRequest(
            f"level={level!r} is not an area level; choose one of {', '.join(sorted(levels, key=lambda x: LEVEL_ORDER.get(x, 9)))}."
        )
    codes = [within] if not level or tree.by_code[within].level == level else tree.at_level(level, within=within)
    if not codes:
        raise NotFound(f"No {level} areas are held within {tree.name(within)}.")
    months = months_held(session, source)
    published_to = _readable(session, home, True)[-1] if published_only else None
    if published_to is not None:
        months = [m for m in months if m <= published_to.months()[-1]]
    held = monthly_counts_many(session, source, codes, months, tree=tree)
    rows: list[dict[str, object]] = []
    for code in codes:
        info = tree.by_code[code]
        by_month = held.get(code, {})
        if span == "month":
            rows += [
                {
                    "area_code": code,
                    "area_name": info.name,
                    "level": info.level,
                    "period": m,
                    "count": c,
                    "months_held": 1,
                    "complete": True,
                }
                for m, c in sorted(by_month.items())
            ]
            continue
        for quarter in sorted({Quarter.of_month(m) for m in by_month}):
            values = [by_month[m] for m in quarter.months() if m in by_month]
            complete = len(values) == 3
            rows.append({"area_code": code, "area_name": info.name, "level": info.level, "period": quarter.key,
                         "count": sum(values) if complete else None, "months_held": len(values), "complete": complete})  # fmt: skip
    meta: dict[str, object] = {
        "source": source,
        "by": span,
        "area_code": within,
        "area_name": tree.name(within),
        "level": level or tree.by_code[within].level,
    }
    # Readers see no month past the latest published report; None: every month held is given.
    meta["published_to"] = published_to.key if published_to is not None else None
    return ApiTable(meta, COUNT_COLUMNS, rows)


def _level(level: str | None) -> str | None:
    """The stored level for a level asked for: ``district`` is stored as ``borough`` (issue 21)."""
    if not level:
        return None
    return LEVEL_NAMES.get(level.strip().lower(), level.strip())


AREA_COLUMNS = ["code", "name", "level", "parent_code", "home", "boundary_vintage", "first_month", "last_month"]


def area_list(session: Session, home: str, level: str | None = None) -> ApiTable:
    """Every area held (or those at ``level``), broadest first, then by name."""
    tree = AreaTree.load(session)
    level = _level(level)
    levels = {a.level for a in tree.by_code.values()}
    if level and level not in levels:
        raise BadRequest(f"level={level!r} is not an area level; choose one of {', '.join(sorted(levels))}.")
    areas = sorted(
        (a for a in tree.by_code.values() if not level or a.level == level),
        key=lambda a: (LEVEL_ORDER.get(a.level, 9), a.name, a.code),
    )
    spans = figure_spans(session)  # each area's first and last month of crime or ASB figures
    rows = [
        {
            "code": a.code, "name": a.name, "level": a.level, "parent_code": a.parent_code, "home": a.code == home,
            "boundary_vintage": a.boundary_vintage, "first_month": spans.get(a.code, (None, None))[0], "last_month": spans.get(a.code, (None, None))[1],
        }
        for a in areas
    ]  # fmt: skip
    return ApiTable({"count": len(rows), "home": home}, AREA_COLUMNS, rows)
