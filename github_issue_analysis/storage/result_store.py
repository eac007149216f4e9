"""Reading results: the current analysis per issue and processor (older ones stay as history)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from .schema import issues, results
from .timeutil import utcnow


@dataclass(frozen=True)
class CurrentResult:
    org: str
    repo: str
    issue_number: int
    processor: str
    model: str
    group_id: str | None
    job_id: str | None
    analysis: dict[str, Any]

    @property
    def mode(self) -> str:
        """`batch` for results collected from a batch job, `live` for those of `gh-analysis process`."""
        return "batch" if self.job_id else "live"


class ResultStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def current(
        self, org: str | None = None, repo: str | None = None, group_id: str | None = None
    ) -> Iterator[CurrentResult]:
        query = (
            select(
                issues.c.org,
                issues.c.repo,
                issues.c.number,
                results.c.processor,
                results.c.model,
                results.c.group_id,
                results.c.job_id,
                results.c.analysis,
            )
            .join(issues, issues.c.id == results.c.issue_id)
            .where(results.c.is_current.is_(True))
            .order_by(issues.c.org, issues.c.repo, issues.c.number, results.c.processor)
        )
        if org is not None:
            query = query.where(issues.c.org == org)
        if repo is not None:
            query = query.where(issues.c.repo == repo)
        if group_id is not None:
            query = query.where(results.c.group_id == group_id)
        with self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=1000).execute(query):
                yield CurrentResult(
                    row.org, row.repo, row.number, row.processor, row.model, row.group_id, row.job_id, row.analysis
                )

    def record_live(
        self, issue_id: int, processor: str, model: str, analysis: dict[str, Any], confidence: float | None
    ) -> None:
        """One live answer becomes the issue's current result (no group or job), in one transaction."""
        with self.engine.begin() as conn:
            conn.execute(
                update(results)
                .where(results.c.issue_id == issue_id, results.c.processor == processor, results.c.is_current.is_(True))
                .values(is_current=False)
            )
            conn.execute(
                insert(results).values(
                    issue_id=issue_id,
                    processor=processor,
                    model=model,
                    analysis=analysis,
                    confidence=confidence,
                    is_current=True,
                    created_at=utcnow(),
                )
            )

    def history_count(self, issue_id: int, processor: str) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).where(results.c.issue_id == issue_id, results.c.processor == processor)
                ).scalar_one()
            )
