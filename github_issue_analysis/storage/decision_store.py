"""Review decisions on current results, and the rows the review queue and the label plan read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from .schema import batch_groups, issues, results, review_decisions
from .timeutil import as_utc, utcnow

PENDING = "pending"
DECISIONS = ("accepted", "rejected", "edited")


@dataclass(frozen=True)
class Decision:
    decision: str
    labels: list[str] | None
    decided_by: str
    decided_at: datetime
    note: str | None


@dataclass(frozen=True)
class ReviewRow:
    """A current result with the issue it is about, its group's options and its decision (if any)."""

    result_id: int
    org: str
    repo: str
    number: int
    title: str
    url: str | None
    state: str
    issue_labels: list[str]
    issue_updated_at: datetime
    result_created_at: datetime
    processor: str
    model: str
    group_id: str | None
    group_options: dict[str, Any]
    analysis: dict[str, Any]
    confidence: float | None
    decision: Decision | None

    @property
    def status(self) -> str:
        return self.decision.decision if self.decision else PENDING

    @property
    def ref(self) -> str:
        return f"{self.org}/{self.repo}#{self.number}"


@dataclass(frozen=True)
class RowFilter:
    org: str | None = None
    repo: str | None = None
    refs: tuple[tuple[str, str, int], ...] = ()


_COLUMNS = (
    results.c.id.label("result_id"),
    issues.c.org,
    issues.c.repo,
    issues.c.number,
    issues.c.title,
    issues.c.url,
    issues.c.state,
    issues.c.labels,
    issues.c.updated_at,
    results.c.created_at,
    results.c.processor,
    results.c.model,
    results.c.group_id,
    batch_groups.c.options,
    results.c.analysis,
    results.c.confidence,
    review_decisions.c.decision,
    review_decisions.c.labels.label("decision_labels"),
    review_decisions.c.decided_by,
    review_decisions.c.decided_at,
    review_decisions.c.note,
)


class DecisionStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def rows(self, row_filter: RowFilter) -> list[ReviewRow]:
        """Current results (one per issue and processor) in a stable order, with their decisions."""
        query = (
            select(*_COLUMNS)
            .select_from(
                results.join(issues, issues.c.id == results.c.issue_id)
                .outerjoin(batch_groups, batch_groups.c.id == results.c.group_id)
                .outerjoin(review_decisions, review_decisions.c.result_id == results.c.id)
            )
            .where(results.c.is_current.is_(True))
            .order_by(issues.c.org, issues.c.repo, issues.c.number, results.c.processor)
        )
        if row_filter.org is not None:
            query = query.where(issues.c.org == row_filter.org)
        if row_filter.repo is not None:
            query = query.where(issues.c.repo == row_filter.repo)
        with self.engine.connect() as conn:
            found = [_row(r) for r in conn.execute(query)]
        if row_filter.refs:
            wanted = {(o.lower(), r.lower(), n) for o, r, n in row_filter.refs}
            found = [row for row in found if (row.org.lower(), row.repo.lower(), row.number) in wanted]
        return found

    def decide(
        self,
        result_ids: Sequence[int],
        decision: str,
        decided_by: str,
        note: str | None = None,
        labels: list[str] | None = None,
    ) -> int:
        """Record one decision for each result (replacing an earlier one), in one transaction."""
        if decision not in DECISIONS:
            raise ValueError(f"unknown decision {decision}")
        now = utcnow()
        values = [
            {
                "result_id": rid,
                "decision": decision,
                "labels": labels,
                "decided_by": decided_by,
                "decided_at": now,
                "note": note,
            }
            for rid in dict.fromkeys(result_ids)
        ]
        if not values:
            return 0
        with self.engine.begin() as conn:
            ids = [v["result_id"] for v in values]
            conn.execute(delete(review_decisions).where(review_decisions.c.result_id.in_(ids)))
            conn.execute(insert(review_decisions), values)
        return len(values)

    def clear(self, result_ids: Sequence[int]) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(review_decisions).where(review_decisions.c.result_id.in_(list(result_ids))))


def _row(r: Any) -> ReviewRow:
    decision = None
    if r.decision is not None:
        decision = Decision(r.decision, r.decision_labels, r.decided_by, as_utc(r.decided_at) or utcnow(), r.note)
    return ReviewRow(
        result_id=r.result_id,
        org=r.org,
        repo=r.repo,
        number=r.number,
        title=r.title,
        url=r.url,
        state=r.state,
        issue_labels=[lb["name"] if isinstance(lb, dict) else str(lb) for lb in r.labels or []],
        issue_updated_at=as_utc(r.updated_at) or utcnow(),
        result_created_at=as_utc(r.created_at) or utcnow(),
        processor=r.processor,
        model=r.model,
        group_id=r.group_id,
        group_options=dict(r.options or {}),
        analysis=dict(r.analysis or {}),
        confidence=r.confidence,
        decision=decision,
    )
