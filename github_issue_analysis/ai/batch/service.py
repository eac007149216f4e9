"""The batch workflow as the CLI (and users' scripts) call it: ids resolved, errors made plain, each
call entering the async managers with one `asyncio.run`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from github_issue_analysis import defaults
from github_issue_analysis.ai.processors import get_processor, processor_names
from github_issue_analysis.ai.processors.base import ProcessorInputError
from github_issue_analysis.ai.providers import provider_for
from github_issue_analysis.ai.providers.base import BatchProvider, ProviderError
from github_issue_analysis.config import Settings
from github_issue_analysis.domain.groups import BatchGroup, BatchGroupStatus, summarize
from github_issue_analysis.domain.jobs import BatchJob, JobStatus
from github_issue_analysis.errors import OperationFailed, UsageError
from github_issue_analysis.storage.batch_store import AmbiguousId, RetryRaced
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.store import Store

from .batch_group_manager import BatchGroupManager, GroupCollectReport, NothingToDo, PlannedSubmission, SubmitRequest
from .batch_manager import SubmitOutcome
from .batch_splitter import RequestTooLarge
from .collector import CollectReport, NotCollectable
from .group_retry import NothingToRetry, plan_retry
from .watcher import WatchOptions, WatchProgress, watch_group

T = TypeVar("T")


class NothingToSubmit(OperationFailed):
    """The selection has no issue left to submit (all have results, or none matched)."""


@dataclass(frozen=True)
class SubmitResult:
    group: BatchGroup
    status: BatchGroupStatus
    problems: list[str]


class BatchService:
    def __init__(
        self, store: Store, settings: Settings, provider_factory: Callable[[], BatchProvider] | None = None
    ) -> None:
        self.store = store
        self.settings = settings
        self._provider_factory = provider_factory or (lambda: provider_for("openai", settings))

    # -- submit ----------------------------------------------------------------------------------------
    def plan(self, request: SubmitRequest) -> PlannedSubmission:
        if get_processor(request.processor) is None:
            raise UsageError(f"unknown processor '{request.processor}'; choose one of: {', '.join(processor_names())}")
        if request.batch_size < 1:
            raise UsageError("--batch-size must be at least 1")
        self._check_issue_number(request.selection)
        try:
            return self._manager().plan(request)
        except NothingToDo as error:
            raise NothingToSubmit(str(error)) from None
        except (ProcessorInputError, RequestTooLarge) as error:
            raise UsageError(str(error)) from None

    def _check_issue_number(self, selection: IssueSelection) -> None:
        """`--issue-number` without `--repo` is fine while the number names one issue of the organization."""
        if selection.issue_number is None or selection.repo is not None:
            return
        repos = sorted({issue.repo for issue in self.store.issues.select_issues(selection)})
        if len(repos) > 1:
            raise UsageError(
                f"issue #{selection.issue_number} exists in several repositories of {selection.org} "
                f"({', '.join(repos)}); add --repo"
            )

    def submit(
        self, planned: PlannedSubmission, concurrency: int, max_enqueued_tokens: int | None = None
    ) -> SubmitResult:
        self._require_key()
        group = self._manager().record(planned)
        return self._send(group.group_id, concurrency, max_enqueued_tokens)

    def resume(self, group_id: str, concurrency: int, max_enqueued_tokens: int | None = None) -> SubmitResult:
        """Finish a submission that stopped half-way: adopt what reached the provider, send the rest."""
        self._require_key()
        return self._send(self.group_id(group_id, "submit --resume"), concurrency, max_enqueued_tokens)

    def _send(self, group_id: str, concurrency: int, max_enqueued_tokens: int | None) -> SubmitResult:
        manager = self._manager(concurrency)

        async def send() -> list[str]:
            return _problems(await manager.submit_pending(group_id, max_enqueued_tokens))

        return self._result(manager, group_id, self._run(manager, send))

    def _result(self, manager: BatchGroupManager, group_id: str, problems: list[str]) -> SubmitResult:
        group = self.store.batches.group(group_id)
        assert group is not None
        return SubmitResult(group, manager.status(group_id), problems)

    # -- look ------------------------------------------------------------------------------------------
    def resolve(self, id_prefix: str) -> tuple[str, str]:
        try:
            found = self.store.batches.resolve(id_prefix)
        except AmbiguousId as error:
            shown = ", ".join(error.matches[:5])
            raise UsageError(f"'{id_prefix}' matches several jobs or groups ({shown}); give more characters") from None
        if found is None:
            raise UsageError(f"no batch job or group matches '{id_prefix}'; see `gh-analysis batch list --groups`")
        return found

    def group_id(self, id_prefix: str, command: str) -> str:
        """The group an id names; a child job's id is refused with the commands that fit it."""
        kind, found = self.resolve(id_prefix)
        job = self.store.batches.job(found) if kind == "job" else None
        if job is not None and job.group_id != job.job_id:
            for_job = {"group-collect": "collect", "group-cancel": "cancel"}.get(command)
            job_hint = f"`gh-analysis batch {for_job} {found}` for the job, or " if for_job else ""
            raise UsageError(
                f"{found} is a job of group {job.group_id}; use {job_hint}"
                f"`gh-analysis batch {command} {job.group_id}` for the group"
            )
        return found

    def job_id(self, id_prefix: str, command: str) -> str:
        kind, found = self.resolve(id_prefix)
        if kind == "group":
            raise UsageError(f"{found} is a batch group; use `gh-analysis batch group-{command} {found}`")
        return found

    def group_status(self, group_id: str, refresh: bool = True) -> BatchGroupStatus:
        manager = self._manager()
        if not refresh:
            return manager.status(group_id)
        return self._run(manager, lambda: manager.refresh(group_id))

    def job_status(self, job_id: str, refresh: bool = True) -> BatchJob:
        manager = self._manager()
        job = self._job(job_id)
        if refresh and not job.status.is_terminal:
            if job.provider_batch_id is None:
                self._run(manager, lambda: manager.adopt(job.group_id))  # a batch created before a crash
            else:
                self._run(manager, lambda: manager.jobs.refresh(job))
        return self._job(job_id)

    def groups(self, limit: int | None = None) -> list[tuple[BatchGroup, BatchGroupStatus]]:
        return [(group, summarize(group, children)) for group, children in self.store.batches.groups(limit)]

    def jobs(self, limit: int | None = None) -> list[BatchJob]:
        return self.store.batches.jobs(limit=limit)

    # -- act -------------------------------------------------------------------------------------------
    def collect_job(self, job_id: str) -> CollectReport:
        manager = self._manager()
        group = self._group(self._job(job_id).group_id)

        async def refresh_then_collect() -> CollectReport:
            job = await manager.jobs.refresh(self._job(job_id))
            return await manager.collector.collect(job, manager.prepared(group), group.model)

        try:
            return self._run(manager, refresh_then_collect)
        except NotCollectable as error:
            raise OperationFailed(str(error)) from None

    def collect_group(self, group_id: str) -> GroupCollectReport:
        manager = self._manager()

        async def refresh_then_collect() -> GroupCollectReport:
            await manager.refresh(group_id)
            return await manager.collect(group_id)

        return self._run(manager, refresh_then_collect)

    def cancel_job(self, job_id: str) -> BatchJob:
        manager = self._manager()
        job = self._job(job_id)
        return self._run(manager, lambda: manager.jobs.cancel(job))

    def cancel_group(self, group_id: str) -> list[BatchJob]:
        manager = self._manager()
        return self._run(manager, lambda: manager.cancel(group_id))

    def retry_group(self, group_id: str, failed_only: bool, concurrency: int) -> SubmitResult:
        self._require_key()
        manager = self._manager(concurrency)

        async def collect_then_resend() -> list[str]:
            await manager.refresh(group_id)
            await manager.collect(group_id)  # partial results first: they are never sent again
            self._add_retry_children(group_id, failed_only)
            return _problems(await manager.submit_pending(group_id))

        problems = self._run(manager, collect_then_resend)
        return self._result(manager, group_id, problems)

    def _add_retry_children(self, group_id: str, failed_only: bool) -> None:
        requeued = any(j.status is JobStatus.QUEUED and not j.superseded for j in self.store.batches.jobs(group_id))
        try:
            jobs, superseded = plan_retry(self.store, group_id, failed_only)
            self.store.batches.add_jobs(group_id, jobs, superseded)
        except RetryRaced:
            raise OperationFailed(f"another process is retrying {group_id} right now; see `batch status`") from None
        except NothingToRetry as error:
            if not requeued:  # children sent back to the queue (enqueued-token limit) are retried as they are
                raise OperationFailed(str(error)) from None

    def watch(
        self, group_id: str, options: WatchOptions, concurrency: int, on_progress: Callable[[WatchProgress], None]
    ) -> BatchGroupStatus:
        self._require_key()
        manager = self._manager(concurrency)
        return self._run(manager, lambda: watch_group(manager, group_id, options, on_progress))

    def remove(self, id_prefix: str, force: bool) -> list[str]:
        kind, found = self.resolve(id_prefix)
        jobs = [self._job(found)] if kind == "job" else self.store.batches.jobs(found)
        running = [j for j in jobs if j.provider_batch_id and not j.status.is_terminal]
        if running and not force:
            raise UsageError(
                f"{found} still has {len(running)} batch(es) running at the provider; cancel first "
                "(`batch cancel` / `batch group-cancel`) or pass --force"
            )
        if running:
            manager = self._manager()
            self._run(manager, lambda: manager.cancel_jobs(running))
        if kind == "job":
            self.store.batches.delete_job(found)
        else:
            self.store.batches.delete_group(found)
        return [j.job_id for j in jobs]

    # -- plumbing --------------------------------------------------------------------------------------
    def _manager(self, concurrency: int | None = None) -> BatchGroupManager:
        return BatchGroupManager(
            self.store, self._provider_factory(), concurrency or defaults.CONCURRENCY, self.settings.retry_seconds
        )

    def _require_key(self) -> None:
        if not self.settings.openai_api_key:
            raise UsageError("OPENAI_API_KEY is not set: export it (or put it in .env) and run again")

    def _run(self, manager: BatchGroupManager, work: Callable[[], Awaitable[T]]) -> T:
        async def run() -> T:
            try:
                return await work()
            finally:
                await manager.provider.close()

        try:
            return asyncio.run(run())
        except ProviderError as error:
            raise OperationFailed(str(error)) from None

    def _job(self, job_id: str) -> BatchJob:
        job = self.store.batches.job(job_id)
        if job is None:
            raise UsageError(f"no batch job '{job_id}'")
        return job

    def _group(self, group_id: str) -> BatchGroup:
        group = self.store.batches.group(group_id)
        if group is None:
            raise UsageError(f"no batch group '{group_id}'")
        return group


def _problems(outcomes: list[SubmitOutcome]) -> list[str]:
    """Children that could not be sent now (they stay resumable), with why."""
    return [f"{o.job.job_id}: {o.reason}" for o in outcomes if not o.submitted and o.reason]
