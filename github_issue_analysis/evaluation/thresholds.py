"""The lowest confidence threshold whose precision reaches a target, the coverage it leaves, their intervals;
and `threshold_for`, which labels commands use to turn a target precision into a minimum confidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import bootstrap
from .calibration import recommendations
from .outcomes import IssueOutcome

if TYPE_CHECKING:
    from github_issue_analysis.storage.store import Store


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


def search(outcomes: Sequence[IssueOutcome], target: float, index: Any) -> ThresholdSearch:
    """`index`: bootstrap resamples of the outcomes (bootstrap.resamples) for the intervals."""
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
        bootstrap.interval(bootstrap.ratio(right[index].sum(axis=1), kept[index].sum(axis=1))),
        bootstrap.interval(covered[index].mean(axis=1)),
    )


class ThresholdUnreachable(Exception):
    def __init__(self, group_id: str, target: float) -> None:
        super().__init__(f"no confidence threshold reaches a precision of {target:g} on {group_id}'s evaluation")
        self.group_id = group_id
        self.target = target


def threshold_for(store: Store, group_id: str, target_precision: float) -> float:
    """The minimum confidence that gives `target_precision` according to the group's evaluation: the stored
    one for that target when there is one, else a new evaluation (stored too). Raises ThresholdUnreachable,
    and the evaluation service's errors (unknown group, group not blind, nothing to score)."""
    stored = store.evaluations.latest(group_id, target_precision)
    if stored is None:
        from .service import EvalOptions, evaluate

        report = evaluate(store, [group_id], EvalOptions(target_precision=target_precision))
        stored = report["evaluations"][0]
    threshold = stored.get("threshold")
    if threshold is None:
        raise ThresholdUnreachable(stored.get("group_id", group_id), target_precision)
    return float(threshold)
