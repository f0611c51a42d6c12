"""What the targets page reads and records, each in one database session: the chooser's
choices, the form and the year's overview for one (indicator, quarter, area), and a series
break recorded from the page. The page lays them out; this part holds the store calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rules.periods import FinancialYear, Quarter
from store.annotations import Annotation, save_annotation
from store.db import Engine, session_scope
from store.measures import Measure
from store.queries import area_choices, latest_quarter
from store.scorecard import indicators
from web.parts import annual_target_form as annual_form
from web.parts import targets_form as form
from web.parts import targets_overview as overview


@dataclass(frozen=True)
class TargetsPage:
    """Everything the page shows for one choice. ``state`` is None when no indicator is held."""

    state: form.FormState | None
    choices: dict[str, list[tuple[str, str]]]
    ytd: bool = False
    source: str = ""
    breaks: list[Annotation] | None = None
    grid: list[overview.OverviewRow] | None = None
    annual: annual_form.AnnualState | None = None
    annual_rows: list[overview.AnnualRow] | None = None


def load_page(
    engine: Engine, home: str, indicator: str | None, area: str | None, asked: Quarter | None, fallback: Quarter
) -> TargetsPage:
    """The page's figures in one session: ``asked`` (or the latest quarter held, or
    ``fallback``), ``area`` if it is a choice (else ``home``), ``indicator`` if held (else the first)."""
    with session_scope(engine) as session:
        rows = indicators(session)
        if not rows:
            return TargetsPage(None, {})
        latest = latest_quarter(session)
        chosen = asked or latest or fallback
        years: list[FinancialYear] = form.year_choices(session, latest or chosen)
        if chosen.financial_year not in years:
            years = sorted([*years, chosen.financial_year], reverse=True)
        areas = [(a.code, a.label) for a in area_choices(session, home)]
        area = area if area in {code for code, _ in areas} else home
        code = indicator if indicator in {i.code for i in rows} else rows[0].code
        state = form.load_form(session, code, chosen, area)
        info = next(i for i in rows if i.code == code)
        return TargetsPage(
            state,
            {
                "indicator": [(i.code, f"{i.code} – {i.name}") for i in rows],
                "year": [(y.key, y.label) for y in years],
                "area": areas or [(area, state.area_name)],
            },
            ytd=info.basis == "ytd",
            source=Measure.parse(info.measure).source,
            breaks=overview.indicator_breaks(session, code, area),
            grid=overview.year_overview(session, chosen.financial_year, area, latest),
            annual=annual_form.load_annual(session, code, chosen.financial_year, area),
            annual_rows=overview.annual_overview(session, chosen.financial_year, area),
        )


def record_break(
    engine: Engine, day: date, reason: str, user: str, *, indicator_code: str, source: str, shown: str, area: str
) -> list[Annotation]:
    """Record a series break (for ``indicator_code``, or every indicator of ``source``) and
    return the breaks of the indicator ``shown`` in ``area`` as they now stand. Raises
    ValueError (words for the reader) when the break cannot be recorded; nothing is then stored."""
    with session_scope(engine) as session:
        save_annotation(session, when=day, reason=reason, user=user, indicator_code=indicator_code, source=source)
        return overview.indicator_breaks(session, shown, area)
