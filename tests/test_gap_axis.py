"""Shaping a chart's x axis for gaps and long spans (views.gap_axis): plain values."""

from __future__ import annotations

from rules.gaps import every_period
from views.charts import _quarter_label
from views.gap_axis import NARROW_PLOT_PX, QUARTER_LABEL_PX, month_axis, opening_run, quarter_axis, quarter_ticks, with_gaps

HELD = [*every_period("2014-04", "2017-03"), *every_period("2024-04", "2026-03")]


def test_missing_periods_become_none_so_the_line_breaks():
    periods, values = with_gaps(["2017-02", "2017-03", "2017-06"], [1, 2, 3])
    assert periods == ["2017-02", "2017-03", "2017-04", "2017-05", "2017-06"] and values == [1, 2, None, None, 3]
    quarters, qvalues = with_gaps(["2016-17-Q3", "2017-18-Q2"], [5, 6])
    assert quarters == ["2016-17-Q3", "2016-17-Q4", "2017-18-Q1", "2017-18-Q2"] and qvalues == [5, None, None, 6]


def test_a_long_span_opens_on_its_latest_run_and_says_so():
    start, words = opening_run(HELD)
    assert HELD[start] == "2024-04"
    assert words.startswith("Showing April 2024 to March 2026: no figures for 7 years (April 2017 to March 2024) before it")
    assert opening_run(every_period("2024-04", "2026-03")) == (0, "")
    axis = month_axis(HELD, start)
    assert axis["range"][0].startswith("2024-03") and axis["nticks"] <= 4 and "dtick" not in axis


def test_quarter_labels_are_spaced_for_a_phone():
    labels = [_quarter_label(k) for k in every_period("2014-15-Q1", "2025-26-Q4")]
    for start in (0, len(labels) - 8, len(labels) - 3):
        ticks = quarter_ticks(labels, start)
        shown = labels[start:]
        spacing = NARROW_PLOT_PX / len(shown)
        positions = [shown.index(t) for t in ticks]
        assert ticks[-1] == shown[-1]  # the latest quarter is always labelled
        assert all((b - a) * spacing >= QUARTER_LABEL_PX for a, b in zip(positions, positions[1:])), ticks
    axis = quarter_axis(labels, len(labels) - 8)
    assert axis["range"] == [len(labels) - 8.5, len(labels) - 0.5] and axis["tickangle"] == 0


def test_the_comparator_chart_opens_on_its_latest_run_and_says_so():
    from types import SimpleNamespace

    from views.charts import comparator_change, comparator_note

    # Changes on a year earlier for 2015/16 to 2016/17 (the demo) and 2025/26 (the 24-month file).
    quarters = every_period("2014-15-Q1", "2025-26-Q4")
    with_change = {*every_period("2015-16-Q1", "2016-17-Q4"), *every_period("2025-26-Q1", "2025-26-Q4")}
    rows = [
        SimpleNamespace(period=q, change_on_last_year=1.0 if q in with_change else None, comparator_change=None) for q in quarters
    ]
    detail = SimpleNamespace(history=rows, area_name="Havering", indicator=SimpleNamespace(comparator_label="London"))
    axis = comparator_change(detail, "title")["layout"]["xaxis"]
    assert axis["categoryarray"][0] == "Q1 15/16" and axis["range"][0] == axis["categoryarray"].index("Q1 25/26") - 0.5
    assert comparator_note(detail).startswith("Showing Q1 2025/26 to Q4 2025/26: no figures for ")


def test_a_year_whose_year_earlier_figures_are_missing_is_one_gap_line():
    """The demo (to 2016/17) then the 24-month file (2024/25 on): London's 2024/25 has no
    2023/24 to compare with. One line for the four quarters, one for the empty years."""
    from types import SimpleNamespace

    from views.wording import comparator_gap_notes

    quarters = every_period("2015-16-Q1", "2025-26-Q4")
    held = {*every_period("2015-16-Q1", "2016-17-Q4"), *every_period("2024-25-Q1", "2025-26-Q4")}
    changes = {*every_period("2015-16-Q1", "2016-17-Q4"), *every_period("2025-26-Q1", "2025-26-Q4")}
    rows = [
        SimpleNamespace(
            period=q, change_on_last_year=1.0 if q in changes else None, comparator_change=1.0 if q in changes else None
        )
        for q in quarters
    ]
    detail = SimpleNamespace(
        history=rows, comparator={q: 1.0 for q in held}, comparator_gaps={}, indicator=SimpleNamespace(comparator_label="London")
    )
    assert comparator_gap_notes(detail) == [
        "Q1 2017/18 to Q4 2023/24: London not shown, no figure held",
        "Q1 2024/25 to Q4 2024/25: London not shown, no figure held for Q1 2023/24 to Q4 2023/24, the year before",
    ]


def test_a_quarterly_chart_with_no_figure_for_over_a_year_ends_at_its_last_figure_and_says_so():
    """ASB held to Q4 2016/17, read for Q4 2025/26: the axis ends at Q4 2016/17, not nine
    empty years later with the figures squeezed into its first quarter."""
    from types import SimpleNamespace

    from views.charts import closing_note, quarterly

    def detail(last_held: str) -> SimpleNamespace:
        held = set(every_period("2014-15-Q1", last_held))
        rows = [
            SimpleNamespace(
                period=q,
                actual=1.0 if q in held else None,
                target=None,
                polarity="lower",
                change_on_last_year=None,
                comparator_change=None,
            )
            for q in every_period("2014-15-Q1", "2025-26-Q4")
        ]
        indicator = SimpleNamespace(polarity="lower", basis="ytd", unit="count", comparator_label="London")
        return SimpleNamespace(history=rows, indicator=indicator, comparator={}, area_name="Havering")

    asb = detail("2016-17-Q4")
    axis = quarterly(asb, "title", "Incidents")["layout"]["xaxis"]
    assert axis["range"] == [-0.5, 11.5] and axis["tickvals"][-1] == "Q4 16/17"
    assert closing_note(asb.history) == "No figures after Q4 2016/17, so the chart ends there rather than at Q4 2025/26."
    # Up to a year without figures: the axis still runs to the chosen quarter.
    recent = detail("2024-25-Q4")
    assert quarterly(recent, "title", "Incidents")["layout"]["xaxis"]["range"][1] == 47.5 and closing_note(recent.history) == ""
