"""The pure rules for which periods of the coverage record a load of counts can change."""

from __future__ import annotations

from store.coverage_after_load import figures_after, periods_to_work_out, spans_extended

PERIODS = [f"2017-{m:02d}" for m in range(1, 13)]


def test_figures_after_replaces_the_loaded_area_months_whole():
    before = {"A": {"2017-01": 1, "2017-02": 1}, "B": {"2017-01": 1}}
    after = figures_after(
        before, [("A", "2017-02"), ("B", "2017-01"), ("C", "2017-03")], {("A", "2017-02"): 2, ("C", "2017-03"): 2}
    )
    # B's only loaded month now holds nothing: B has no figures left.
    assert after == {"A": {"2017-01": 1, "2017-02": 2}, "C": {"2017-03": 2}}
    assert before == {"A": {"2017-01": 1, "2017-02": 1}, "B": {"2017-01": 1}}  # not changed in place


def test_spans_extended_by_the_loaded_area_months():
    before = {"A": ("2017-03", "2017-06")}
    assert spans_extended(before, [("A", "2017-07"), ("A", "2017-01"), ("B", "2017-05")]) == {
        "A": ("2017-01", "2017-07"),
        "B": ("2017-05", "2017-05"),
    }
    assert before == {"A": ("2017-03", "2017-06")}


def test_unmoved_spans_rework_only_the_loaded_periods():
    spans = {"A": ("2017-01", "2017-12"), "B": ("2017-03", "2017-12")}
    assert periods_to_work_out(spans, dict(spans), ["2017-05", "2017-06"], PERIODS) == {"2017-05", "2017-06"}


def test_a_moved_last_period_reworks_everything_from_the_earlier_of_the_two():
    before = {"A": ("2017-01", "2017-06"), "B": ("2017-01", "2017-12")}
    later = {"A": ("2017-01", "2017-09"), "B": ("2017-01", "2017-12")}
    assert periods_to_work_out(before, later, ["2017-09"], PERIODS) == set(PERIODS[5:])
    assert periods_to_work_out(later, before, ["2017-09"], PERIODS) == set(PERIODS[5:])  # and when it shrinks


def test_a_moved_first_period_or_an_area_gained_or_lost_reworks_every_period():
    before = {"A": ("2017-03", "2017-12")}
    assert periods_to_work_out(before, {"A": ("2017-02", "2017-12")}, ["2017-02"], PERIODS) == set(PERIODS)
    assert periods_to_work_out(before, {**before, "B": ("2017-12", "2017-12")}, ["2017-12"], PERIODS) == set(PERIODS)
    assert periods_to_work_out({**before, "B": ("2017-12", "2017-12")}, before, ["2017-12"], PERIODS) == set(PERIODS)
