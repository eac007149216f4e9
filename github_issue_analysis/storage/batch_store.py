"""Every write and read of batch groups, child jobs and job items; collection writes results too."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, bindparam, delete, func, insert, or_, select, update

from github_issue_analysis.domain.groups import BatchGroup
from github_issue_analysis.domain.jobs import BatchJob, ItemState, JobStatus

from .batch_records import (
    AlreadyCollected,
    AmbiguousId,
    CollectedResult,
    FailedItem,
    JobItem,
    NewJob,
    RetryRaced,
    UnknownJobStatus,
    group_from_row,
    job_from_row,
    owner_is_dead,
    process_owner,
)
from .schema import batch_groups, batch_jobs, issues, job_items, results
from .timeutil import utcnow

_CHUNK = 500
_ID_LENGTH = 64

__all__ = [
    "AlreadyCollected",
    "AmbiguousId",
    "BatchStore",
    "CollectedResult",
    "FailedItem",
    "JobItem",
    "NewJob",
    "RetryRaced",
    "process_owner",
]


class BatchStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.unreadable_jobs: list[str] = []  # rows the last listing left out, in words

    # -- groups and jobs -------------------------------------------------------------------------------
    def create_group(self, group: BatchGroup, jobs: Sequence[NewJob]) -> None:
        """Record the intent: the group, every child as `queued` and every item, in one transaction."""
        with self.engine.begin() as conn:
            conn.execute(
                insert(batch_groups).values(
                    id=group.group_id,
                    processor=group.processor,
                    model=group.model,
                    provider=group.provider,
                    is_split=group.is_split_job,
                    batch_size=group.batch_size,
                    total_issues=group.total_issues,
                    selection=group.selection,
                    options={**group.options, "split_plan": group.split_plan},
                    created_at=group.created_at,
                )
            )
            self._insert_jobs(conn, group.group_id, jobs)

    def add_jobs(self, group_id: str, jobs: Sequence[NewJob], supersede: Sequence[str]) -> None:
        """Retry: new children in the same group, the children they replace marked superseded. Raises
        RetryRaced (writing nothing) when another process superseded one of them first."""
        with self.engine.begin() as conn:
            if supersede:
                marked = conn.execute(
                    update(batch_jobs)
                    .where(batch_jobs.c.id.in_(supersede), batch_jobs.c.superseded.is_(False))
                    .values(superseded=True)
                ).rowcount
                if marked != len(supersede):
                    raise RetryRaced(group_id)
            self._insert_jobs(conn, group_id, jobs)
            total = conn.execute(
                select(func.count()).select_from(batch_jobs).where(batch_jobs.c.group_id == group_id)
            ).scalar_one()
            conn.execute(
                update(batch_jobs).where(batch_jobs.c.group_id == group_id).values(total_batches_in_group=total)
            )

    def _insert_jobs(self, conn: Any, group_id: str, jobs: Sequence[NewJob]) -> None:
        now = utcnow()
        conn.execute(
            insert(batch_jobs),
            [
                {
                    "id": job.job_id,
                    "group_id": group_id,
                    "batch_sequence": job.batch_sequence,
                    "total_batches_in_group": job.total_batches_in_group,
                    "attempt": job.attempt,
                    "superseded": False,
                    "status": JobStatus.QUEUED.value,
                    "total_items": len(job.items),
                    "completed_items": 0,
                    "failed_items": 0,
                    "estimated_tokens": job.estimated_tokens,
                    "input_bytes": job.input_bytes,
                    "created_at": now,
                }
                for job in jobs
            ],
        )
        rows = [
            {
                "job_id": job.job_id,
                "issue_id": issue_id,
                "custom_id": custom_id,
                "position": position,
                "state": ItemState.PENDING.value,
            }
            for job in jobs
            for position, (issue_id, custom_id) in enumerate(job.items)
        ]
        for start in range(0, len(rows), _CHUNK):
            conn.execute(insert(job_items), rows[start : start + _CHUNK])

    def group(self, group_id: str) -> BatchGroup | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(batch_groups).where(batch_groups.c.id == group_id)).first()
            if row is None:
                return None
            child_ids = (
                conn.execute(
                    select(batch_jobs.c.id)
                    .where(batch_jobs.c.group_id == group_id)
                    .order_by(batch_jobs.c.batch_sequence)
                )
                .scalars()
                .all()
            )
        return group_from_row(row, list(child_ids))

    def groups(self, limit: int | None = None) -> list[tuple[BatchGroup, list[BatchJob]]]:
        """Newest first, each with its children (two queries in all)."""
        query = select(batch_groups).order_by(batch_groups.c.created_at.desc(), batch_groups.c.id)
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            group_rows = conn.execute(query).all()
            children: dict[str, list[BatchJob]] = {row.id: [] for row in group_rows}
            job_query = select(batch_jobs).order_by(batch_jobs.c.group_id, batch_jobs.c.batch_sequence)
            if limit:
                job_query = job_query.where(batch_jobs.c.group_id.in_(list(children)))
            self.unreadable_jobs = []
            for job_row in conn.execute(job_query):
                if job_row.group_id in children and (job := self._listed(job_row)) is not None:
                    children[job_row.group_id].append(job)
        return [(group_from_row(row, [j.job_id for j in children[row.id]]), children[row.id]) for row in group_rows]

    def _listed(self, row: Any) -> BatchJob | None:
        """A row for a listing; one this version cannot read is left out and flagged in `unreadable_jobs`."""
        try:
            return job_from_row(row)
        except UnknownJobStatus as error:
            self.unreadable_jobs.append(str(error))
            return None

    def update_group_options(self, group_id: str, **changes: Any) -> None:
        with self.engine.begin() as conn:
            options = conn.execute(select(batch_groups.c.options).where(batch_groups.c.id == group_id)).scalar()
            if options is not None:
                conn.execute(
                    update(batch_groups).where(batch_groups.c.id == group_id).values(options={**options, **changes})
                )

    def job(self, job_id: str) -> BatchJob | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(batch_jobs).where(batch_jobs.c.id == job_id)).first()
        return job_from_row(row) if row else None

    def jobs(self, group_id: str | None = None, limit: int | None = None) -> list[BatchJob]:
        """A group's children in sequence order, or every job newest first."""
        if group_id is not None:
            query = select(batch_jobs).where(batch_jobs.c.group_id == group_id).order_by(batch_jobs.c.batch_sequence)
        else:
            query = select(batch_jobs).order_by(batch_jobs.c.created_at.desc(), batch_jobs.c.batch_sequence)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            if group_id is not None:
                return [job_from_row(row) for row in conn.execute(query)]
            self.unreadable_jobs = []
            return [job for row in conn.execute(query) if (job := self._listed(row)) is not None]

    def resolve(self, prefix: str) -> tuple[str, str] | None:
        """('group' | 'job', full id) for a unique prefix; None when nothing matches. Prefixes match
        case-sensitively, as ids do (LIKE ignores case on SQLite); a blank prefix matches nothing."""
        if not prefix.strip() or len(prefix) > _ID_LENGTH:
            return None
        with self.engine.connect() as conn:
            groups = set(conn.execute(_prefix_query(batch_groups.c.id, prefix)).scalars())
            jobs = set(conn.execute(_prefix_query(batch_jobs.c.id, prefix)).scalars())
        # A single-batch submission's group id is its job id: one thing, reported as the job.
        matches = sorted(groups | jobs)
        if prefix in matches:
            matches = [prefix]
        if not matches:
            return None
        if len(matches) > 1:
            raise AmbiguousId(prefix, matches)
        match = matches[0]
        return ("job" if match in jobs else "group", match)

    def update_job(self, job_id: str, **values: Any) -> None:
        self.update_jobs([(job_id, values, {})])

    def update_jobs(self, changes: Sequence[tuple[str, dict[str, Any], dict[str, Any]]]) -> int:
        """Change several jobs in one transaction: (job id, new values, values the row must still have).
        A row that changed meanwhile (another process moved it on) is left alone; returns rows changed."""
        changed = 0
        with self.engine.begin() as conn:
            for job_id, values, expected in changes:
                query = update(batch_jobs).where(batch_jobs.c.id == job_id)
                for column, value in _stored(expected).items():
                    column_ref = batch_jobs.c[column]
                    query = query.where(column_ref.is_(None) if value is None else column_ref == value)
                changed += conn.execute(query.values(**_stored(values))).rowcount
        return changed

    def claim_job(
        self,
        job_id: str,
        owner: str,
        statuses: Sequence[JobStatus],
        mark: JobStatus | None = None,
        ttl: timedelta = timedelta(minutes=10),
    ) -> BatchJob | None:
        """Take a job in one of `statuses` (and move it to `mark`, in the same statement); exactly one process
        wins, on SQLite and PostgreSQL alike. Returns the job as it was before, or None when not taken."""
        now = utcnow()
        with self.engine.begin() as conn:
            row = conn.execute(select(batch_jobs).where(batch_jobs.c.id == job_id)).first()
            if row is None:
                return None
            free = [
                batch_jobs.c.claimed_by.is_(None),
                batch_jobs.c.claimed_by == owner,
                batch_jobs.c.claimed_until < now,
            ]
            if row.claimed_by and owner_is_dead(row.claimed_by):
                free.append(batch_jobs.c.claimed_by == row.claimed_by)
            changed = conn.execute(
                update(batch_jobs)
                .where(
                    and_(
                        batch_jobs.c.id == job_id,
                        batch_jobs.c.status.in_([s.value for s in statuses]),
                        batch_jobs.c.superseded.is_(False),
                        or_(*free),
                    )
                )
                .values(claimed_by=owner, claimed_until=now + ttl, **({"status": mark.value} if mark else {}))
            ).rowcount
        return job_from_row(row) if changed else None

    def release_job(self, job_id: str, owner: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(batch_jobs)
                .where(batch_jobs.c.id == job_id, batch_jobs.c.claimed_by == owner)
                .values(claimed_by=None, claimed_until=None)
            )

    def in_flight_tokens(self, model: str) -> int:
        """Estimated prompt tokens of this model's batches that sit in the provider's queue now."""
        in_flight = [s.value for s in JobStatus if s.is_in_flight] + [JobStatus.SUBMITTING.value]
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.coalesce(func.sum(batch_jobs.c.estimated_tokens), 0))
                    .select_from(batch_jobs.join(batch_groups, batch_groups.c.id == batch_jobs.c.group_id))
                    .where(batch_groups.c.model == model, batch_jobs.c.status.in_(in_flight))
                ).scalar_one()
            )

    def observed_output_tokens_per_item(self, model: str, processor: str) -> float | None:
        """Average output tokens per answered item in collected jobs of this model and processor."""
        query = (
            select(func.sum(batch_jobs.c.output_tokens), func.sum(batch_jobs.c.completed_items))
            .select_from(batch_jobs.join(batch_groups, batch_groups.c.id == batch_jobs.c.group_id))
            .where(
                batch_groups.c.model == model,
                batch_groups.c.processor == processor,
                batch_jobs.c.collected_at.is_not(None),
                batch_jobs.c.completed_items > 0,
                batch_jobs.c.output_tokens.is_not(None),
            )
        )
        with self.engine.connect() as conn:
            tokens, items = conn.execute(query).one()
        return float(tokens) / float(items) if tokens and items else None

    def owned_provider_batch_ids(self, batch_ids: Sequence[str]) -> set[str]:
        """Which of these provider batches a job in the store already tracks."""
        owned: set[str] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(batch_ids), 500):
                chunk = list(batch_ids[start : start + 500])
                rows = conn.execute(
                    select(batch_jobs.c.provider_batch_id).where(batch_jobs.c.provider_batch_id.in_(chunk))
                )
                owned.update(row.provider_batch_id for row in rows)
        return owned

    def submitted_since(self, since: datetime, provider: str | None = None) -> int:
        """Batches sent since a moment (to one provider, when named)."""
        query = select(func.count()).select_from(batch_jobs).where(batch_jobs.c.submitted_at >= since)
        if provider is not None:
            query = query.join(batch_groups, batch_groups.c.id == batch_jobs.c.group_id).where(
                batch_groups.c.provider == provider
            )
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def delete_job(self, job_id: str) -> None:
        """Remove a job (and its group when the group has no other child)."""
        with self.engine.begin() as conn:
            group_id = conn.execute(select(batch_jobs.c.group_id).where(batch_jobs.c.id == job_id)).scalar()
            conn.execute(delete(job_items).where(job_items.c.job_id == job_id))
            conn.execute(delete(batch_jobs).where(batch_jobs.c.id == job_id))
            left = conn.execute(
                select(func.count()).select_from(batch_jobs).where(batch_jobs.c.group_id == group_id)
            ).scalar_one()
            if not left:
                conn.execute(delete(batch_groups).where(batch_groups.c.id == group_id))

    def delete_group(self, group_id: str) -> None:
        with self.engine.begin() as conn:
            job_ids = select(batch_jobs.c.id).where(batch_jobs.c.group_id == group_id)
            conn.execute(delete(job_items).where(job_items.c.job_id.in_(job_ids)))
            conn.execute(delete(batch_jobs).where(batch_jobs.c.group_id == group_id))
            conn.execute(delete(batch_groups).where(batch_groups.c.id == group_id))

    # -- items -----------------------------------------------------------------------------------------
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
        usage: tuple[int, int],
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
                    input_tokens=usage[0],
                    output_tokens=usage[1],
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

    def issues_with_current_result(self, issue_ids: Sequence[int], processor: str) -> set[int]:
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


def _prefix_query(column: Any, prefix: str) -> Any:
    like = prefix.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
    return select(column).where(column.like(like, escape="\\"), func.substr(column, 1, len(prefix)) == prefix).limit(20)


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value.value if isinstance(value, JobStatus) else value for key, value in values.items()}
