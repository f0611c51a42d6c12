"""Direction of travel: is an indicator getting better or worse, judged by its polarity."""

from __future__ import annotations

from rules.rating import Polarity, Target, _LenientEnum, _missing, is_better


class Direction(_LenientEnum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"
    NA = "n/a"
    # Neutral movement, for context indicators (demand), where a rise is neither better nor worse.
    UP = "up"
    DOWN = "down"


def direction(
    current: float | None,
    previous: float | None,
    polarity: Polarity | str,
    target: Target | None = None,
) -> Direction:
    """Compare `current` with `previous` for an indicator of `polarity`.

    A fall is "better" when lower is better, so the arrow shows performance, not the
    raw number. Band indicators need `target` with low/high bounds; without them, or
    when either value is missing, the direction is n/a.
    """
    polarity = Polarity(polarity)
    if _missing(current) or _missing(previous):
        return Direction.NA
    if polarity is Polarity.BAND and (target is None or target.low is None or target.high is None):
        return Direction.NA
    assert current is not None and previous is not None
    better = is_better(current, previous, polarity, target)
    if better is None:
        return Direction.SAME
    return Direction.BETTER if better else Direction.WORSE


def movement(current: float | None, previous: float | None) -> Direction:
    """The neutral direction of a context (not rated) indicator: up, down or the same, never
    better or worse, since more domestic abuse reports or referrals is not a failure."""
    if _missing(current) or _missing(previous):
        return Direction.NA
    assert current is not None and previous is not None
    if current == previous:
        return Direction.SAME
    return Direction.UP if current > previous else Direction.DOWN


__all__ = ["Direction", "direction", "movement"]
