"""The batch workflow as the CLI (and users' scripts) call it: ids resolved, errors in domain words (the CLI
phrases them), each call entering the async managers with one `asyncio.run`. Every command that follows a
group talks to the provider the group was submitted to; each provider is built once (provider_pool.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import TypeVar

from github_issue_analysis import defaults, errors
from github_issue_analysis.ai.providers.base import BatchProvider, ProviderError
from github_issue_analysis.ai.registry import create_provider
from github_issue_analysis.config import Settings
from github_issue_analysis.domain.groups import BatchGroup, BatchGroupStatus, summarize
from github_issue_analysis.domain.jobs import BatchJob, JobStatus
from github_issue_analysis.errors import OperationFailed, UsageError
from github_issue_analysis.storage.batch_records import RetryRaced
from github_issue_analysis.storage.store import Store

from .batch_group_manager import BatchGroupManager, GroupCollectReport
from .batch_splitter import RequestTooLarge
from .budget import BudgetedPlan, newest_within, whole_within
from .group_retry import NothingToRetry
from .job_runner import SubmitOutcome
from .plan_stream import PlanStream, chunk_size
from .planner import NothingToDo, PlannedSubmission, SubmitPlanner, check_issue_number, skips_taken
from .provider_pool import ProviderPool
from .result_collector import CollectReport, NotCollectable
from .stranded import adopt_batch, mark_unsent
from .submit_claim import SubmitClaim
from .submit_request import SubmitRequest, resolved
from .watcher import WatchOptions, WatchProgress, watch_group

T = TypeVar("T")


@dataclass(frozen=True)
class SubmitResult:
    group: BatchGroup
    status: BatchGroupStatus
    problems: list[str]
    planned: PlannedSubmission | None = None  # what was recorded (a new submission)
    skipped_in_flight: list[tuple[str, str, int]] = field(default_factory=list)  # (org, repo, number)


class BatchService:
    def __init__(
        self, store: Store, settings: Settings, provider_factory: Callable[[str], BatchProvider] | None = None
    ) -> None:
        self.store = store
        self.settings = settings
        self._providers = ProviderPool(provider_factory or (lambda name: create_provider(name, settings)))

    def session(self) -> AbstractContextManager[None]:
        """Every call until the end on one event loop, each provider built once and closed at the end (a
        scheduled step makes many calls: the providers keep their connections between them)."""
        return self._providers.session()

    def require_key(self, provider_name: str) -> None:
        """The provider's key is there (MissingCredentials names the setting otherwise)."""
        self._checked_provider(provider_name)

    # -- submit ----------------------------------------------------------------------------------------
    def plan(self, request: SubmitRequest, in_chunks: bool = False) -> PlannedSubmission:
        """The plan for `request`, its model resolved here once (GH_ANALYSIS_MODEL when none was asked for).
        `in_chunks`: a selection larger than one chunk is measured for its first chunk only; `submit` plans
        the rest chunk by chunk while sending (plan_stream.py)."""
        request, provider = resolved(request, self.settings.model, self._provider)
        check_issue_number(self.store.issues, request.selection)
        chunk = chunk_size(request.batch_size) if in_chunks else None
        try:
            return SubmitPlanner(self.store, provider).plan(request, chunk)
        except NothingToDo as error:
            raise errors.NothingToSubmit(error.already_done, error.in_flight, request.selection.org) from None
        except RequestTooLarge as error:
            raise UsageError(str(error)) from None

    def plan_within(
        self, request: SubmitRequest, issue_ids: Sequence[int] | None, budget_usd: float | None
    ) -> BudgetedPlan:
        """The plan of what fits `budget_usd` (None: no cap) at batch prices (budget.py): the first of
        `issue_ids` (the caller's order: newest first) whose estimate fits, the rest deferred; `issue_ids`
        None: the request's own selection (a sample), whole or not at all. Each request is measured once.
        A model without a price: OperationFailed (the budget cannot be held)."""
        if issue_ids is None:
            return whole_within(self.plan(request), budget_usd)
        request, provider = resolved(request, self.settings.model, self._provider)
        try:
            return newest_within(SubmitPlanner(self.store, provider), request, list(issue_ids), budget_usd)
        except NothingToDo as error:
            raise errors.NothingToSubmit(error.already_done, error.in_flight) from None
        except RequestTooLarge as error:
            raise UsageError(str(error)) from None

    def submit(
        self,
        planned: PlannedSubmission,
        before_send: Callable[[PlannedSubmission, BatchGroup], None] | None = None,
    ) -> SubmitResult:
        """Record the planned group, then send what the budget and pace allow (the rest waits for `watch`).
        `before_send(plan as recorded, group)` runs once the group is recorded and before anything is sent
        (a caller's own records of the group: a crash after it finds them); not for a plan in chunks."""
        request = planned.request
        provider = self._checked_provider(request.provider_name)  # no key: nothing stored
        if planned.unplanned:
            if before_send is not None:
                raise ValueError("a plan in chunks records its issues while sending: no before_send")
            return self._submit_in_chunks(provider, planned)
        try:
            planned, group = self._record_claimed(SubmitPlanner(self.store, provider), planned)
        except NothingToDo as error:
            raise errors.NothingToSubmit(error.already_done, error.in_flight) from None
        if before_send is not None:
            before_send(planned, group)
        result = self._send(group.group_id, request.concurrency, request.max_enqueued_tokens)
        return self._with_plan(result, planned)

    def _record_claimed(
        self, planner: SubmitPlanner, planned: PlannedSubmission
    ) -> tuple[PlannedSubmission, BatchGroup]:
        """Record the group while holding its issues (submit_claim.py): what another run holds or recorded
        since planning is left out, so concurrent runs never send an issue twice."""
        if not (skips_taken(planned.request) or planned.chosen):
            return planned, planner.record(planned)
        with SubmitClaim(self.store.issue_claims, planned.request.processor) as claim:
            planned = planner.settle(planned, claim.take(planned.issue_ids))
            return planned, planner.record(planned)

    def _submit_in_chunks(self, provider: BatchProvider, head: PlannedSubmission) -> SubmitResult:
        """Record the group with its selection, then plan it chunk by chunk, each chunk sent once recorded."""
        stream = PlanStream.start(self.store, provider, head)
        request = head.request
        result = self._send(stream.group_id, request.concurrency, request.max_enqueued_tokens, stream)
        planned = stream.recorded_plan(head)
        if not result.group.child_job_ids and self.store.jobs.selection(stream.group_id) is None:
            self.store.jobs.delete_group(stream.group_id)  # other runs took every issue meanwhile
            raise errors.NothingToSubmit(planned.skipped_with_results, planned.skipped_in_flight)
        return self._with_plan(result, planned)

    def _with_plan(self, result: SubmitResult, planned: PlannedSubmission) -> SubmitResult:
        """The result with the plan as recorded and the issues left out because another run held them."""
        held = self.store.issues.issues_by_id(planned.in_flight_ids)
        return replace(result, planned=planned, skipped_in_flight=[(i.org, i.repo, i.number) for i in held])

    def unplanned(self, group_id: str) -> int:
        """Issues of a group a run cut short before planning them (the next resume plans and sends them)."""
        stored = self.store.jobs.selection(group_id)
        return len(stored.unplanned) if stored else 0

    def resume(self, group_id: str, concurrency: int, max_enqueued_tokens: int | None = None) -> SubmitResult:
        """Finish a submission that stopped half-way: adopt what reached the provider, send the rest."""
        return self._send(self.group_id(group_id, "resume"), concurrency, max_enqueued_tokens)

    def unsent(self, group_id: str) -> list[BatchJob]:
        """Children not (or not known to be) at the provider yet: what a resume would send."""
        return [
            c
            for c in self.store.jobs.jobs(group_id)
            if not c.superseded and c.status in (JobStatus.QUEUED, JobStatus.SUBMITTING)
        ]

    def group(self, group_id: str) -> BatchGroup:
        return self._group(group_id)

    def _send(
        self, group_id: str, concurrency: int, max_enqueued_tokens: int | None, stream: PlanStream | None = None
    ) -> SubmitResult:
        manager = self._manager(self._group(group_id).provider, concurrency, require_key=True)

        async def send() -> list[str]:
            return (
                _problems(await manager.submit_pending(group_id, max_enqueued_tokens, stream)) + manager.plan_problems
            )

        return self._result(manager, group_id, self._run(manager, send))

    def _result(self, manager: BatchGroupManager, group_id: str, problems: list[str]) -> SubmitResult:
        group = self.store.jobs.group(group_id)
        assert group is not None
        return SubmitResult(group, manager.status(group_id), problems)

    # -- look ------------------------------------------------------------------------------------------
    def resolve(self, id_prefix: str) -> tuple[str, str]:
        """('group' | 'job', full id) through the store's one id lookup (UnknownId, AmbiguousId)."""
        found = self.store.ids.find(id_prefix)
        return found.kind, found.id

    def group_id(self, id_prefix: str, action: str) -> str:
        """The group an id names; a child job's id is refused (`action`: collect, cancel, retry, watch, resume):
        acting on a whole group is not what someone naming one job meant."""
        found = self.store.ids.find(id_prefix)
        if found.id != found.group_id:
            raise errors.WrongIdKind(found.id, action, found.group_id)
        return found.group_id

    def job_id(self, id_prefix: str, action: str) -> str:
        kind, found = self.resolve(id_prefix)
        if kind == "group":
            raise errors.WrongIdKind(found, action)
        return found

    def group_status(self, group_id: str, refresh: bool = True) -> BatchGroupStatus:
        manager = self._manager(self._group(group_id).provider)
        if not refresh:
            return manager.status(group_id)
        return self._run(manager, lambda: manager.refresh(group_id))

    def job_status(self, job_id: str, refresh: bool = True) -> BatchJob:
        job = self._job(job_id)
        manager = self._manager(self._group(job.group_id).provider)
        if refresh and not job.status.is_terminal:
            if job.provider_batch_id is None:
                self._run(manager, lambda: manager.adopt(job.group_id))  # a batch created before a crash
            else:
                self._run(manager, lambda: manager.runner.refresh(job))
        return self._job(job_id)

    def groups(self, limit: int | None = None) -> list[tuple[BatchGroup, BatchGroupStatus]]:
        return [(group, summarize(group, children)) for group, children in self.store.jobs.groups(limit)]

    def jobs(self, limit: int | None = None) -> list[BatchJob]:
        return self.store.jobs.jobs(limit=limit)

    # -- act -------------------------------------------------------------------------------------------
    def collect_job(self, job_id: str) -> CollectReport:
        group = self._group(self._job(job_id).group_id)
        manager = self._manager(group.provider)

        async def refresh_then_collect() -> CollectReport:
            job = await manager.runner.refresh(self._job(job_id))
            return await manager.collector.collect(job, manager.prepared(group), group.model)

        try:
            return self._run(manager, refresh_then_collect)
        except NotCollectable as error:
            raise OperationFailed(str(error)) from None

    def collect_group(self, group_id: str) -> GroupCollectReport:
        return self.collect_groups([group_id])[0]

    def collect_groups(self, group_ids: Sequence[str]) -> list[GroupCollectReport]:
        """Refresh the groups together (one walk of each provider's list pages), then collect each."""
        by_provider: dict[str, list[str]] = {}
        for group_id in group_ids:
            by_provider.setdefault(self._group(group_id).provider, []).append(group_id)
        reports: list[GroupCollectReport] = []
        for provider, ids in by_provider.items():
            manager = self._manager(provider)

            async def refresh_then_collect(manager: BatchGroupManager = manager, ids: list[str] = ids) -> None:
                await manager.refresh_groups(ids)
                reports.extend([await manager.collect(group_id) for group_id in ids])

            self._run(manager, refresh_then_collect)
        return reports

    def cancel_job(self, job_id: str) -> BatchJob:
        job = self._job(job_id)
        manager = self._manager(self._group(job.group_id).provider)
        return self._run(manager, lambda: manager.runner.cancel(job))

    def cancel_group(self, group_id: str) -> list[BatchJob]:
        manager = self._manager(self._group(group_id).provider)
        return self._run(manager, lambda: manager.cancel(group_id))

    def retry_group(
        self, group_id: str, failed_only: bool, concurrency: int, confirm: Callable[[int], None] = lambda _: None
    ) -> SubmitResult:
        """`confirm(batches)` is called before more than one batch is sent; it raises to refuse."""
        manager = self._manager(self._group(group_id).provider, concurrency, require_key=True)

        async def collect_then_resend() -> list[str]:
            await manager.refresh(group_id)
            await manager.collect(group_id)  # partial results first: they are never sent again
            self._add_retry_children(manager, group_id, failed_only, confirm)
            return _problems(await manager.submit_pending(group_id))

        problems = self._run(manager, collect_then_resend)
        return self._result(manager, group_id, problems)

    def _add_retry_children(
        self, manager: BatchGroupManager, group_id: str, failed_only: bool, confirm: Callable[[int], None]
    ) -> None:
        requeued = sum(j.status is JobStatus.QUEUED and not j.superseded for j in self.store.jobs.jobs(group_id))
        try:
            jobs, superseded = manager.retry_children(group_id, failed_only=failed_only)
            if len(jobs) + requeued > 1:
                confirm(len(jobs) + requeued)
            self.store.jobs.add_jobs(group_id, jobs, superseded)
        except RetryRaced:
            raise errors.ConcurrentChange(group_id, "retrying") from None
        except RequestTooLarge as error:
            raise UsageError(str(error)) from None
        except NothingToRetry as error:
            if not requeued:  # children sent back to the queue (enqueued-token limit) are retried as they are
                raise OperationFailed(str(error)) from None

    def watch(
        self, group_id: str, options: WatchOptions, concurrency: int, on_progress: Callable[[WatchProgress], None]
    ) -> BatchGroupStatus:
        manager = self._manager(self._group(group_id).provider, concurrency, require_key=True)
        return self._run(manager, lambda: watch_group(manager, group_id, options, on_progress))

    def adopt_batch(self, job_id: str, provider_batch_id: str) -> BatchJob:
        """Settle a child left `submitting`: take `provider_batch_id` as its batch (stranded.py)."""
        job = self._job(job_id)
        manager = self._manager(self._group(job.group_id).provider, require_key=True)
        return self._run(manager, lambda: adopt_batch(manager.runner, self.store, job, provider_batch_id))

    def mark_unsent(self, job_id: str) -> BatchJob:
        """Settle a child left `submitting` that the provider has no batch of: back to the queue."""
        job = self._job(job_id)
        return mark_unsent(self._manager(self._group(job.group_id).provider).runner, self.store, job)

    def remove(self, id_prefix: str, force: bool) -> list[str]:
        kind, found = self.resolve(id_prefix)
        jobs = [self._job(found)] if kind == "job" else self.store.jobs.jobs(found)
        running = [j for j in jobs if j.provider_batch_id and not j.status.is_terminal]
        if running and not force:
            raise errors.StillRunning(found, len(running))
        waiting = [j for j in jobs if j.collected_at is None and j.status.has_output]
        if waiting and not force:
            raise errors.UncollectedResults(found, len(waiting), kind == "group")
        if running:
            manager = self._manager(self._group(jobs[0].group_id).provider)
            self._run(manager, lambda: manager.cancel_jobs(running))
        if kind == "job":
            self.store.jobs.delete_job(found)
        else:
            self.store.jobs.delete_group(found)
        return [j.job_id for j in jobs]

    # -- plumbing --------------------------------------------------------------------------------------
    def _provider(self, name: str) -> BatchProvider:
        return self._providers.get(name)

    def _checked_provider(self, name: str) -> BatchProvider:
        provider = self._provider(name)
        provider.require_key()
        return provider

    def _manager(self, provider: str, concurrency: int | None = None, require_key: bool = False) -> BatchGroupManager:
        """A manager over the named provider (the group's own); `require_key` for work that must reach it."""
        chosen = self._checked_provider(provider) if require_key else self._provider(provider)
        return BatchGroupManager(self.store, chosen, concurrency or defaults.CONCURRENCY, self.settings.retry_seconds)

    def _run(self, manager: BatchGroupManager, work: Callable[[], Awaitable[T]]) -> T:
        try:
            return self._providers.run(manager.provider, work)
        except ProviderError as error:
            raise OperationFailed(str(error)) from None

    def _job(self, job_id: str) -> BatchJob:
        job = self.store.jobs.job(job_id)
        if job is None:
            raise UsageError(f"no batch job '{job_id}'")
        return job

    def model_of(self, group_id: str) -> str:
        """The model a group was submitted with (its jobs' usage is priced at it)."""
        return self._group(group_id).model

    def _group(self, group_id: str) -> BatchGroup:
        group = self.store.jobs.group(group_id)
        if group is None:
            raise UsageError(f"no batch group '{group_id}'")
        return group


def _problems(outcomes: list[SubmitOutcome]) -> list[str]:
    """Children that could not be sent now (they stay resumable), with why; one another process holds or sent
    is that process's work, not a problem of this run."""
    return [f"{o.job.job_id}: {o.reason}" for o in outcomes if not o.submitted and o.reason and not o.elsewhere]
