"""Is a change in direction of travel more than chance? Two-sample tests for the arrows.

* Counts (crimes, incidents): two Poisson counts over equal periods, compared with scipy's
  ``poisson_means_test`` (the E-test of Krishnamoorthy and Thomson, 2004), more powerful
  than the exact conditional test; the 95% interval of the rate ratio is the exact
  conditional (Clopper-Pearson) one, from the binomial split of the two counts. Above
  ``E_TEST_MAX_TOTAL`` the E-test's sums grow slow (seconds for borough-year totals) while
  the two tests agree to within a few percent, so the exact conditional test is used.
* Rates with a numerator and denominator (e.g. repeat MARAC cases of cases discussed): the
  two-proportion z-test with a pooled standard error; the 95% interval of the ratio of the
  proportions by the log method (Katz et al., 1978).

Pure code: no Dash, no database. Crime counts are over-dispersed (they vary more than a
Poisson process would), so these tests flag more changes as real than truly are; that is
why SPC limits, built from the series' own variation, are shown beside them.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

ALPHA = 0.05  # "a real change" at the 95% level
E_TEST_MAX_TOTAL = 10_000  # the two counts' sum; 0.04 s for the E-test there, 2 s at 250,000


@dataclass(frozen=True)
class ChangeTest:
    """The outcome of comparing this period's figure with an earlier one."""

    test: str  # "poisson" | "two_proportions"
    p_value: float
    ratio: float | None  # current / previous (None when the previous is zero)
    ci_low: float | None
    ci_high: float | None  # inf when the previous count is zero
    method: str = ""  # "E-test", "exact conditional", "pooled z"

    @property
    def significant(self) -> bool:
        return self.p_value < ALPHA

    @property
    def words(self) -> str:
        return "a real change" if self.significant else "within normal variation"

    def describe(self) -> str:
        """Figures for a tooltip: "p = 0.003; ratio 1.26 (95% CI 1.21 to 1.32)"."""
        text = f"p {format_p(self.p_value)}"
        if self.ratio is not None and self.ci_low is not None and self.ci_high is not None:
            high = "∞" if math.isinf(self.ci_high) else f"{self.ci_high:.2f}"
            text += f"; ratio {self.ratio:.2f} (95% CI {self.ci_low:.2f} to {high})"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "test": self.test,
            "p_value": self.p_value,
            "ratio": self.ratio,
            "ci_low": self.ci_low,
            "ci_high": None if self.ci_high is not None and math.isinf(self.ci_high) else self.ci_high,
            "significant": self.significant,
            "method": self.method,
        }


def format_p(p: float) -> str:
    """ "= 0.041", "< 0.001"."""
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def _whole(value: float | None) -> int | None:
    if value is None or not math.isfinite(value) or value < 0 or abs(value - round(value)) > 1e-9:
        return None
    return int(round(value))


def compare_counts(current: float | None, previous: float | None, exposure_ratio: float = 1.0) -> ChangeTest | None:
    """Test two Poisson counts; None when no test applies (a value missing, not a whole
    non-negative number, or both zero). ``exposure_ratio`` is the current period's length
    (or population) over the previous one's; 1 for quarter on quarter or year to date on year to date."""
    k1, k0 = _whole(current), _whole(previous)
    if k1 is None or k0 is None or k1 + k0 == 0 or exposure_ratio <= 0:
        return None
    return _poisson_change(k1, k0, float(exposure_ratio))


# The E-test sums over a grid of possible count pairs (tens of milliseconds for borough-quarter
# counts), and the same pairs come back on every page, download and publication that shows the
# quarter; a test of the same counts always gives the same (immutable) answer, so keep it.
@functools.lru_cache(maxsize=8192)
def _poisson_change(k1: int, k0: int, exposure_ratio: float) -> ChangeTest:
    from scipy import stats  # here, not at the top: see _norm

    # Given the total, the current count is binomial with p = r·e / (r·e + 1) for rate ratio r.
    split = stats.binomtest(k1, k1 + k0, exposure_ratio / (exposure_ratio + 1.0))
    if k1 + k0 <= E_TEST_MAX_TOTAL:
        result = stats.poisson_means_test(k1, exposure_ratio, k0, 1.0, alternative="two-sided")
        p_value, method = float(min(1.0, max(0.0, result.pvalue))), "E-test"
    else:
        p_value, method = float(split.pvalue), "exact conditional"
    interval = split.proportion_ci(confidence_level=0.95, method="exact")
    ci_low = _odds(interval.low) / exposure_ratio
    ci_high = _odds(interval.high) / exposure_ratio
    ratio = (k1 / exposure_ratio) / k0 if k0 else None
    return ChangeTest("poisson", p_value, ratio, ci_low, ci_high, method)


def _norm() -> Any:
    """scipy's normal distribution. scipy.stats is imported when a test is first worked out,
    not with this module: importing it takes over a second (it parses its own docstrings), and
    every ``cspdash`` command and server worker imports this module, most never testing a change."""
    from scipy import stats

    return stats.norm


def _odds(p: float) -> float:
    return math.inf if p >= 1.0 else p / (1.0 - p)


def compare_proportions(
    numerator: float | None, denominator: float | None, previous_numerator: float | None, previous_denominator: float | None
) -> ChangeTest | None:
    """Two-proportion z-test of numerator/denominator now against before; None when no test
    applies (a part missing, a denominator of zero, a numerator above its denominator, or
    both proportions 0 or both 1, where the test has no variance)."""
    parts = [numerator, denominator, previous_numerator, previous_denominator]
    if any(v is None or not math.isfinite(v) or v < 0 for v in parts):
        return None
    x1, n1, x0, n0 = (float(v) for v in parts)  # type: ignore[arg-type]
    if n1 <= 0 or n0 <= 0 or x1 > n1 or x0 > n0:
        return None
    p1, p0 = x1 / n1, x0 / n0
    pooled = (x1 + x0) / (n1 + n0)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    if se == 0:
        return None
    z = (p1 - p0) / se
    norm = _norm()
    p_value = float(2 * norm.sf(abs(z)))
    if x1 == 0 or x0 == 0:
        ratio = None if x0 == 0 else 0.0
        return ChangeTest("two_proportions", p_value, ratio, None, None, "pooled z")
    ratio = p1 / p0
    # Katz log interval for a ratio of two proportions.
    se_log = math.sqrt(1 / x1 - 1 / n1 + 1 / x0 - 1 / n0)
    zc = norm.ppf(0.975)
    return ChangeTest(
        "two_proportions", p_value, ratio, ratio * math.exp(-zc * se_log), ratio * math.exp(zc * se_log), "pooled z"
    )


def significance_cell(test: ChangeTest | None) -> str:
    """``yes``/``no`` at 95%, blank where no test applies (the CSV and table cell)."""
    if test is None:
        return ""
    return "yes" if test.significant else "no"


__all__ = ["ALPHA", "E_TEST_MAX_TOTAL", "ChangeTest", "compare_counts", "compare_proportions", "format_p", "significance_cell"]
