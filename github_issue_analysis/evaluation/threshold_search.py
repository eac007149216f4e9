"""The lowest confidence threshold whose precision reaches a target, the coverage it leaves, their intervals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import bootstrap
from .calibration import recommendations
from .outcomes import IssueOutcome


@dataclass(frozen=True)
class ThresholdSearch:
    target_precision: float
    threshold: float | None  # None: no threshold reaches the target
    precision: float | None = None
    coverage: float | None = None
    recommendations_kept: int = 0
    precision_interval: tuple[float, float] | None = None
    coverage_interval: tuple[float, float] | None = None

    @property
    def reached(self) -> bool:
        return self.threshold is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "target_precision": self.target_precision,
            "reached": self.reached,
            "threshold": self.threshold,
            "precision": self.precision,
            "coverage": self.coverage,
            "recommendations_kept": self.recommendations_kept,
            "precision_interval": _pair(self.precision_interval),
            "coverage_interval": _pair(self.coverage_interval),
        }


def _pair(value: tuple[float, float] | None) -> list[float] | None:
    return list(value) if value is not None else None


def lowest_threshold(
    confidences: Sequence[float], correct: Sequence[bool], target: float
) -> tuple[float, float] | None:
    """(threshold, precision) for the lowest confidence at which keeping every recommendation at or above it
    gives a precision of at least `target`; None when none does. Precision per threshold comes from
    scikit-learn's precision_recall_curve."""
    if not any(correct):
        return None
    from sklearn.metrics import precision_recall_curve  # type: ignore[import-untyped]

    precision, _recall, thresholds = precision_recall_curve(list(correct), list(confidences))
    for value, threshold in zip(precision, thresholds, strict=False):  # thresholds ascending
        if value >= target - 1e-12:
            return float(threshold), float(value)
    return None


def search(outcomes: Sequence[IssueOutcome], target: float, resamples: bootstrap.Resamples) -> ThresholdSearch:
    """`resamples` of the outcomes give the intervals."""
    import numpy as np

    found = lowest_threshold(*recommendations(outcomes), target)
    if found is None:
        return ThresholdSearch(target, None)
    threshold, precision = found
    kept = np.array([sum(c >= threshold for _, c in o.recommended) for o in outcomes])
    right = np.array([sum(c >= threshold and label in o.truth for label, c in o.recommended) for o in outcomes])
    covered = (kept > 0).astype(float)
    return ThresholdSearch(
        target,
        threshold,
        precision,
        float(covered.mean()),
        int(kept.sum()),
        bootstrap.interval(resamples.each(lambda i: bootstrap.ratio(right[i].sum(axis=1), kept[i].sum(axis=1)))),
        bootstrap.interval(resamples.each(lambda i: covered[i].mean(axis=1))),
    )
