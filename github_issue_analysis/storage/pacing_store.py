"""Pacing figures read from the jobs: tokens waiting in a provider's queue, batches sent lately, and how many
output tokens an answer took so far (for estimates)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func, select

from github_issue_analysis.domain.jobs import JobStatus

from .schema import batch_groups, batch_jobs


class PacingStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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

    def submitted_since(self, since: datetime, provider: str | None = None) -> int:
        """Batches sent since a moment (to one provider, when named)."""
        query = select(func.count()).select_from(batch_jobs).where(batch_jobs.c.submitted_at >= since)
        if provider is not None:
            query = query.join(batch_groups, batch_groups.c.id == batch_jobs.c.group_id).where(
                batch_groups.c.provider == provider
            )
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())
