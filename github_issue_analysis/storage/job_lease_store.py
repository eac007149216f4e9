"""Leases on child jobs: one process at a time sends, polls or collects a job; a lease runs out, is released,
or is free when its process on this host is gone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import Engine, and_, or_, select, update

from github_issue_analysis.domain.jobs import BatchJob, JobStatus

from .batch_records import job_from_row
from .owners import owner_is_dead
from .schema import batch_jobs
from .timeutil import utcnow


class JobLeaseStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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
