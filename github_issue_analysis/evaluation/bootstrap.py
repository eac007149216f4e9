"""95% intervals by the bootstrap over issues: resample the scored issues with replacement, recompute the
figure from per-issue counts, take the 2.5th and 97.5th percentiles. Seeded, so the same data give the same
interval. Two groups scored on the same issues share the resamples (a paired bootstrap)."""

from __future__ import annotations

from typing import Any

RESAMPLES = 1000
SEED = 0


def resamples(issues: int, count: int = RESAMPLES, seed: int = SEED) -> Any:
    """A (count x issues) array of issue indices drawn with replacement."""
    import numpy as np

    return np.random.default_rng(seed).integers(0, issues, size=(count, issues))


def interval(values: Any) -> tuple[float, float]:
    import numpy as np

    low, high = np.percentile(np.asarray(values, dtype=float), [2.5, 97.5])
    return float(low), float(high)


def ratio(numerator: Any, denominator: Any) -> Any:
    """numerator / denominator, 0 where the denominator is 0 (scikit-learn's zero_division=0)."""
    import numpy as np

    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def micro_precision(counts: Any, index: Any) -> Any:
    """Micro precision of each resample; counts is issues x (tp, fp, fn)."""
    sums = counts[index].sum(axis=1)
    return ratio(sums[:, 0], sums[:, 0] + sums[:, 1])


def micro_f1(counts: Any, index: Any) -> Any:
    sums = counts[index].sum(axis=1)
    return ratio(2 * sums[:, 0], 2 * sums[:, 0] + sums[:, 1] + sums[:, 2])
