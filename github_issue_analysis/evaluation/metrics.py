"""Multi-label scores at one confidence threshold, computed with scikit-learn's metrics.

Precision of a label nobody predicted is 0 (scikit-learn's `zero_division=0`), so a label the model never
uses pulls the macro average down instead of vanishing from it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .outcomes import IssueOutcome

CONFUSIONS_SHOWN = 5


@dataclass(frozen=True)
class Averages:
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True)
class LabelScore:
    label: str
    support: int
    predicted: int
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "support": self.support,
            "predicted": self.predicted,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass(frozen=True)
class Scores:
    threshold: float
    issues: int
    micro: Averages
    macro: Averages
    per_label: list[LabelScore]
    exact_match: float
    coverage: float
    correct_labels: int
    confusions: list[tuple[str, str, int]] = field(default_factory=list)


def score(outcomes: Sequence[IssueOutcome], threshold: float) -> Scores:
    """Scores of the recommendations at or above `threshold` against each issue's true labels."""
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support  # type: ignore[import-untyped]

    y_true, y_pred, labels = binarized(outcomes, threshold)
    per_label = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)
    averages = {
        kind: Averages(
            *(float(v) for v in precision_recall_fscore_support(y_true, y_pred, average=kind, zero_division=0)[:3])
        )
        for kind in ("micro", "macro")
    }
    return Scores(
        threshold=threshold,
        issues=len(outcomes),
        micro=averages["micro"],
        macro=averages["macro"],
        per_label=_label_scores(labels, per_label, y_pred.sum(axis=0)),
        exact_match=float(accuracy_score(y_true, y_pred)),
        coverage=sum(bool(o.predicted(threshold)) for o in outcomes) / len(outcomes),
        correct_labels=int((y_true & y_pred).sum()),
        confusions=confusions(outcomes, threshold),
    )


def binarized(outcomes: Sequence[IssueOutcome], threshold: float) -> tuple[Any, Any, list[str]]:
    """Indicator matrices (issues x labels) of the true and predicted labels, and the labels in column order:
    every label that is true or predicted somewhere."""
    from sklearn.preprocessing import MultiLabelBinarizer  # type: ignore[import-untyped]

    truth = [sorted(o.truth) for o in outcomes]
    predicted = [sorted(o.predicted(threshold)) for o in outcomes]
    labels = sorted({label for row in truth + predicted for label in row})
    binarizer = MultiLabelBinarizer(classes=labels)
    return binarizer.fit_transform(truth), binarizer.transform(predicted), labels


def _label_scores(labels: list[str], per_label: Any, predicted: Any) -> list[LabelScore]:
    precision, recall, f1, support = per_label
    return [
        LabelScore(label, int(support[i]), int(predicted[i]), float(precision[i]), float(recall[i]), float(f1[i]))
        for i, label in enumerate(labels)
    ]


def confusions(outcomes: Sequence[IssueOutcome], threshold: float) -> list[tuple[str, str, int]]:
    """Most frequent (true label missed, wrong label predicted instead) pairs, within the same issue."""
    pairs: Counter[tuple[str, str]] = Counter()
    for o in outcomes:
        predicted = o.predicted(threshold)
        for missed in o.truth - predicted:
            for wrong in predicted - o.truth:
                pairs[(missed, wrong)] += 1
    ranked = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))
    return [(true, predicted, count) for (true, predicted), count in ranked[:CONFUSIONS_SHOWN]]


def issue_counts(outcomes: Sequence[IssueOutcome], threshold: float) -> Any:
    """Per issue: true positives, false positives, false negatives (an issues x 3 integer array), the parts
    micro averages are sums of; bootstrap resamples add them up instead of re-scoring every sample."""
    import numpy as np

    rows = []
    for o in outcomes:
        predicted = o.predicted(threshold)
        rows.append((len(predicted & o.truth), len(predicted - o.truth), len(o.truth - predicted)))
    return np.array(rows, dtype=np.int64).reshape(len(rows), 3)
