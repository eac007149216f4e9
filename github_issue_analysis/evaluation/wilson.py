"""The Wilson score interval of a proportion (95% by default): precision and recall per label, the kept rate.

Hand-written rather than imported: it is a closed form of a few lines, statsmodels is not a dependency, and
scipy's `binomtest(...).proportion_ci(method="wilson")` builds a hypothesis test per call and refuses n = 0,
which the per-label threshold search asks for hundreds of times (the tests check this against scipy)."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054  # the two-sided 95% normal quantile


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def as_dict(self) -> dict[str, float]:
        return {"low": round(self.low, 6), "high": round(self.high, 6)}


def wilson(successes: int, trials: int, z: float = Z_95) -> Interval:
    """The interval for `successes` out of `trials`; (0, 1) when nothing was tried."""
    if trials <= 0:
        return Interval(0.0, 1.0)
    if not 0 <= successes <= trials:
        raise ValueError(f"successes ({successes}) must be between 0 and trials ({trials})")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    return Interval(max(0.0, centre - half), min(1.0, centre + half))
