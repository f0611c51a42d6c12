"""The words for area levels: a London district is a borough, a district elsewhere is a district."""

from __future__ import annotations

import pytest

from rules.area_levels import is_london_borough, level_word


@pytest.mark.parametrize(
    ("level", "code", "word"),
    [
        ("borough", "E09000016", "borough"),  # Havering
        ("borough", "E06000001", "district"),  # Hartlepool, a unitary authority
        ("borough", "W06000015", "district"),  # Cardiff
        ("csp", "E22000001", "partnership"),
        ("force", "E23000013", "police force area"),
        ("region", "E12000007", "region"),
    ],
)
def test_level_words(level: str, code: str, word: str) -> None:
    assert level_word(level, code) == word


def test_london_boroughs_are_the_e09_codes() -> None:
    assert is_london_borough("E09000001") and is_london_borough(" e09000033 ")
    assert not is_london_borough("E06000001") and not is_london_borough("E12000007")
