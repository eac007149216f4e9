"""What is scored: per issue, the taxonomy labels people gave (the answer) and what the model recommended."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from github_issue_analysis.ai.processors.taxonomy import Taxonomy

__all__ = ["IssueOutcome", "Taxonomy", "outcome", "scorable"]


@dataclass(frozen=True)
class IssueOutcome:
    issue_id: int
    ref: str  # org/repo#number
    truth: frozenset[str]
    recommended: tuple[tuple[str, float], ...]  # (label, confidence), every recommendation the model made

    def predicted(self, threshold: float) -> frozenset[str]:
        return frozenset(label for label, confidence in self.recommended if confidence >= threshold)


def outcome(
    issue_id: int, ref: str, labels: Iterable[str], analysis: dict[str, Any], taxonomy: Taxonomy
) -> IssueOutcome:
    truth = taxonomy.of(list(labels))
    recommended = tuple(
        (str(item["label"]), float(item.get("confidence") or 0.0)) for item in analysis.get("recommended_labels") or []
    )
    return IssueOutcome(issue_id, ref, truth, recommended)


def scorable(outcomes: Sequence[IssueOutcome]) -> list[IssueOutcome]:
    """Only issues people labelled with at least one taxonomy label carry an answer to score against."""
    return [o for o in outcomes if o.truth]
