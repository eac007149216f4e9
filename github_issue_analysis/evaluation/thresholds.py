"""The lowest confidence threshold whose precision reaches a target, the coverage it leaves, their intervals;
and `threshold_for`, which labels commands use to turn a target precision into a minimum confidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import bootstrap
from .calibration import recommendations
from .errors import NotBlind, ThresholdUnreachable
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


def threshold_for(store: Store, group_ref: str, target_precision: float) -> float:
    """The minimum confidence that gives `target_precision` according to a blind group's evaluation: the
    stored one for that target while the group's results are still those it scored, else a new evaluation
    (stored too). Raises ThresholdUnreachable, NotBlind (a leaked run's threshold would be too optimistic),
    UnknownGroup and NothingToScore."""
    from .service import EvalOptions, evaluate, resolve_group

    group = resolve_group(store, group_ref)
    if not group.options.get("blind"):
        raise NotBlind(group.group_id)
    stored = store.evaluations.latest(group.group_id, target_precision)
    if stored is None or stored.get("results_seen") != store.evaluations.results_seen(group.group_id):
        report = evaluate(store, [group.group_id], EvalOptions(target_precision=target_precision))
        stored = report["evaluations"][0]
    threshold = stored.get("threshold")
    if threshold is None:
        raise ThresholdUnreachable(group.group_id, target_precision)
    return float(threshold)
