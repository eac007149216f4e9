"""Run a recorded group: drive every child together (submit under the token budget and hourly pace, refresh,
collect, cancel, retry). Planning and recording a group is planner.py's job; one child against the provider is
job_runner.py's. Concurrency against the provider is bounded here and nowhere else."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from github_issue_analysis import defaults
from github_issue_analysis.ai.processors.base import PreparedProcessor
from github_issue_analysis.ai.providers.base import BatchProvider, ProviderError
from github_issue_analysis.domain.groups import BatchGroup, BatchGroupStatus, summarize
from github_issue_analysis.domain.jobs import TERMINAL_STATUSES, BatchJob, JobStatus
from github_issue_analysis.storage.batch_records import NewJob
from github_issue_analysis.storage.store import Store

from .collector import CollectReport, JobCollector
from .finder import find_created
from .group_refresh import fetch_group_changes
from .group_retry import plan_retry
from .job_runner import JobRunner, SubmitOutcome
from .planner import hourly_room, prepared, splitter_for
from .request import SubmitRequest
from .requests import RequestBuilder
from .token_budget import effective_limit, fit_children

T = TypeVar("T")


@dataclass
class GroupCollectReport:
    group_id: str
    jobs: list[CollectReport] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # job id -> why it was not collected
    broken: list[ProviderError] = field(default_factory=list)  # answers that asking again will not mend

    @property
    def collected(self) -> int:
        return sum(r.collected for r in self.jobs)

    @property
    def failed(self) -> int:
        return sum(r.failed for r in self.jobs)


class BatchGroupManager:
    def __init__(
        self, store: Store, provider: BatchProvider, concurrency: int = defaults.CONCURRENCY, retry_seconds: float = 0.5
    ) -> None:
        self.store = store
        self.provider = provider
        self.runner = JobRunner(store, provider, retry_seconds=retry_seconds, limits=store.limits)
        self.collector = JobCollector(store, provider)
        self._limit = asyncio.Semaphore(max(1, concurrency))

    # -- drive -----------------------------------------------------------------------------------------
    async def submit_pending(self, group_id: str, max_enqueued_tokens: int | None = None) -> list[SubmitOutcome]:
        """Submit queued children that fit the enqueued-token budget and the hourly batch pace; the rest
        stay queued for `batch watch`."""
        group = self._group(group_id)
        children = [
            c
            for c in self.store.jobs.jobs(group_id)
            if not c.superseded and c.status in (JobStatus.QUEUED, JobStatus.SUBMITTING)
        ]
        if not children:
            return []
        stranded = [c for c in children if c.status is JobStatus.SUBMITTING]
        listing = await find_created(self.provider, self.store.jobs, stranded) if stranded else None
        limit = effective_limit(self.store, self.provider, group, max_enqueued_tokens)
        children = fit_children(self.store, group, children, limit)
        chosen = self._fit_budget(group, children, limit)
        requests = self._builder(self.prepared(group))
        return await self.each(chosen, lambda c: self.runner.submit(c, requests, listing))

    def _fit_budget(self, group: BatchGroup, children: list[BatchJob], limit: int | None) -> list[BatchJob]:
        hourly_room = self._hourly_room()
        in_flight = self.store.pacing.in_flight_tokens(group.model)
        chosen: list[BatchJob] = []
        for child in children:
            if child.status is JobStatus.QUEUED:
                if len(chosen) >= hourly_room:
                    break
                if limit and in_flight > 0 and in_flight + child.estimated_tokens > limit:
                    break
                in_flight += child.estimated_tokens
            chosen.append(child)
        return chosen

    def _hourly_room(self) -> int:
        return hourly_room(self.store, self.provider)

    async def adopt(self, group_id: str) -> None:
        """Children left `submitting` by a crash: adopt the provider batches found for them (finder.py). The
        rest stay `submitting` for `batch submit --resume` or `batch watch`; nothing new is sent from here."""
        stranded = [c for c in self._without_provider_id(group_id) if c.status is JobStatus.SUBMITTING]
        if not stranded:
            return
        found = await find_created(self.provider, self.store.jobs, stranded)
        for child in stranded:
            if batch := found.batches.get(child.job_id):
                self.runner.adopt(child, batch)
            elif reason := found.ambiguity(child.job_id):
                self.store.jobs.update_job(child.job_id, error=reason)

    def _without_provider_id(self, group_id: str) -> list[BatchJob]:
        """Children past `queued` with no provider batch id. One shown as running (an older version stored
        such rows after a malformed answer) is not in progress: it goes back to `submitting`, to be found by
        its metadata or sent again."""
        found = []
        for child in self.store.jobs.jobs(group_id):
            if child.superseded or child.provider_batch_id or child.status in (JobStatus.QUEUED, *TERMINAL_STATUSES):
                continue
            if child.status is not JobStatus.SUBMITTING:
                self.store.jobs.update_jobs(
                    [
                        (
                            child.job_id,
                            {"status": JobStatus.SUBMITTING},
                            {"status": child.status, "provider_batch_id": None},
                        )
                    ]
                )
                child = replace(child, status=JobStatus.SUBMITTING)
            found.append(child)
        return found

    async def refresh(self, group_id: str) -> BatchGroupStatus:
        """Refresh every unfinished child together from the provider's list pages (adopting batches created
        before a crash), then summarise; children whose batch the provider does not know are named."""
        await self.adopt(group_id)
        refreshed = await fetch_group_changes(self.runner, self.store.jobs.jobs(group_id), self.each)
        self.runner.apply_changes(refreshed.changes)
        status = self.status(group_id)
        if refreshed.missing:
            status.missing_at_provider = [job.job_id for job in refreshed.missing]
        return status

    async def refresh_groups(self, group_ids: Sequence[str]) -> None:
        """Refresh the unfinished children of several groups of this provider together: one walk of its list
        pages for all of them (a group at a time would walk the same pages once each)."""
        for group_id in group_ids:
            await self.adopt(group_id)
        children = [child for group_id in group_ids for child in self.store.jobs.jobs(group_id)]
        refreshed = await fetch_group_changes(self.runner, children, self.each)
        self.runner.apply_changes(refreshed.changes)

    def status(self, group_id: str) -> BatchGroupStatus:
        return summarize(self._group(group_id), self.store.jobs.jobs(group_id))

    async def collect(self, group_id: str) -> GroupCollectReport:
        """Collect every finished child (partial output included); one that cannot be collected is
        reported and does not stop the others."""
        group = self._group(group_id)
        processor = self.prepared(group)
        report = GroupCollectReport(group_id)
        children = [c for c in self.store.jobs.jobs(group_id) if not c.superseded or c.collected_at is None]
        ready = []
        for child in children:
            if not child.status.is_terminal:
                report.skipped[child.job_id] = f"still {child.status.value}"
            else:
                ready.append(child)

        async def collect_one(child: BatchJob) -> CollectReport | None:
            try:
                return await self.collector.collect(child, processor, group.model)
            except ProviderError as error:
                report.skipped[child.job_id] = str(error)
                if not error.transient:
                    report.broken.append(error)
                return None

        report.jobs = [r for r in await self.each(ready, collect_one) if r is not None]
        return report

    async def cancel(self, group_id: str) -> list[BatchJob]:
        return await self.cancel_jobs([c for c in self.store.jobs.jobs(group_id) if not c.superseded])

    async def cancel_jobs(self, jobs: list[BatchJob]) -> list[BatchJob]:
        return await self.each([j for j in jobs if not j.status.is_terminal], self.runner.cancel)

    # -- helpers ---------------------------------------------------------------------------------------
    async def each(self, items: Sequence[T], action: Callable[[T], Awaitable[Any]]) -> list[Any]:
        async def bounded(item: T) -> Any:
            async with self._limit:
                return await action(item)

        return list(await asyncio.gather(*(bounded(item) for item in items)))

    def _group(self, group_id: str) -> BatchGroup:
        group = self.store.jobs.group(group_id)
        if group is None:
            raise LookupError(group_id)
        return group

    def _builder(self, processor: PreparedProcessor) -> RequestBuilder:
        return RequestBuilder(self.store.issues, processor, self.provider)

    def prepared(self, group: BatchGroup) -> PreparedProcessor:
        return prepared(self.store, SubmitRequest.from_stored(group))

    def retry_children(
        self, group_id: str, *, failed_only: bool, max_attempts: int | None = None
    ) -> tuple[list[NewJob], list[str]]:
        """New children for what failed (group_retry.py), cut by the same splitter and limits as the plan."""
        request = SubmitRequest.from_stored(self._group(group_id))
        builder = self._builder(prepared(self.store, request))
        splitter = splitter_for(self.provider, request.batch_size)
        return plan_retry(
            self.store,
            group_id,
            failed_only=failed_only,
            max_attempts=max_attempts,
            splitter=splitter,
            measure=builder.measure,
        )
