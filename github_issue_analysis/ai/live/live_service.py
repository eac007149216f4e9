"""Label a few issues now through the provider's live API: the same requests, schema and validation as
the batch path, bounded concurrency, transient errors retried, each result stored as it arrives (`mode: live`)
and the cost counted at live prices."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from github_issue_analysis import errors
from github_issue_analysis.ai.batch.examples import with_examples
from github_issue_analysis.ai.batch.planner import check_issue_number, prepared
from github_issue_analysis.ai.batch.submit_request import SubmitRequest, resolved
from github_issue_analysis.ai.processors.base import PreparedProcessor
from github_issue_analysis.ai.providers.base import LiveAnswer, LiveProvider, ProviderError
from github_issue_analysis.ai.providers.pricing import price_for
from github_issue_analysis.ai.registry import create_live_provider
from github_issue_analysis.config import Settings
from github_issue_analysis.domain.model_request import ModelRequest
from github_issue_analysis.domain.usage import TokenUsage
from github_issue_analysis.storage.issue_store import StoredIssue
from github_issue_analysis.storage.store import Store

ATTEMPTS = 3  # on top of the SDK's own retries of 429 and 5xx


@dataclass(frozen=True)
class LiveResult:
    org: str
    repo: str
    issue_number: int
    model: str
    analysis: dict[str, Any]


@dataclass(frozen=True)
class LiveFailure:
    org: str
    repo: str
    issue_number: int
    error: str


@dataclass
class ProcessReport:
    provider: str
    model: str
    results: list[LiveResult] = field(default_factory=list)
    failed: list[LiveFailure] = field(default_factory=list)
    usage: TokenUsage = field(default_factory=TokenUsage)

    @property
    def cost_usd(self) -> float | None:
        price = price_for(self.model, live=True)
        return price.cost_of(self.usage) if price else None


class LiveService:
    def __init__(
        self, store: Store, settings: Settings, provider_factory: Callable[[str], LiveProvider] | None = None
    ) -> None:
        self.store = store
        self.settings = settings
        self._provider_factory = provider_factory or (lambda name: create_live_provider(name, settings))

    def process(self, request: SubmitRequest) -> ProcessReport:
        """Label the request's selection now; its model is resolved here once (GH_ANALYSIS_MODEL when none
        was asked for). The request's concurrency bounds the live calls in flight."""
        request, provider = resolved(request, self.settings.model, self._provider_factory)
        check_issue_number(self.store.issues, request.selection)
        issues = self._selected(request.selection, request.processor, request.reprocess)
        request = with_examples(self.store, request, [issue.id for issue in issues])
        processor = prepared(self.store, request)
        requests = [(issue, processor.request(issue)) for issue in issues]  # bad input stops before sending
        provider.require_key()
        report = ProcessReport(request.provider_name, request.model_name)
        asyncio.run(self._run(provider, processor, requests, report, request.concurrency))
        return report

    def _selected(self, selection: Any, processor_name: str, reprocess: bool) -> list[StoredIssue]:
        """The selection less issues with a result and issues in flight in a batch (paid for once already),
        unless `reprocess`."""
        ids = self.store.issues.select_issue_ids(selection)
        done: set[int] = set()
        coming: set[int] = set()
        if not reprocess:
            done = self.store.results.issues_with_current_result(ids, processor_name)
            coming = self.store.job_items.issues_in_flight([i for i in ids if i not in done], processor_name)
        chosen = [i for i in ids if i not in done and i not in coming]
        if not chosen:
            raise errors.NothingToSubmit(len(done), len(coming), selection.org)
        return self.store.issues.issues_by_id(chosen)

    async def _run(
        self,
        provider: LiveProvider,
        prepared: PreparedProcessor,
        requests: list[tuple[StoredIssue, ModelRequest]],
        report: ProcessReport,
        concurrency: int,
    ) -> None:
        limit = asyncio.Semaphore(concurrency)

        async def one(issue: StoredIssue, request: ModelRequest) -> None:
            async with limit:
                answer = await self._complete(provider, request, issue, report)
            if answer is not None:
                self._judge(prepared, issue, answer, report)

        try:
            await asyncio.gather(*(one(issue, request) for issue, request in requests))
        finally:
            await provider.close()

    async def _complete(
        self, provider: LiveProvider, request: ModelRequest, issue: StoredIssue, report: ProcessReport
    ) -> LiveAnswer | None:
        delay = self.settings.retry_seconds
        for attempt in range(ATTEMPTS):
            try:
                return await provider.complete(request)
            except ProviderError as error:
                if error.credentials_rejected:  # every other issue would fail the same way
                    raise errors.OperationFailed(str(error)) from None
                if not error.transient or attempt == ATTEMPTS - 1:
                    report.failed.append(LiveFailure(issue.org, issue.repo, issue.number, str(error)))
                    return None
            await asyncio.sleep(delay)
            delay *= 2
        return None

    def _judge(
        self, prepared: PreparedProcessor, issue: StoredIssue, answer: LiveAnswer, report: ProcessReport
    ) -> None:
        """Validate with the processor's model; a valid answer is stored at once (paid results are kept)."""
        report.usage += answer.usage
        failure = LiveFailure(issue.org, issue.repo, issue.number, "")
        if answer.refusal is not None:
            report.failed.append(replace(failure, error=f"refused: {answer.refusal}"))
            return
        try:
            valid = prepared.validate(issue.org, issue.repo, answer.content or "")
        except ValueError as error:
            report.failed.append(replace(failure, error=str(error)))
            return
        self.store.results.record_live(
            issue.id, prepared.name, report.model, valid.analysis, valid.confidence, answer.usage, answer.content
        )
        report.results.append(LiveResult(issue.org, issue.repo, issue.number, report.model, valid.analysis))
