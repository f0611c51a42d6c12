"""Cached reads for the pages, and turning URL query values into a page state.

Each cached function is keyed by (database URL, data version, arguments). The data version
(``store.queries.data_version``: the partnership in force, the shared version and that
partnership's own) changes with every load of shared data and every upload or web edit of the
partnership's own, so new data shows on the next page load without restarting, while repeat
views of a quarter cost one small query and another partnership's edits leave them cached. Cached objects are shared between requests: callers must not mutate them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rules.periods import FinancialYear, PeriodError, Quarter
from store.data_version import shared_version as shared_data_version
from store.db import get_engine, reading
from store.queries import (
    AreaChoice,
    DemandPanel,
    IndicatorDetail,
    UnknownArea,
    area_choices,
    area_name,
    comparator_levels,
    data_version,
    demand_panels,
    indicator_detail,
    latest_quarter,
    months_loaded,
    quarters_available,
)
from store.scorecard import Scorecard, build_scorecard
from store.spc_series import attach_spc
from views.wording import not_held_text


class PageError(Exception):
    """Something in the request the reader can fix; the message says how."""


def version(url: str) -> tuple:
    with reading(get_engine(url)) as session:
        return data_version(session)


def shared_version(url: str) -> tuple:
    """The key of what shows shared data only (outlines, an area's counts): built once for every
    partnership, and kept through their own edits, not rebuilt by each (issue 23)."""
    with reading(get_engine(url)) as session:
        return ("shared", shared_data_version(session))


@lru_cache(maxsize=16)
def _periods(url: str, v: tuple) -> tuple[list[Quarter], Quarter | None]:
    with reading(get_engine(url)) as session:
        return quarters_available(session), latest_quarter(session)


@lru_cache(maxsize=16)
def _published(url: str, v: tuple, area: str) -> list[Quarter]:
    from store.publishing import published_quarters  # publishing reads the queries this module does

    with reading(get_engine(url)) as session:
        return sorted(q for q, a in published_quarters(session) if a == area)


def published_for(url: str, area: str) -> list[Quarter]:
    """The quarters with a published report for ``area``, oldest first."""
    return _published(url, version(url), area)


@lru_cache(maxsize=16)
def _months_loaded(url: str, v: tuple, quarter: Quarter) -> list[str]:
    with reading(get_engine(url)) as session:
        return months_loaded(session, quarter)


@lru_cache(maxsize=16)
def _areas(url: str, v: tuple, home: str) -> list[AreaChoice]:
    with reading(get_engine(url)) as session:
        return area_choices(session, home)


@lru_cache(maxsize=64)
def _area_name(url: str, v: tuple, code: str) -> str:
    with reading(get_engine(url)) as session:
        return area_name(session, code)


@lru_cache(maxsize=64)
def _scorecard(url: str, v: tuple, period: Quarter, area: str) -> tuple[Scorecard, dict[str, float]]:
    with reading(get_engine(url)) as session:
        card = build_scorecard(session, period, area)
        attach_spc(session, card)  # the scorecard's Variation and Assurance columns
        return card, comparator_levels(session, period, area)


@lru_cache(maxsize=128)
def _detail(url: str, v: tuple, code: str, period: Quarter, area: str) -> IndicatorDetail:
    with reading(get_engine(url)) as session:
        return indicator_detail(session, code, period, area)


@lru_cache(maxsize=64)
def _demand(url: str, v: tuple, period: Quarter, area: str) -> list[DemandPanel]:
    with reading(get_engine(url)) as session:
        return demand_panels(session, period, area)


def area_label(url: str, code: str) -> str:
    try:
        return _area_name(url, version(url), code)
    except UnknownArea:
        return code


def scorecard(url: str, period: Quarter, area: str) -> tuple[Scorecard, dict[str, float]]:
    return _scorecard(url, version(url), period, area)


def detail(url: str, code: str, period: Quarter, area: str) -> IndicatorDetail:
    return _detail(url, version(url), code, period, area)


def demand(url: str, period: Quarter, area: str) -> list[DemandPanel]:
    return _demand(url, version(url), period, area)


def clear_caches() -> None:
    for f in (_periods, _published, _areas, _area_name, _scorecard, _detail, _demand):
        f.cache_clear()


@dataclass(frozen=True)
class PageState:
    """What a page shows, resolved from its URL. ``error`` is set (and the figures are not
    shown) when the URL asks for something we cannot show; the controls then fall back to
    the defaults so the reader can pick again."""

    period: Quarter | None
    area: str
    area_name: str
    available: list[Quarter]
    areas: list[AreaChoice]
    error: str | None = None

    @property
    def years(self) -> list[FinancialYear]:
        years = {q.financial_year for q in self.available}
        if self.period:
            years.add(self.period.financial_year)
        return sorted(years, reverse=True)

    def query(self) -> str:
        return make_query(self.period, self.area)


def no_report_text(area_name: str) -> str:
    return f"No report has been published yet for {area_name}. The figures appear here once a lead signs a quarter off."


def not_published_text(quarter: Quarter | None, area_name: str, latest: Quarter | None) -> str:
    shown = quarter.label if quarter else "That quarter"
    tail = f" The latest published report is {latest.label}: choose it above." if latest else ""
    return f"{shown} has not been published for {area_name} yet.{tail}"


def make_query(period: Quarter | None, area: str) -> str:
    parts = ([f"period={period.key}"] if period else []) + [f"area={area}"]
    return "?" + "&".join(parts)


def resolve(url: str, home: str, period: str | None, area: str | None, *, published_only: bool = False) -> PageState:
    """Turn ``?period=…&area=…`` into a state, with defaults and readable errors.

    ``published_only`` (readers, unless drafts are shown to them): the default is the area's
    latest published quarter, only published quarters are offered, and any other quarter is
    refused in words naming the latest published report."""
    v = version(url)
    available, latest = _periods(url, v)
    areas = _areas(url, v, home)
    area = (area or home).strip()
    error = None
    try:
        name = _area_name(url, v, area)
    except UnknownArea as exc:
        error, area = str(exc), home
        name = area_label(url, home)
    asked = None
    if period:
        try:
            asked = Quarter.parse(period)
        except PeriodError as exc:
            error = error or f"{exc}."
    if published_only:
        published = _published(url, v, area)
        available = [q for q in available if q in published]
        latest = max(available) if available else None
        if error is None and latest is None:
            return PageState(None, area, name, [], areas, no_report_text(name))
        if error is None and asked is not None and asked not in available:
            error = not_published_text(asked, name, latest)
    quarter = asked or latest
    if latest is None and error is None:
        error = "No figures have been loaded yet. An analyst loads them on the Upload page."
    elif error is None and quarter is not None and quarter not in available:
        error = not_held_text(quarter, available, _months_loaded(url, v, quarter))
    return PageState(quarter, area, name, available, areas, error)


def ward_label(url: str, borough: str, code: str, name: str) -> str:
    """``Heaton ward``, or ``Heaton ward (wards before May 2022)`` for an older generation's
    ward where its borough holds two: the two Heatons (or Cranhams) are told apart."""
    with reading(get_engine(url)) as session:  # the request's one session
        choice = next((c for c in area_choices(session, borough) if c.code == code), None)
    return choice.label if choice else f"{name} ward"
