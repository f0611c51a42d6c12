"""Tolerances are shown in whole units of the indicator, rounded half up ("183 (2.5%)", not
"182.5"); the rating keeps the exact tolerance. On the demo in SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from reporting.formatting import format_tolerance_units
from rules.periods import Quarter
from rules.rating import Target, ToleranceType, tolerance_units
from store.db import session_scope
from store.scorecard import build_scorecard
from tests.helpers import load, write
from views.wording import reason_text

Q3 = Quarter.parse("2016-17-Q3")


@pytest.mark.parametrize(
    "units, target, unit, shown",
    [
        (182.5, Target(7300, tolerance=2.5, tolerance_type=ToleranceType.PCT), "count", "183 (2.5%)"),
        (0.5, Target(20, tolerance=2.5, tolerance_type=ToleranceType.PCT), "count", "1 (2.5%)"),  # half up, not to even
        (1234.5, Target(24690, tolerance=5, tolerance_type=ToleranceType.PCT), "count", "1,235 (5%)"),
        (310.0, Target(12400, tolerance=310), "count", "310"),
        (2.25, Target(45, tolerance=5, tolerance_type=ToleranceType.PCT), "percent", "2.3 points (5%)"),
        (1.5, Target(45, tolerance=1.5), "percent", "1.5 points"),
    ],
)
def test_tolerance_in_whole_units(units: float, target: Target, unit: str, shown: str) -> None:
    assert format_tolerance_units(units, target, unit) == shown


def test_reason_shows_whole_units_while_the_rating_uses_the_exact_tolerance(demo_engine, tmp_path) -> None:
    # 2.5% of 13,000 is 325 exactly; of 13,020 it is 325.5, shown as 326.
    path = write(
        tmp_path / "t.csv",
        "code,year,quarter,target,target_low,target_high,tolerance,tolerance_type,area_code\nCSP1,2016-17,Q3,13020,,,2.5,pct,\n",
    )
    load(demo_engine, "targets", path)
    with session_scope(demo_engine) as session:
        row = {r.code: r for r in build_scorecard(session, Q3, "E09000016").rows}["CSP1"]
    assert tolerance_units(row.actual, row.polarity, row.target) == pytest.approx(325.5)
    assert row.tolerance_units_text() == "326 (2.5%)"
    words = reason_text(row)
    assert "tolerance of 326 (2.5%)" in words and "325.5" not in words
    # 13,143 is 123 above 13,020: within the exact tolerance, so Green.
    assert row.rag.value == "Green" and words.startswith(
        "13,143 year to date is 123 above target, within the tolerance of 326 (2.5%)"
    )


@pytest.mark.parametrize(
    "bound, edge, unit, shown",
    [
        (7482.5, 7300, "count", "7,483"),  # 7,300 + 183: as "183 (2.5%)" says
        (7117.5, 7300, "count", "7,117"),  # 7,300 − 183, not 7,118
        (12710.0, 12400, "count", "12,710"),
        (None, 12400, "count", "–"),
        (47.25, 45, "percent", "47.2%"),  # percentages as before
    ],
)
def test_still_green_edges_in_whole_units(bound, edge, unit, shown) -> None:
    from reporting.formatting import format_bound

    assert format_bound(bound, edge, unit) == shown
