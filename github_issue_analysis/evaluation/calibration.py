"""Calibration: do the model's confidences mean what they say? Every recommendation falls in a confidence bin;
a bin's observed precision is the share of its recommendations that people's labels confirm.

Expected calibration error (ECE) = sum over bins of (bin's share of recommendations) x |observed precision -
mean confidence|. Computed with NumPy: scikit-learn has no ECE, and its `calibration_curve` drops empty bins
and the counts that weigh them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .outcomes import IssueOutcome

BINS = 10


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    count: int
    precision: float | None  # None for an empty bin
    mean_confidence: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "low": self.low,
            "high": self.high,
            "count": self.count,
            "precision": self.precision,
            "mean_confidence": self.mean_confidence,
        }


@dataclass(frozen=True)
class Calibration:
    bins: list[CalibrationBin]
    ece: float | None  # None when there is no recommendation at all


def recommendations(outcomes: Sequence[IssueOutcome]) -> tuple[list[float], list[bool]]:
    """Every recommendation's confidence and whether people's labels confirm it."""
    confidences, correct = [], []
    for o in outcomes:
        for label, confidence in o.recommended:
            confidences.append(confidence)
            correct.append(label in o.truth)
    return confidences, correct


def calibrate(outcomes: Sequence[IssueOutcome], bins: int = BINS) -> Calibration:
    """Equal-width bins [low, high) over 0..1 (the last one includes 1.0)."""
    import numpy as np

    confidences, correct = recommendations(outcomes)
    edges = [round(i / bins, 10) for i in range(bins + 1)]
    conf = np.clip(np.array(confidences, dtype=float), 0.0, 1.0)
    hit = np.array(correct, dtype=float)
    index = np.minimum((conf * bins + 1e-9).astype(int), bins - 1)
    result, ece = [], 0.0
    for i in range(bins):
        members = index == i
        count = int(members.sum())
        if not count:
            result.append(CalibrationBin(edges[i], edges[i + 1], 0, None, None))
            continue
        observed, mean_conf = float(hit[members].mean()), float(conf[members].mean())
        result.append(CalibrationBin(edges[i], edges[i + 1], count, observed, mean_conf))
        ece += count / len(conf) * abs(observed - mean_conf)
    return Calibration(result, ece if len(conf) else None)
