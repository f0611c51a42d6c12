"""Which periods the ward map, the ward profiles and the London comparison show to whoever is
reading (issue 20 part 1, "published first").

Maps show the figures held now, by month and year to date as well as by quarter; publishing
freezes the scorecard and the pack, not the maps. But a period after the latest published
quarter holds figures no committee has seen yet: readers who see published quarters only
(``published_only``) land on the latest published quarter and are refused later periods in
words naming the published report; those who see drafts get the "Draft — not yet published"
banner on them, as on the scorecard. The pages, their downloads and the map embed all ask
``map_reading`` so they agree."""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from dash import dcc, html
from dash.development.base_component import Component

from rules.periods import PeriodError, Quarter
from store.map_queries import MapPeriod
from views import data
from views.map_state import MapState
from views.publication import DRAFT_BANNER
from views.records import LONDON, MapRequestError
from web.addresses import here
from web.parts.context import current_settings
from web.parts.newer_figures import published_only


@dataclass(frozen=True)
class MapReading:
    """The map's query as the reader may have it: ``params`` with the reader's default period
    filled in; ``latest`` the area's latest published quarter; ``refusal`` the sentence a reader
    gets instead of the map (nothing published yet, or a period after the published report);
    ``readers_only`` whether the reader sees published quarters only."""

    params: dict[str, str | None]
    latest: Quarter | None
    refusal: str | None = None
    area_name: str = ""
    readers_only: bool = False

    def draft(self, quarter: Quarter) -> bool:
        """A period ending in ``quarter`` shows figures not yet published."""
        return self.latest is None or quarter > self.latest

    def offered(self, state: MapState) -> MapState:
        """``state`` with only the periods the reader may choose in its controls."""
        if not self.readers_only:
            return state
        return replace(state, periods=[p for p in state.periods if not self.draft(p.quarter)])


def publishing_area(area: str | None, home: str) -> str:
    """The partnership whose published report a map's period is judged by: the map's own area,
    or the home area for "All London wards" and pages without one."""
    return home if not area or area == LONDON else area


def asked_quarter(params: dict[str, str | None]) -> Quarter | None:
    """The quarter a map's ``period`` ends in (a month's quarter for ``span=month``); None when
    it names none or cannot be read (the map then says what is wrong with it)."""
    key = params.get("period")
    if not key:
        return None
    try:
        return MapPeriod.parse(params.get("span") or "quarter", key).quarter
    except (MapRequestError, PeriodError):
        return None


def not_published_yet(asked: Quarter, area_name: str, latest: Quarter) -> str:
    return (
        f"{asked.label} has not been published for {area_name} yet, so its figures are not shown here. "
        f"The latest published report is {latest.label}."
    )


def map_reading(params: dict[str, str | None], area: str) -> MapReading:
    """``params`` for a map of ``area`` as whoever is reading may see it."""
    url = current_settings().database_url
    published = data.published_for(url, area)
    latest = max(published) if published else None
    name = data.area_label(url, area)
    if not published_only():
        return MapReading(dict(params), latest, None, name)
    if latest is None:
        return MapReading(dict(params), None, data.no_report_text(name), name, True)
    if not params.get("period"):
        # A quarter's key serves every span: a month map takes the quarter's last month.
        return MapReading({**params, "period": latest.key}, latest, None, name, True)
    asked = asked_quarter(params)
    if asked is not None and asked > latest:
        return MapReading(dict(params), latest, not_published_yet(asked, name, latest), name, True)
    return MapReading(dict(params), latest, None, name, True)


def refusal_notice(reading: MapReading, path: str) -> html.Div:
    """The reader's page instead of the map: why, with a link to the published quarter's map."""
    body: list[Component] = [html.P(reading.refusal)]
    if reading.latest is not None:
        query = {k: v for k, v in reading.params.items() if v and k != "period"}
        query["period"] = reading.latest.key
        href = path + "?" + urlencode(sorted(query.items()))
        body.append(dcc.Link(f"See {reading.latest.label}", href=here(href), id="map-published-link"))
    return html.Div(
        [html.H2("Not published yet", className="notice__heading"), html.Div(body)],
        className="notice notice--info",
        id="map-not-published",
        role="status",
    )


def draft_banner(reading: MapReading, quarter: Quarter, page_id: str) -> list[Component]:
    """The "Draft — not yet published" banner for a period after the latest published quarter
    (an empty list otherwise), worded as the scorecard's."""
    if not reading.draft(quarter):
        return []
    published = f" The latest published report is {reading.latest.label}." if reading.latest else ""
    return [
        html.Div(
            [
                html.Strong(DRAFT_BANNER, className="pub-banner__heading"),
                html.Span(
                    f" {quarter.label} has not been published for {reading.area_name} yet: "
                    f"these figures may change before a lead signs them off.{published}"
                ),
            ],
            className="pub-banner pub-banner--draft",
            id=f"{page_id}-publication-banner",
            role="note",
        )
    ]


__all__ = ["MapReading", "asked_quarter", "draft_banner", "map_reading", "publishing_area", "refusal_notice"]
