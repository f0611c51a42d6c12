"""Property-based tests (hypothesis) for the RAG engine's invariants."""

from hypothesis import assume, given
from hypothesis import strategies as st

from rules.direction import Direction, direction
from rules.rating import Polarity, Rating, Target, ToleranceType, is_better, rate
from rules.summary import RagCounts, summarise, summary_sentence

# Bounded magnitudes keep the float error far below the comparison epsilon.
values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
optional_values = st.none() | values
tolerances = st.floats(min_value=0, max_value=1e4, allow_nan=False)
fractions = st.floats(min_value=0, max_value=1)
polarities = st.sampled_from(list(Polarity))
directional = st.sampled_from([Polarity.LOWER, Polarity.HIGHER])
tolerance_types = st.sampled_from(list(ToleranceType))


@st.composite
def bands(draw, tolerance=tolerances):
    low, high = sorted((draw(values), draw(values)))
    return Target(low=low, high=high, tolerance=draw(tolerance), tolerance_type=draw(tolerance_types))


@st.composite
def targets_for(draw, polarity):
    if polarity is Polarity.BAND:
        return draw(bands())
    return Target(draw(values), tolerance=draw(tolerances), tolerance_type=draw(tolerance_types))


@given(directional, values, tolerances, fractions, optional_values)
def test_properties_within_abs_tolerance_is_green(polarity, target, tol, fraction, comparator):
    offset = fraction * tol  # on the wrong side of target, but within tolerance
    actual = target + offset if polarity is Polarity.LOWER else target - offset
    assert rate(actual, polarity, Target(target, tolerance=tol), comparator).rating is Rating.GREEN


@given(directional, values, st.floats(min_value=0, max_value=100), fractions, optional_values)
def test_properties_within_pct_tolerance_is_green(polarity, target, pct, fraction, comparator):
    offset = fraction * abs(target) * pct / 100
    actual = target + offset if polarity is Polarity.LOWER else target - offset
    t = Target(target, tolerance=pct, tolerance_type=ToleranceType.PCT)
    assert rate(actual, polarity, t, comparator).rating is Rating.GREEN


@given(bands(), fractions, optional_values)
def test_properties_band_inside_is_green(target, fraction, comparator):
    actual = min(max(target.low + fraction * (target.high - target.low), target.low), target.high)
    assert rate(actual, Polarity.BAND, target, comparator).rating is Rating.GREEN


@given(bands(), fractions, st.booleans(), optional_values)
def test_properties_band_within_tolerance_outside_is_green(target, fraction, below, comparator):
    # Outside the band by at most the tolerance; outside, the bound being missed is the nearer one.
    bound = target.low if below else target.high
    tol = target.tolerance if target.tolerance_type is ToleranceType.ABS else abs(bound) * target.tolerance / 100
    actual = bound - fraction * tol if below else bound + fraction * tol
    assert rate(actual, Polarity.BAND, target, comparator).rating is Rating.GREEN


@given(values, values)
def test_properties_swapping_polarity_flips_direction(current, previous):
    lower = direction(current, previous, Polarity.LOWER)
    higher = direction(current, previous, Polarity.HIGHER)
    flipped = {Direction.BETTER: Direction.WORSE, Direction.WORSE: Direction.BETTER, Direction.SAME: Direction.SAME}
    assert higher is flipped[lower]


@given(st.data(), polarities, values, values)
def test_properties_never_red_when_not_worse_than_comparator(data, polarity, actual, comparator):
    target = data.draw(targets_for(polarity))
    assume(is_better(actual, comparator, polarity, target) is not False)
    assert rate(actual, polarity, target, comparator).rating is not Rating.RED


@given(st.data(), polarities, optional_values, optional_values, st.booleans(), st.booleans())
def test_properties_rating_is_always_one_of_five(data, polarity, actual, comparator, rated, has_target):
    target = data.draw(targets_for(polarity)) if has_target else None
    result = rate(actual, polarity, target, comparator, rated=rated)
    assert result.rating in set(Rating)
    assert result.reason
    assert result.no_comparator == (result.rating is Rating.RED and comparator is None)


@given(st.data(), polarities, values, values)
def test_properties_direction_agrees_with_amber_red(data, polarity, actual, comparator):
    target = data.draw(targets_for(polarity))
    result = rate(actual, polarity, target, comparator)
    d = direction(actual, comparator, polarity, target)
    if result.rating is Rating.RED:
        assert d is Direction.WORSE
    elif result.rating is Rating.AMBER:
        assert d in (Direction.BETTER, Direction.SAME)


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(list(Rating)))))
def test_properties_summary_adds_up(items):
    summary = summarise(items)
    assert summary.overall.total == len(items)
    for field in ("red", "amber", "green", "not_rated", "no_data"):
        assert getattr(summary.overall, field) == sum(getattr(c, field) for c in summary.by_goal.values())
    counts = summary.overall
    if counts.rated_total:
        total = sum(counts.percent(r) for r in (Rating.RED, Rating.AMBER, Rating.GREEN))
        assert abs(total - 100) < 1e-9
    sentence = summary_sentence(counts)
    assert sentence.endswith(".")


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_properties_sentence_mentions_each_nonzero_rating(red, amber, green):
    counts = RagCounts(red=red, amber=amber, green=green)
    sentence = summary_sentence(counts)
    for name, n in (("Red", red), ("Amber", amber), ("Green", green)):
        assert (name in sentence) == (n > 0)
