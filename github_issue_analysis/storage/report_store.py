"""What the report and the review page read: issues with their current result, and failed items."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, bindparam, select

from .schema import batch_jobs, issues, job_items, results, review_decisions


@dataclass(frozen=True)
class AnalysedIssue:
    """One issue with its current result of a processor."""

    org: str
    repo: str
    number: int
    title: str
    url: str | None
    state: str
    labels: list[str]
    model: str
    group_id: str | None
    analysis: dict[str, Any]
    confidence: float | None
    decision: str  # pending | accepted | rejected | edited
    decision_labels: list[str] | None = None


@dataclass(frozen=True)
class ItemFailure:
    org: str
    repo: str
    number: int
    job_id: str
    kind: str | None
    message: str | None


class ReportStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def analysed_issues(
        self, processor: str, org: str | None = None, group_ids: Sequence[str] | None = None
    ) -> Iterator[AnalysedIssue]:
        """Issues that have a current result of `processor`, with its review decision, in (org, repo, number)
        order."""
        query = (
            select(
                issues.c.org,
                issues.c.repo,
                issues.c.number,
                issues.c.title,
                issues.c.url,
                issues.c.state,
                issues.c.labels,
                results.c.model,
                results.c.group_id,
                results.c.analysis,
                results.c.confidence,
                review_decisions.c.decision,
                review_decisions.c.labels.label("decision_labels"),
            )
            .join(issues, issues.c.id == results.c.issue_id)
            .outerjoin(review_decisions, review_decisions.c.result_id == results.c.id)
            .where(results.c.is_current.is_(True), results.c.processor == processor)
            .order_by(issues.c.org, issues.c.repo, issues.c.number)
        )
        if org is not None:
            query = query.where(issues.c.org == org)
        if group_ids is not None:
            query = query.where(results.c.group_id.in_(bindparam("groups", expanding=True)))
        with self.engine.connect() as conn:
            rows = conn.execution_options(yield_per=2000).execute(query, {"groups": list(group_ids or [])})
            for row in rows:
                yield AnalysedIssue(
                    row.org,
                    row.repo,
                    row.number,
                    row.title,
                    row.url,
                    row.state,
                    [label["name"] for label in row.labels],
                    row.model,
                    row.group_id,
                    row.analysis,
                    row.confidence,
                    row.decision or "pending",
                    row.decision_labels,
                )

    def failures(self, group_ids: Sequence[str]) -> list[ItemFailure]:
        """Failed items of the groups' current (not superseded) children, with the provider's reason."""
        if not group_ids:
            return []
        query = (
            select(
                issues.c.org,
                issues.c.repo,
                issues.c.number,
                job_items.c.job_id,
                job_items.c.error_kind,
                job_items.c.error_message,
            )
            .join(batch_jobs, batch_jobs.c.id == job_items.c.job_id)
            .join(issues, issues.c.id == job_items.c.issue_id)
            .where(
                batch_jobs.c.group_id.in_(bindparam("groups", expanding=True)),
                batch_jobs.c.superseded.is_(False),
                job_items.c.state == "failed",
            )
            .order_by(issues.c.org, issues.c.repo, issues.c.number)
        )
        with self.engine.connect() as conn:
            return [ItemFailure(*row) for row in conn.execute(query, {"groups": list(group_ids)})]
