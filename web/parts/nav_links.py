"""The top menu's links keep the chosen quarter and area: Demand, Map, London and Targets open
on the quarter (and area) of the page you came from, not on each page's own default.

``nav_hrefs`` is pure (the URL in, the links out); the shell's callback feeds it the page's
URL and the scorecard's default quarter (used when the URL names none, since the pages'
defaults differ: the map's is the newest quarter of its own measure)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qs, urlencode

from rules.periods import PeriodError, Quarter, is_month


def chosen_quarter(search: str | None) -> Quarter | None:
    """The quarter a page's query names: ``period`` (a quarter, or a month on the map), or
    /targets' ``year`` and ``quarter``."""
    query = parse_qs((search or "").lstrip("?"))
    period = (query.get("period") or [""])[0]
    try:
        if period:
            return Quarter.of_month(period) if is_month(period) else Quarter.parse(period)
        year, q = (query.get("year") or [""])[0], (query.get("quarter") or [""])[0]
        return Quarter.parse(f"{year}-{q}") if year and q else None
    except PeriodError:
        return None


def chosen_area(search: str | None) -> str | None:
    areas = parse_qs((search or "").lstrip("?")).get("area")
    return areas[0] if areas else None


def nav_href(href: str, quarter: Quarter | None, area: str | None, wards: Iterable[str] = ()) -> str:
    """One menu link with the choices its page takes: the quarter everywhere but Upload; the
    area on the scorecard, Demand and Targets, and on the map unless it is a ward (the map
    shows a borough's wards); London compares boroughs, so takes no area."""
    if href == "/upload":
        return href
    params: dict[str, str] = {}
    if href == "/targets":
        if quarter:
            params |= {"year": quarter.financial_year.key, "quarter": f"Q{quarter.q}"}
    elif quarter:
        params["period"] = quarter.key
    if area and href in ("/", "/demand", "/targets") or (area and href == "/map" and area not in set(wards)):
        params["area"] = area
    return f"{href}?{urlencode(params)}" if params else href


def nav_hrefs(hrefs: list[str], search: str | None, default: Quarter | None, wards: Iterable[str] = ()) -> list[str]:
    """Every menu link for a page at ``?search`` (``default``: the quarter when it names none)."""
    quarter = chosen_quarter(search) or default
    area = chosen_area(search)
    ward_set = set(wards)
    return [nav_href(h, quarter, area, ward_set) for h in hrefs]


__all__ = ["chosen_area", "chosen_quarter", "nav_href", "nav_hrefs"]
