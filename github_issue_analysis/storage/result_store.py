"""Reading results: the current analysis per issue and processor (older ones stay as history)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, bindparam, func, insert, select, update

from github_issue_analysis.domain.usage import TokenUsage

from .current_results import current_results
from .schema import issues, results
from .timeutil import utcnow

_CHUNK = 500


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


@dataclass(frozen=True)
class StoredAnswer:
    """One stored result with what was recorded of its answer (usage and raw text: None before they were)."""

    issue_id: int
    processor: str
    model: str
    group_id: str | None
    job_id: str | None
    analysis: dict[str, Any]
    confidence: float | None
    usage: TokenUsage | None
    raw_answer: str | None
    is_current: bool


class ResultStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def current(
        self, org: str | None = None, repo: str | None = None, group_id: str | None = None
    ) -> Iterator[CurrentResult]:
        query = current_results(
            issues.c.org,
            issues.c.repo,
            issues.c.number,
            results.c.processor,
            results.c.model,
            results.c.group_id,
            results.c.job_id,
            results.c.analysis,
            org=org,
            repo=repo,
        )
        if group_id is not None:
            query = query.where(results.c.group_id == group_id)
        with self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=1000).execute(query):
                yield CurrentResult(
                    row.org, row.repo, row.number, row.processor, row.model, row.group_id, row.job_id, row.analysis
                )

    def record_live(
        self,
        issue_id: int,
        processor: str,
        model: str,
        analysis: dict[str, Any],
        confidence: float | None,
        usage: TokenUsage | None = None,
        raw_answer: str | None = None,
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
                    raw_answer=raw_answer,
                    **(usage.document() if usage is not None else {}),
                )
            )

    def answer(self, issue_id: int, group_id: str | None = None) -> StoredAnswer | None:
        """The issue's newest result (of the group, when one is given): the current one first."""
        query = select(results).where(results.c.issue_id == issue_id)
        if group_id is not None:
            query = query.where(results.c.group_id == group_id)
        query = query.order_by(results.c.is_current.desc(), results.c.created_at.desc(), results.c.id.desc()).limit(1)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        recorded = row.input_tokens is not None
        usage = TokenUsage.from_row(row)
        return StoredAnswer(
            row.issue_id,
            row.processor,
            row.model,
            row.group_id,
            row.job_id,
            row.analysis,
            row.confidence,
            usage if recorded else None,
            row.raw_answer,
            bool(row.is_current),
        )

    def history_count(self, issue_id: int, processor: str) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).where(results.c.issue_id == issue_id, results.c.processor == processor)
                ).scalar_one()
            )

    def issues_with_current_result(self, issue_ids: Sequence[int], processor: str) -> set[int]:
        """Which of these issues already have a current result of this processor."""
        found: set[int] = set()
        with self.engine.connect() as conn:
            query = select(results.c.issue_id).where(
                results.c.issue_id.in_(bindparam("ids", expanding=True)),
                results.c.processor == processor,
                results.c.is_current.is_(True),
            )
            for start in range(0, len(issue_ids), _CHUNK):
                found.update(conn.execute(query, {"ids": issue_ids[start : start + _CHUNK]}).scalars())
        return found
