"""A job's items (custom id <-> issue <-> item state): reading them, recording what collecting a job gave (its
results, item states and counts in one transaction), and which issues still wait in a job."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, bindparam, insert, select, update

from github_issue_analysis.domain.jobs import BatchJob, ItemState, JobStatus
from github_issue_analysis.domain.usage import TokenUsage

from .batch_records import AlreadyCollected, CollectedResult, FailedItem, JobItem
from .schema import batch_groups, batch_jobs, issues, job_items, results
from .timeutil import utcnow

_CHUNK = 500


class JobItemStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def items(self, job_id: str) -> list[JobItem]:
        """A job's items in request order, with the repository of each issue."""
        query = (
            select(job_items, issues.c.org, issues.c.repo)
            .outerjoin(issues, issues.c.id == job_items.c.issue_id)
            .where(job_items.c.job_id == job_id)
            .order_by(job_items.c.position)
        )
        with self.engine.connect() as conn:
            return [
                JobItem(r.issue_id, r.custom_id, ItemState(r.state), r.error_kind, r.error_message, r.org, r.repo)
                for r in conn.execute(query)
            ]

    def group_items(self, group_id: str) -> list[tuple[str, JobItem]]:
        """(job_id, item) for every item of every child, in child then request order."""
        query = (
            select(job_items)
            .join(batch_jobs, batch_jobs.c.id == job_items.c.job_id)
            .where(batch_jobs.c.group_id == group_id)
            .order_by(batch_jobs.c.batch_sequence, job_items.c.position)
        )
        with self.engine.connect() as conn:
            return [
                (r.job_id, JobItem(r.issue_id, r.custom_id, ItemState(r.state), r.error_kind, r.error_message))
                for r in conn.execute(query)
            ]

    def record_collection(
        self,
        job: BatchJob,
        processor: str,
        model: str,
        collected: Sequence[CollectedResult],
        failed: Sequence[FailedItem],
        usage: TokenUsage,
    ) -> None:
        """Results, item states and the job's counts, in one transaction. Earlier results of the same
        issues and processor stop being current. Raises AlreadyCollected (writing nothing) when another
        process collected the job first."""
        now = utcnow()
        with self.engine.begin() as conn:
            claimed = conn.execute(
                update(batch_jobs)
                .where(batch_jobs.c.id == job.job_id, batch_jobs.c.collected_at.is_(None))
                .values(
                    completed_items=len(collected),
                    failed_items=job.total_items - len(collected),
                    **usage.document(),
                    collected_at=now,
                )
            ).rowcount
            if not claimed:
                raise AlreadyCollected(job.job_id)
            issue_ids = [r.issue_id for r in collected]
            retire = (
                update(results)
                .where(
                    results.c.issue_id.in_(bindparam("ids", expanding=True)),
                    results.c.processor == processor,
                    results.c.is_current.is_(True),
                )
                .values(is_current=False)
            )
            for start in range(0, len(issue_ids), _CHUNK):
                conn.execute(retire, {"ids": issue_ids[start : start + _CHUNK]})
            rows = [
                {
                    "issue_id": r.issue_id,
                    "processor": processor,
                    "model": model,
                    "group_id": job.group_id,
                    "job_id": job.job_id,
                    "custom_id": r.custom_id,
                    "analysis": r.analysis,
                    "confidence": r.confidence,
                    "is_current": True,
                    "created_at": now,
                    **r.usage.document(),
                    "raw_answer": r.raw_answer,
                }
                for r in collected
            ]
            for start in range(0, len(rows), _CHUNK):
                conn.execute(insert(results), rows[start : start + _CHUNK])
            self._set_item_states(conn, job.job_id, [r.custom_id for r in collected], failed)

    def _set_item_states(self, conn: Any, job_id: str, succeeded: Sequence[str], failed: Sequence[FailedItem]) -> None:
        mark = (
            update(job_items)
            .where(job_items.c.job_id == job_id, job_items.c.custom_id.in_(bindparam("custom_ids", expanding=True)))
            .values(
                state=bindparam("state"), error_kind=bindparam("error_kind"), error_message=bindparam("error_message")
            )
        )
        groups: dict[tuple[str, str | None, str | None], list[str]] = {}
        if succeeded:
            groups[(ItemState.SUCCEEDED.value, None, None)] = list(succeeded)
        for item in failed:
            groups.setdefault((ItemState.FAILED.value, item.kind.value, item.message[:1000]), []).append(item.custom_id)
        for (state, kind, message), custom_ids in groups.items():
            for start in range(0, len(custom_ids), _CHUNK):
                chunk = custom_ids[start : start + _CHUNK]
                conn.execute(mark, {"custom_ids": chunk, "state": state, "error_kind": kind, "error_message": message})

    def issues_in_flight(self, issue_ids: Sequence[int], processor: str) -> set[int]:
        """Issues whose result for this processor may still come: waiting in a child that is not failed,
        superseded or collected yet (queued ones included: `watch` or a resume sends them)."""
        query = (
            select(job_items.c.issue_id)
            .join(batch_jobs, batch_jobs.c.id == job_items.c.job_id)
            .join(batch_groups, batch_groups.c.id == batch_jobs.c.group_id)
            .where(
                job_items.c.issue_id.in_(bindparam("ids", expanding=True)),
                job_items.c.state == ItemState.PENDING.value,
                batch_groups.c.processor == processor,
                batch_jobs.c.superseded.is_(False),
                batch_jobs.c.collected_at.is_(None),
                batch_jobs.c.status != JobStatus.FAILED.value,
            )
        )
        found: set[int] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(issue_ids), _CHUNK):
                found.update(conn.execute(query, {"ids": issue_ids[start : start + _CHUNK]}).scalars())
        return found
