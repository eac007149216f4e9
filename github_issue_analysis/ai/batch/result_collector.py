"""Collect one finished child job: read output and error files by custom_id, validate, store."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from github_issue_analysis.ai.processors.base import PreparedProcessor
from github_issue_analysis.ai.providers.answers import MalformedAnswer
from github_issue_analysis.ai.providers.base import BatchProvider
from github_issue_analysis.domain.jobs import BatchJob, ItemErrorKind, ItemState, JobStatus
from github_issue_analysis.domain.provider_batches import ItemOutcome
from github_issue_analysis.domain.usage import TokenUsage
from github_issue_analysis.storage.batch_records import (
    AlreadyCollected,
    CollectedResult,
    FailedItem,
    JobItem,
)
from github_issue_analysis.storage.store import Store


class NotCollectable(Exception):
    pass


@dataclass
class CollectReport:
    job_id: str
    collected: int = 0
    failed: int = 0
    already_collected: bool = False
    failures_by_kind: dict[str, int] = field(default_factory=dict)
    usage: TokenUsage = field(default_factory=TokenUsage)


_MISSING_KIND = {
    JobStatus.EXPIRED: (ItemErrorKind.EXPIRED, "the batch expired before this request ran"),
    JobStatus.CANCELLED: (ItemErrorKind.CANCELLED, "the batch was cancelled before this request ran"),
    JobStatus.FAILED: (ItemErrorKind.BATCH_FAILED, "the batch failed"),
}


class JobCollector:
    def __init__(self, store: Store, provider: BatchProvider) -> None:
        self.jobs = store.jobs
        self.job_items = store.job_items
        self.provider = provider

    async def collect(self, job: BatchJob, processor: PreparedProcessor, model: str) -> CollectReport:
        if job.collected_at is not None:
            return self._report_from_store(job, already=True)
        if not job.status.is_terminal:
            raise NotCollectable(f"job {job.job_id} is still {job.status.value}; collect it when it has finished")
        items = {item.custom_id: item for item in self.job_items.items(job.job_id)}
        collected: list[CollectedResult] = []
        failed: dict[str, FailedItem] = {}
        usage = TokenUsage()
        answered: set[str] = set()
        for file_id in (job.output_file_id, job.error_file_id):
            if not file_id:
                continue
            async for outcome in self.provider.read_outcomes(file_id):
                item = items.get(outcome.custom_id)
                if item is not None:
                    answered.add(outcome.custom_id)
                if item is None or outcome.custom_id in failed or item.state is ItemState.SUCCEEDED:
                    continue
                usage += outcome.usage
                result = _judge(outcome, item, processor)
                if isinstance(result, FailedItem):
                    failed[outcome.custom_id] = result
                else:
                    collected.append(result)
        _check_complete(job, len(answered))
        seen = {r.custom_id for r in collected} | set(failed)
        kind, message = _MISSING_KIND.get(job.status, (ItemErrorKind.MISSING, "no line for this request"))
        for custom_id, item in items.items():
            if custom_id not in seen and item.state is not ItemState.SUCCEEDED:
                failed[custom_id] = FailedItem(custom_id, kind, message)
        totals = replace(
            usage,
            input_tokens=job.input_tokens or usage.input_tokens,
            output_tokens=job.output_tokens or usage.output_tokens,
        )
        try:
            self.job_items.record_collection(job, processor.name, model, collected, list(failed.values()), totals)
        except AlreadyCollected:  # a concurrent `watch` or `collect` won the race
            fresh = self.jobs.job(job.job_id)
            assert fresh is not None
            return self._report_from_store(fresh, already=True)
        report = CollectReport(
            job.job_id, collected=len(collected), failed=job.total_items - len(collected), usage=totals
        )
        for failure in failed.values():
            report.failures_by_kind[failure.kind.value] = report.failures_by_kind.get(failure.kind.value, 0) + 1
        return report

    def _report_from_store(self, job: BatchJob, already: bool) -> CollectReport:
        report = CollectReport(
            job.job_id,
            collected=job.completed_items,
            failed=job.failed_items,
            already_collected=already,
            usage=job.usage,
        )
        for item in self.job_items.items(job.job_id):
            if item.state is ItemState.FAILED and item.error_kind:
                report.failures_by_kind[item.error_kind] = report.failures_by_kind.get(item.error_kind, 0) + 1
        return report


def _check_complete(job: BatchJob, answered: int) -> None:
    """The files must hold a line for every request the provider said it finished; otherwise what was read
    is not the whole output (a proxy's page, a cut-off download) and nothing is recorded from it."""
    reported = job.completed_items + job.failed_items
    if answered < reported:
        raise MalformedAnswer(
            f"the provider reported {reported} finished request(s) for job {job.job_id} but its output and "
            f"error files hold {answered}; nothing was recorded and the job stays collectable: run "
            f"`gh-analysis batch collect {job.job_id}` again later"
        )


def _judge(outcome: ItemOutcome, item: JobItem, processor: PreparedProcessor) -> CollectedResult | FailedItem:
    if outcome.error_kind is not None:
        return FailedItem(outcome.custom_id, outcome.error_kind, outcome.error_message or "")
    if item.org is None or item.repo is None:
        return FailedItem(outcome.custom_id, ItemErrorKind.MISSING, "the issue is no longer in the store")
    try:
        answer = processor.validate(item.org, item.repo, outcome.content or "")
    except ValueError as error:
        message = str(error)
        kind = ItemErrorKind.NON_JSON if "not JSON" in message else ItemErrorKind.SCHEMA_VIOLATION
        return FailedItem(outcome.custom_id, kind, message)
    return CollectedResult(
        item.issue_id, outcome.custom_id, answer.analysis, answer.confidence, outcome.usage, outcome.content
    )
