"""Issue 20 part 7: London ranks read as people say them, counted from the nearer end
("2nd lowest of 32 boroughs", not "31st highest"), and a change ranked by the size of its
rise or fall ("2nd smallest rise of 32 boroughs")."""

from __future__ import annotations

import re

import pytest

from tests.test_maps_logic import by_id, render, text
from views.maps import spoken_rank

RATES = dict(zip("abcdefgh", [10, 8, 6, 5, 4, 3, 2, 1], strict=True))
CHANGES = dict(zip("abcdefgh", [10, 8, 6, 2, -1, -3, -5, -9], strict=True))


def test_a_rank_counts_from_the_nearer_end() -> None:
    said = {c: spoken_rank(RATES, c, "borough", "for all crime") for c in "abgh"}
    assert said == {
        "a": "the highest of 8 boroughs for all crime", "b": "2nd highest of 8 boroughs for all crime",
        "g": "2nd lowest of 8 boroughs for all crime", "h": "the lowest of 8 boroughs for all crime",
    }  # fmt: skip
    assert spoken_rank({"a": 5, "b": 5, "c": 1}, "a", "borough", "for burglary") == "joint highest of 3 boroughs for burglary"
    assert spoken_rank({"a": 5, "b": None}, "b", "borough", "for burglary") is None


def test_a_change_is_ranked_by_the_size_of_its_rise_or_fall() -> None:
    said = [spoken_rank(CHANGES, c, "borough", "in all crime", change=True) for c in "abcdefgh"]
    assert [s.removesuffix(" of 8 boroughs in all crime") for s in said] == [
        "the largest rise", "2nd largest rise", "2nd smallest rise", "the smallest rise",
        "the smallest fall", "2nd smallest fall", "2nd largest fall", "the largest fall",
    ]  # fmt: skip


@pytest.mark.web
def test_the_london_page_says_havering_s_change_as_a_rise_or_fall(demo_database_url: str) -> None:
    page, _ = render(
        demo_database_url, "london", {"measure": "crime", "period": "2016-17-Q3", "span": "quarter", "view": "change"}
    )
    rank = text(by_id(page, "london-rank"))
    assert re.fullmatch(
        r"Havering: (the |joint |\d+(st|nd|rd|th) )(largest|smallest) (rise|fall) of 32 boroughs in all crime compared with Q3 2015/16\.",
        rank,
    ), rank
