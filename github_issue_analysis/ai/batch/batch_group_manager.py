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
from github_issue_analysis.storage.batch_records import NewJob, PlanRaced
from github_issue_analysis.storage.store import Store

from .finder import find_created
from .group_refresh import GroupRefresh, fetch_group_changes
from .group_retry import plan_retry
from .job_runner import JobRunner, SubmitOutcome
from .plan_stream import PlanStream
from .planner import hourly_room, prepared, splitter_for
from .request_lines import RequestBuilder
from .result_collector import CollectReport, JobCollector
from .submit_request import SubmitRequest
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
        self.plan_problems: list[str] = []  # issues a plan in chunks left out, in words

    # -- drive -----------------------------------------------------------------------------------------
    async def submit_pending(
        self, group_id: str, max_enqueued_tokens: int | None = None, stream: PlanStream | None = None
    ) -> list[SubmitOutcome]:
        """Submit queued children that fit the enqueued-token budget and the hourly batch pace; the rest
        stay queued for `batch watch`. A group whose planning a run did not finish (or `stream`, one being
        planned now) is planned chunk by chunk meanwhile, each chunk sent once it is recorded."""
        group = self._group(group_id)
        stream = stream or PlanStream.resume(self.store, self.provider, group)
        children = [
            c
            for c in self.store.jobs.jobs(group_id)
            if not c.superseded and c.status in (JobStatus.QUEUED, JobStatus.SUBMITTING)
        ]
        if not children and stream is None:
            return []
        stranded = [c for c in children if c.status is JobStatus.SUBMITTING]
        listing = await find_created(self.provider, self.store.jobs, stranded) if stranded else None
        limit = effective_limit(self.store, self.provider, group, max_enqueued_tokens)
        gate = _Gate(self._hourly_room(), self.store.pacing.in_flight_tokens(group.model), limit)
        requests = self._builder(self.prepared(group))
        sending: dict[str, asyncio.Future[SubmitOutcome]] = {}

        def send(batch: list[BatchJob]) -> None:
            fitted = [c for c in fit_children(self.store, group, batch, limit) if c.job_id not in sending]
            for child in gate.admit(fitted):
                sending[child.job_id] = asyncio.ensure_future(
                    self._bounded(self.runner.submit(child, requests, listing))
                )

        send(children)
        if stream is not None:
            try:
                await self._plan_while_sending(stream, send, sending)
            except Exception:
                await asyncio.gather(*sending.values(), return_exceptions=True)  # what went out is recorded first
                raise
        return list(await asyncio.gather(*sending.values()))

    async def _plan_while_sending(
        self,
        stream: PlanStream,
        send: Callable[[list[BatchJob]], None],
        sending: dict[str, asyncio.Future[SubmitOutcome]],
    ) -> None:
        """Record the stream's chunks, sending each; stop early when a send failed for good (the rest stays
        stored for the next run) or another process plans the group."""
        first = True
        try:
            async for job_ids in stream.chunks():
                send(self.store.jobs.jobs_named(job_ids))
                if first and sending:  # the first batch out before measuring goes on: they share one core
                    await asyncio.wait(list(sending.values()), return_when=asyncio.FIRST_COMPLETED)
                    first = False
                if any(f.done() and not f.cancelled() and f.exception() for f in sending.values()):
                    return
        except PlanRaced:
            return
        finally:
            self.plan_problems += stream.problems

    async def _bounded(self, action: Awaitable[T]) -> T:
        async with self._limit:
            return await action

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
        refreshed = await self.refresh_groups([group_id])
        status = self.status(group_id)
        if refreshed.missing:
            status.missing_at_provider = [job.job_id for job in refreshed.missing]
        return status

    async def refresh_groups(self, group_ids: Sequence[str]) -> GroupRefresh:
        """Refresh the unfinished children of several groups of this provider together: one walk of its list
        pages for all of them (a group at a time would walk the same pages once each)."""
        for group_id in group_ids:
            await self.adopt(group_id)
        children = [child for group_id in group_ids for child in self.store.jobs.jobs(group_id)]
        refreshed = await fetch_group_changes(self.runner, children, self.each)
        self.runner.apply_changes(refreshed.changes)
        return refreshed

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


class _Gate:
    """Queued children let out in sequence order while the hourly batch pace and the enqueued-token budget
    allow; once one has to wait, every later one waits too (children already `submitting` go while it is open).
    """

    def __init__(self, hourly_room: int, in_flight_tokens: int, limit: int | None) -> None:
        self.room = hourly_room
        self.in_flight = in_flight_tokens
        self.limit = limit
        self.closed = False

    def admit(self, children: list[BatchJob]) -> list[BatchJob]:
        chosen: list[BatchJob] = []
        for child in children:
            if self.closed or (child.status is JobStatus.QUEUED and not self._fits(child)):
                self.closed = True
                break
            self.room -= 1
            chosen.append(child)
        return chosen

    def _fits(self, child: BatchJob) -> bool:
        if self.room <= 0:
            return False
        if self.limit and self.in_flight > 0 and self.in_flight + child.estimated_tokens > self.limit:
            return False
        self.in_flight += child.estimated_tokens
        return True
