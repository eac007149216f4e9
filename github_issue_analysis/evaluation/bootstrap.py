"""95% intervals by the bootstrap over issues: resample the scored issues with replacement, recompute the
figure from per-issue counts, take the 2.5th and 97.5th percentiles. Seeded, so the same data give the same
interval. Two groups scored on the same issues share the resamples (a paired bootstrap)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

RESAMPLES = 1000
SEED = 0
CHUNK_CELLS = 2_000_000  # indices drawn at once: 1,000 resamples of 20,000 issues stay within ~50 MB


@dataclass(frozen=True)
class Resamples:
    """`count` resamples of `issues` indices drawn with replacement, generated in chunks; every pass over
    them draws the same indices (so figures computed in separate passes are paired)."""

    issues: int
    count: int = RESAMPLES
    seed: int = SEED

    def chunks(self) -> Iterator[Any]:
        import numpy as np

        rng = np.random.default_rng(self.seed)
        rows = max(1, CHUNK_CELLS // max(1, self.issues))
        for start in range(0, self.count, rows):
            yield rng.integers(0, self.issues, size=(min(rows, self.count - start), self.issues))

    def each(self, statistic: Callable[[Any], Any]) -> Any:
        """The statistic of every resample: `statistic` maps a (rows x issues) index array to rows values."""
        import numpy as np

        return np.concatenate([np.asarray(statistic(index), dtype=float) for index in self.chunks()])


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
