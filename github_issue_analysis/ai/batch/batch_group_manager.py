"""Groups: plan and record a split submission, then drive every child together (submit, status,
collect, cancel). Concurrency against the provider is bounded here and nowhere else."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import timedelta
from typing import Any, TypeVar

from github_issue_analysis import defaults
from github_issue_analysis.ai.processors.base import PreparedProcessor, ProcessorOptions
from github_issue_analysis.ai.processors.taxonomy import Taxonomy
from github_issue_analysis.ai.providers.base import BatchProvider, ProviderError
from github_issue_analysis.ai.providers.pricing import ESTIMATED_OUTPUT_TOKENS_PER_ISSUE, price_for
from github_issue_analysis.ai.registry import processor as registered_processor
from github_issue_analysis.domain.groups import (
    BatchGroup,
    BatchGroupStatus,
    PlannedBatch,
    SplitPlan,
    new_group_id,
    new_job_id,
    summarize,
)
from github_issue_analysis.domain.jobs import TERMINAL_STATUSES, BatchJob, JobStatus
from github_issue_analysis.storage.batch_records import NewJob
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.records import LabelRecord
from github_issue_analysis.storage.store import Store
from github_issue_analysis.storage.timeutil import utcnow

from .batch_manager import BatchManager, SubmitOutcome
from .batch_splitter import BatchSplitter, RequestTooLarge
from .collector import CollectReport, JobCollector
from .finder import find_created
from .group_refresh import fetch_group_changes
from .options import SubmitOptions
from .requests import RequestBuilder, custom_id_for
from .sampling import DEFAULT_SEED, Candidate, stratified_sample
from .token_budget import effective_limit, fit_children

T = TypeVar("T")


class NothingToDo(Exception):
    def __init__(self, already_done: int, in_flight: int = 0) -> None:
        super().__init__(f"no issues to submit ({already_done} already have results, {in_flight} in flight)")
        self.already_done = already_done
        self.in_flight = in_flight


@dataclass(frozen=True)
class SubmitRequest:
    processor: str
    selection: IssueSelection
    model: str
    provider: str = "openai"
    label_prefix: str = defaults.LABEL_PREFIX
    fixed_labels: tuple[LabelRecord, ...] | None = None
    batch_size: int = defaults.BATCH_SIZE
    reprocess: bool = False
    request_options: dict[str, Any] = field(default_factory=dict)
    blind: bool = False  # the issues' current taxonomy labels stay out of the prompts
    sample: int | None = None  # a stratified sample of this many labelled issues (see sampling.py)
    seed: int = DEFAULT_SEED


@dataclass
class PlannedSubmission:
    request: SubmitRequest
    issue_ids: list[int]
    plan: SplitPlan
    skipped_with_results: int
    output_tokens_per_issue: float = ESTIMATED_OUTPUT_TOKENS_PER_ISSUE
    skipped_in_flight: int = 0  # waiting for a result in another group
    warnings: list[str] = field(default_factory=list)
    options: SubmitOptions | None = None  # what was asked, when planned from options

    @property
    def estimated_tokens(self) -> int:
        return sum(b.estimated_tokens for b in self.plan.batches)

    def estimated_cost(self, batch: PlannedBatch | None = None) -> float | None:
        """USD at batch prices for one planned batch or (None) the whole plan; None when the model has no price."""
        price = price_for(self.request.model)
        if price is None:
            return None
        batches = [batch] if batch else self.plan.batches
        tokens = sum(b.estimated_tokens for b in batches)
        return price.cost(tokens, int(self.output_tokens_per_issue * sum(b.issue_count for b in batches)))


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
        self.jobs = BatchManager(store, provider, retry_seconds=retry_seconds, limits=store.limits)
        self.collector = JobCollector(store, provider)
        self._limit = asyncio.Semaphore(max(1, concurrency))

    # -- plan and record -------------------------------------------------------------------------------
    def plan(self, request: SubmitRequest) -> PlannedSubmission:
        selected = self._select(request)
        skipped, in_flight = 0, 0
        if not request.reprocess and request.sample is None:  # a sample is answered whole, for measuring
            done = self.store.results.issues_with_current_result(selected, request.processor)
            selected = [i for i in selected if i not in done]
            coming = self.store.job_items.issues_in_flight(selected, request.processor)
            selected = [i for i in selected if i not in coming]
            skipped, in_flight = len(done), len(coming)
        if not selected:
            raise NothingToDo(skipped, in_flight)
        processor = _prepare(self.store, request.processor, _processor_options(request.model, _options(request)))
        sizes = self._builder(processor).measure(selected)
        max_bytes = self.provider.max_bytes_per_batch - self.provider.envelope_bytes
        splitter = BatchSplitter(request.batch_size, max_bytes=max_bytes)
        try:
            plan = splitter.create_split_plan(sizes.line_bytes, sizes.tokens)
        except RequestTooLarge as error:
            issue = self.store.issues.issues_by_id([sizes.issue_ids[error.index]])[0]
            what = f"the request for {issue.org}/{issue.repo}#{issue.number}"
            raise RequestTooLarge(error.index, error.size, error.limit, what) from None
        observed = self.store.pacing.observed_output_tokens_per_item(request.model, request.processor)
        planned = PlannedSubmission(
            request, sizes.issue_ids, plan, skipped, observed or ESTIMATED_OUTPUT_TOKENS_PER_ISSUE, in_flight
        )
        room = self._hourly_room()
        if plan.total_batches > room:
            planned.warnings.append(
                f"{plan.total_batches} batches exceed the {room} the provider still creates this hour (at most "
                f"{self.provider.max_batches_per_hour} per hour): submit sends {room}, watching paces the rest"
            )
        return planned

    def _select(self, request: SubmitRequest) -> list[int]:
        if request.sample is None:
            return self.store.issues.select_issue_ids(request.selection)
        taxonomy = Taxonomy.of_group_options(_options(request))
        candidates = [
            Candidate(issue_id, key, taxonomy.of(labels))
            for issue_id, key, labels in self.store.issues.select_issue_labels(request.selection)
        ]
        return stratified_sample(candidates, request.sample, request.seed)

    def record(self, planned: PlannedSubmission) -> BatchGroup:
        """Store the group, every child (queued) and every item before anything goes to the provider."""
        request, plan = planned.request, planned.plan
        job_ids = [new_job_id() for _ in plan.batches]
        group = BatchGroup(
            group_id=new_group_id() if plan.split_required else job_ids[0],
            processor=request.processor,
            model=request.model,
            provider=request.provider,
            child_job_ids=job_ids,
            total_issues=plan.total_issues,
            is_split_job=plan.split_required,
            batch_size=plan.batch_size,
            split_plan=plan.summary(),
            created_at=utcnow(),
            options=_options(request),
            selection=_selection(request),
        )
        jobs, start = [], 0
        for job_id, batch in zip(job_ids, plan.batches, strict=True):
            ids = planned.issue_ids[start : start + batch.issue_count]
            start += batch.issue_count
            jobs.append(
                NewJob(
                    job_id,
                    batch.batch_number,
                    plan.total_batches,
                    [(i, custom_id_for(i)) for i in ids],
                    batch.estimated_tokens,
                    batch.request_bytes,
                )
            )
        self.store.jobs.create_group(group, jobs)
        return group

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
        return await self.each(chosen, lambda c: self.jobs.submit(c, requests, listing))

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
        """New batches the provider still creates in this rolling hour (counting what we sent)."""
        sent = self.store.pacing.submitted_since(utcnow() - timedelta(hours=1), self.provider.name)
        return max(0, self.provider.max_batches_per_hour - sent)

    async def adopt(self, group_id: str) -> None:
        """Children left `submitting` by a crash: adopt the provider batches found for them (finder.py). The
        rest stay `submitting` for `batch submit --resume` or `batch watch`; nothing new is sent from here."""
        stranded = [c for c in self._without_provider_id(group_id) if c.status is JobStatus.SUBMITTING]
        if not stranded:
            return
        found = await find_created(self.provider, self.store.jobs, stranded)
        for child in stranded:
            if batch := found.batches.get(child.job_id):
                self.jobs.adopt(child, batch)
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
        refreshed = await fetch_group_changes(self.jobs, self.store.jobs.jobs(group_id), self.each)
        self.jobs.apply_changes(refreshed.changes)
        status = self.status(group_id)
        if refreshed.missing:
            status.missing_at_provider = [job.job_id for job in refreshed.missing]
        return status

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
        return await self.each([j for j in jobs if not j.status.is_terminal], self.jobs.cancel)

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
        return _prepare(self.store, group.processor, _processor_options(group.model, group.options))


def _options(request: SubmitRequest) -> dict[str, Any]:
    return {
        "label_prefix": request.label_prefix,
        "fixed_labels": [lb.model_dump() for lb in request.fixed_labels] if request.fixed_labels else None,
        "request_options": request.request_options,
        "blind": request.blind,
    }


def _selection(request: SubmitRequest) -> dict[str, Any]:
    sampled = {"sample": request.sample, "seed": request.seed} if request.sample is not None else {}
    return {**asdict(request.selection), **sampled}


def _processor_options(model: str, options: dict[str, Any]) -> ProcessorOptions:
    fixed = options.get("fixed_labels")
    return ProcessorOptions(
        model=model,
        label_prefix=options.get("label_prefix", defaults.LABEL_PREFIX),
        fixed_labels=tuple(LabelRecord.model_validate(lb) for lb in fixed) if fixed else None,
        request_options=dict(options.get("request_options") or {}),
        blind=bool(options.get("blind")),
    )


def _prepare(store: Store, name: str, options: ProcessorOptions) -> PreparedProcessor:
    return registered_processor(name).prepare(store.issues, options)
