"""The top menu's links keep the chosen quarter and area (web.parts.nav_links): plain values."""

from __future__ import annotations

from rules.periods import Quarter
from web.parts.nav_links import chosen_quarter, nav_hrefs

MENU = ["/", "/demand", "/upload", "/targets", "/map", "/london"]


def test_the_quarter_and_area_go_to_every_page_that_takes_them():
    assert nav_hrefs(MENU, "?period=2025-26-Q3&area=E09000016", Quarter(2016, 4)) == [
        "/?period=2025-26-Q3&area=E09000016",
        "/demand?period=2025-26-Q3&area=E09000016",
        "/upload",
        "/targets?year=2025-26&quarter=Q3&area=E09000016",
        "/map?period=2025-26-Q3&area=E09000016",
        "/london?period=2025-26-Q3",
    ]


def test_a_ward_is_not_a_map_area_and_no_query_uses_the_default_quarter():
    hrefs = nav_hrefs(MENU, "?period=2025-26-Q3&area=E05013975", None, wards=["E05013975"])
    assert hrefs[4] == "/map?period=2025-26-Q3"
    assert nav_hrefs(MENU, "", Quarter(2016, 4))[1] == "/demand?period=2016-17-Q4"
    assert nav_hrefs(MENU, None, None) == MENU


def test_the_quarter_is_read_from_a_map_month_or_the_targets_year_and_quarter():
    assert chosen_quarter("?measure=crime&period=2026-02&span=month") == Quarter(2025, 4)
    assert chosen_quarter("?indicator=CSP1&year=2025-26&quarter=Q2&area=E09000016") == Quarter(2025, 2)
    assert chosen_quarter("?period=nonsense") is None
