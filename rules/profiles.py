"""An annual target spread over the year by a profile (#22 part 1): the share of the year each
month (April first) carries, and from it each quarter's target and each year-to-date target.

* ``even``: a twelfth a month.
* ``seasonal``: each month's share of the year in the last three complete years held (their
  months added, then divided by the three years' total), so a busy month weighs its true part.
* ``custom``: twelve shares typed by the analyst, which must sum to 1.

A count's target is spread; a percentage or rate is a ratio, and its annual target is the
target for every quarter and year to date (spreading 30% over four quarters makes no sense).
A quarter target typed by hand wins for its quarter (``quarter_targets``).

Pure code: callers supply the months' figures for ``seasonal``.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence

MONTHS = 12
SEASONAL_YEARS = 3
# Shares typed to two or three decimals rarely add to exactly 1.
SUM_SLACK = 0.001


class Profile(enum.StrEnum):
    EVEN = "even"
    SEASONAL = "seasonal"
    CUSTOM = "custom"


class ProfileError(ValueError):
    """A profile that cannot spread a target, with the reason in words."""


def even_shares() -> list[float]:
    return [1.0 / MONTHS] * MONTHS


def custom_shares(shares: Sequence[float]) -> list[float]:
    """Twelve shares, April to March, each from 0 to 1, summing to 1 (within 0.001)."""
    if len(shares) != MONTHS:
        raise ProfileError(f"a custom profile needs 12 monthly shares (April to March), not {len(shares)}")
    for i, s in enumerate(shares):
        if not math.isfinite(s) or s < 0 or s > 1:
            raise ProfileError(f"month {i + 1}'s share {s!r} is not a number from 0 to 1")
    total = math.fsum(shares)
    if abs(total - 1.0) > SUM_SLACK:
        raise ProfileError(f"the 12 shares sum to {total:.4g}, not 1")
    return [s / total for s in shares]  # exactly 1, so quarters add to the annual target


def seasonal_shares(years: Sequence[Sequence[float]]) -> list[float]:
    """Each month's share of the year over the last three complete years held: ``years`` is
    each complete year's twelve monthly figures (April to March), newest first."""
    used = [y for y in years if len(y) == MONTHS][:SEASONAL_YEARS]
    if len(used) < SEASONAL_YEARS:
        raise ProfileError(
            f"a seasonal profile needs {SEASONAL_YEARS} complete years of monthly figures; "
            f"{len(used)} {'is' if len(used) == 1 else 'are'} held"
        )
    months = [math.fsum(y[m] for y in used) for m in range(MONTHS)]
    total = math.fsum(months)
    if total <= 0:
        raise ProfileError("the three complete years hold no figures to take shares from")
    return [m / total for m in months]


def shares_for(
    profile: Profile | str, custom: Sequence[float] | None = None, years: Sequence[Sequence[float]] | None = None
) -> list[float]:
    profile = Profile(profile)
    if profile is Profile.EVEN:
        return even_shares()
    if profile is Profile.CUSTOM:
        return custom_shares(custom or [])
    return seasonal_shares(years or [])


def quarter_shares(shares: Sequence[float]) -> list[float]:
    """Q1 to Q4's shares of the year."""
    return [math.fsum(shares[3 * q : 3 * q + 3]) for q in range(4)]


def quarter_targets(
    annual: float, shares: Sequence[float], unit: str, basis: str, hand_typed: Mapping[int, float] | None = None
) -> dict[int, float]:
    """The target each quarter (1–4) is compared with: for a count, the annual target times the
    quarter's share (``basis`` ``quarter``) or the year to date's share (``ytd``); for a
    percentage or rate, the annual target itself. ``hand_typed`` quarters win."""
    if unit != "count":
        derived = {q: annual for q in (1, 2, 3, 4)}
    else:
        each = quarter_shares(shares)
        running = [math.fsum(each[:q]) for q in (1, 2, 3, 4)]
        derived = {q: annual * (running[q - 1] if basis == "ytd" else each[q - 1]) for q in (1, 2, 3, 4)}
    return {**derived, **dict(hand_typed or {})}


def month_targets(annual: float, shares: Sequence[float], unit: str) -> list[float]:
    """Each month's target (SPC assurance by month): a count's share, a ratio's annual target."""
    return [annual * s if unit == "count" else annual for s in shares]


def point_target(span_target: float, shares: Sequence[float], span: Sequence[int], point: Sequence[int]) -> float:
    """The part of a count's target for a span of months (indices 0–11, April first: a quarter,
    or the year to date) that the months of one chart ``point`` (a month, or a quarter) carry by
    the profile: the span's target times the point's shares over the span's. A span the profile
    gives nothing is spread evenly."""
    whole = math.fsum(shares[m] for m in span)
    if whole <= 0:
        return span_target * len(point) / len(span)
    return span_target * math.fsum(shares[m] for m in point) / whole


__all__ = [
    "point_target",
    "Profile", "ProfileError", "custom_shares", "even_shares", "month_targets", "quarter_shares",
    "quarter_targets", "seasonal_shares", "shares_for",
]  # fmt: skip
