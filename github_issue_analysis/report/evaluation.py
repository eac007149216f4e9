"""Evaluation figures for the report, when the group has been evaluated."""

from __future__ import annotations

from typing import Any

from github_issue_analysis.storage.store import Store

from .charts import heights
from .model import Histogram


def evaluation_for(store: Store, group_ids: list[str]) -> dict[str, Any] | None:
    """The newest evaluation of the first group (newest first) that has one, or None."""
    from github_issue_analysis.evaluation import latest_evaluation

    for group_id in group_ids:
        if (found := latest_evaluation(store, group_id)) is not None:
            return found
    return None


def calibration_chart(evaluation: dict[str, Any]) -> Histogram | None:
    """Observed precision (percent) per confidence bin."""
    bins = evaluation.get("calibration") or []
    if not bins:
        return None
    pairs = [(f"{b['low']:.1f}-{b['high']:.1f}", round(100 * (b.get("precision") or 0))) for b in bins]
    return heights(pairs, scale_to=100)
