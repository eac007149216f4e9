"""Batch groups and their child jobs: recorded in one transaction with their items, read, changed, removed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update

from github_issue_analysis.domain.groups import BatchGroup
from github_issue_analysis.domain.jobs import BatchJob, ItemState, JobStatus

from .batch_records import (
    NewJob,
    PlanRaced,
    RetryRaced,
    StoredSelection,
    UnknownJobStatus,
    group_from_row,
    job_from_row,
)
from .schema import batch_groups, batch_jobs, group_selections, job_items
from .timeutil import utcnow

_CHUNK = 500


class JobStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.unreadable_jobs: list[str] = []  # rows the last listing left out, in words

    def create_group(self, group: BatchGroup, jobs: Sequence[NewJob], selection: StoredSelection | None = None) -> None:
        """Record the intent: the group, every child as `queued` and every item, in one transaction. A group
        planned in chunks keeps its `selection` beside it (record_chunk adds the children)."""
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
            if selection is not None:
                conn.execute(
                    insert(group_selections).values(
                        group_id=group.group_id,
                        issue_ids=selection.issue_ids,
                        planned_through=selection.planned_through,
                        skips_taken=selection.skips_taken,
                    )
                )

    def selection(self, group_id: str) -> StoredSelection | None:
        """The selection of a group whose planning has not ended (None: every issue of it is planned)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(group_selections).where(group_selections.c.group_id == group_id)).first()
        return StoredSelection(list(row.issue_ids), row.planned_through, row.skips_taken) if row else None

    def record_chunk(self, group_id: str, jobs: Sequence[NewJob], planned: tuple[int, int], last: bool) -> None:
        """One chunk of a group planned in chunks, in one transaction: its children (`queued`) and items, their
        batches added to the group's split plan, and the selection's mark moved from planned[0] to planned[1].
        The last chunk also sets the group's totals (issues, batches in every child) and drops the selection.
        Raises PlanRaced (writing nothing) when another process moved the mark first."""
        before, after = planned
        with self.engine.begin() as conn:
            mark = (
                update(group_selections)
                .where(group_selections.c.group_id == group_id, group_selections.c.planned_through == before)
                .values(planned_through=after)
            )
            if not conn.execute(mark).rowcount:
                raise PlanRaced(group_id)
            if jobs:
                self._insert_jobs(conn, group_id, jobs)
                self._extend_split_plan(conn, group_id, jobs)
            if last:
                self._end_planning(conn, group_id)

    def _extend_split_plan(self, conn: Any, group_id: str, jobs: Sequence[NewJob]) -> None:
        options = dict(conn.execute(select(batch_groups.c.options).where(batch_groups.c.id == group_id)).scalar_one())
        plan = dict(options.get("split_plan") or {})
        plan["batches"] = [
            *plan.get("batches", []),
            *(
                {"batch_number": j.batch_sequence, "issue_count": len(j.items), "estimated_tokens": j.estimated_tokens}
                for j in jobs
            ),
        ]
        conn.execute(
            update(batch_groups).where(batch_groups.c.id == group_id).values(options={**options, "split_plan": plan})
        )

    def _end_planning(self, conn: Any, group_id: str) -> None:
        """The group's totals as recorded (they were estimates from the selection's size while planning)."""
        in_group = batch_jobs.c.group_id == group_id
        batches = conn.execute(select(func.count()).select_from(batch_jobs).where(in_group)).scalar_one()
        issues = conn.execute(
            select(func.count(func.distinct(job_items.c.issue_id)))
            .select_from(job_items.join(batch_jobs, batch_jobs.c.id == job_items.c.job_id))
            .where(in_group)
        ).scalar_one()
        conn.execute(update(batch_jobs).where(in_group).values(total_batches_in_group=batches))
        conn.execute(update(batch_groups).where(batch_groups.c.id == group_id).values(total_issues=issues))
        conn.execute(delete(group_selections).where(group_selections.c.group_id == group_id))

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
        if not jobs:
            return
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

    def jobs_named(self, job_ids: Sequence[str]) -> list[BatchJob]:
        """These jobs, in sequence order (those that exist)."""
        with self.engine.connect() as conn:
            query = select(batch_jobs).where(batch_jobs.c.id.in_(list(job_ids))).order_by(batch_jobs.c.batch_sequence)
            return [job_from_row(row) for row in conn.execute(query)] if job_ids else []

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
                conn.execute(delete(group_selections).where(group_selections.c.group_id == group_id))
                conn.execute(delete(batch_groups).where(batch_groups.c.id == group_id))

    def delete_group(self, group_id: str) -> None:
        with self.engine.begin() as conn:
            job_ids = select(batch_jobs.c.id).where(batch_jobs.c.group_id == group_id)
            conn.execute(delete(job_items).where(job_items.c.job_id.in_(job_ids)))
            conn.execute(delete(batch_jobs).where(batch_jobs.c.group_id == group_id))
            conn.execute(delete(group_selections).where(group_selections.c.group_id == group_id))
            conn.execute(delete(batch_groups).where(batch_groups.c.id == group_id))


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value.value if isinstance(value, JobStatus) else value for key, value in values.items()}
