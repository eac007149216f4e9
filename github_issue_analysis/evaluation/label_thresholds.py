"""Per label: its own confidence threshold for a target precision, and Wilson intervals of its precision and
recall. A label's threshold is the lowest confidence at which the Wilson 95% lower bound of its precision (over
the predictions of that label at or above the threshold) reaches the target with at least `min_support` such
predictions; a label without one is not trusted to be applied on its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .outcomes import IssueOutcome
from .wilson import Interval, wilson

DEFAULT_TARGET_PRECISION = 0.9
DEFAULT_MIN_SUPPORT = 10


@dataclass(frozen=True)
class LabelThreshold:
    label: str
    threshold: float | None  # None: no confidence reaches the target with enough support
    precision_low: float  # at the threshold (or, without one, over every prediction of the label)
    support: int  # predictions of the label at or above the threshold (or every prediction)
    precision_interval: Interval
    recall_interval: Interval

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "threshold": self.threshold,
            "precision_low": round(self.precision_low, 6),
            "threshold_support": self.support,
            "precision_interval": self.precision_interval.as_dict(),
            "recall_interval": self.recall_interval.as_dict(),
        }


def predictions(outcomes: Sequence[IssueOutcome], label: str) -> list[tuple[float, bool]]:
    """(confidence, correct) of every prediction of `label`, highest confidence first."""
    found = [(conf, label in o.truth) for o in outcomes for name, conf in o.recommended if name == label]
    return sorted(found, key=lambda item: -item[0])


def label_threshold(
    outcomes: Sequence[IssueOutcome],
    label: str,
    target: float = DEFAULT_TARGET_PRECISION,
    min_support: int = DEFAULT_MIN_SUPPORT,
    min_confidence: float = 0.0,
) -> LabelThreshold:
    """The label's lowest passing threshold; its intervals at `min_confidence` (as `eval` scores it)."""
    ranked = predictions(outcomes, label)
    truth = sum(label in o.truth for o in outcomes)
    scored = [(c, ok) for c, ok in ranked if c >= min_confidence]
    hits = sum(ok for _, ok in scored)
    precision, recall = wilson(hits, len(scored)), wilson(hits, truth)
    best: tuple[float, float, int] | None = None
    correct = 0
    for i, (confidence, ok) in enumerate(ranked):
        correct += ok
        if i + 1 < len(ranked) and ranked[i + 1][0] == confidence:
            continue  # a threshold keeps every prediction of the same confidence
        low = wilson(correct, i + 1).low
        if i + 1 >= min_support and low >= target:
            best = (confidence, low, i + 1)
    if best is None:
        overall = wilson(sum(ok for _, ok in ranked), len(ranked)).low if ranked else 0.0
        return LabelThreshold(label, None, overall, len(ranked), precision, recall)
    return LabelThreshold(label, best[0], best[1], best[2], precision, recall)


def label_thresholds(
    outcomes: Sequence[IssueOutcome],
    labels: Sequence[str],
    target: float = DEFAULT_TARGET_PRECISION,
    min_support: int = DEFAULT_MIN_SUPPORT,
    min_confidence: float = 0.0,
) -> dict[str, LabelThreshold]:
    return {label: label_threshold(outcomes, label, target, min_support, min_confidence) for label in labels}
