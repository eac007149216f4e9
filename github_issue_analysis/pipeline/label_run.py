"""`gh-analysis label`: collect (incremental when the organization is known) -> plan with cost -> confirm ->
submit -> watch -> summary and report -> (optionally) the label plan and apply. Running it again while its
group is in flight continues that group instead of submitting again; stopping the watch cancels nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from github_issue_analysis.ai.batch.batch_service import BatchService
from github_issue_analysis.ai.batch.planner import PlannedSubmission
from github_issue_analysis.ai.batch.submit_request import SubmitRequest
from github_issue_analysis.ai.batch.watcher import WatchOptions, WatchProgress
from github_issue_analysis.config import Settings
from github_issue_analysis.domain.groups import BatchGroupStatus
from github_issue_analysis.errors import NothingToSubmit
from github_issue_analysis.github_client import CollectionService, connect
from github_issue_analysis.labels.options import DEFAULT_MIN_CONFIDENCE, LabelSelection
from github_issue_analysis.labels.plan import LabelPlan

if TYPE_CHECKING:
    from github_issue_analysis.labels.apply import ApplyReport
    from github_issue_analysis.labels.session import EventHook
from github_issue_analysis.storage.store import Store

from .in_flight import RunKey, group_in_flight, matching_groups


@dataclass(frozen=True)
class LabelRunOptions:
    """What to label (the one submit request: organization, processor, model, limit, blindness) and what the
    run does after it."""

    request: SubmitRequest
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    apply: bool = False
    report_path: Path | None = None
    poll_seconds: float = 5.0

    @property
    def org(self) -> str:
        return self.request.selection.org

    @property
    def repo(self) -> str | None:
        return self.request.selection.repo


@dataclass
class LabelRunSteps:
    """What the run shows as it goes; `confirm_*` may raise to stop before anything is sent."""

    collected: Callable[[Any], None] = lambda _: None
    confirm_submit: Callable[[PlannedSubmission], None] = lambda _: None
    resuming: Callable[[str], None] = lambda _: None
    watching: Callable[[str], None] = lambda _: None
    progress: Callable[[WatchProgress], None] = lambda _: None


@dataclass
class LabelRunResult:
    group_id: str | None
    collected: int = 0
    submitted: int = 0
    results: int = 0
    failed: int = 0
    report: str | None = None
    resumed: bool = False
    status: BatchGroupStatus | None = None
    failures: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "group_id": self.group_id,
            "collected": self.collected,
            "submitted": self.submitted,
            "results": self.results,
            "failed": self.failed,
            "report": self.report,
            "resumed": self.resumed,
            "status": self.status.status.value if self.status else None,
        }


class LabelRun:
    def __init__(self, store: Store, settings: Settings, options: LabelRunOptions, steps: LabelRunSteps) -> None:
        self.store, self.settings, self.options, self.steps = store, settings, options, steps
        self.batches = BatchService(store, settings)
        self.request = options.request.with_model(settings.model)  # the model, resolved once
        request = self.request
        self.key = RunKey(
            request.selection, request.processor, request.provider_name, request.model_name, request.blind
        )

    def collect_and_submit(self) -> LabelRunResult:
        """Collect, then continue the run's group in flight or plan, confirm and submit a new one."""
        self._require_key()
        collection = CollectionService(self.store.issues, connect(self.settings))
        report = collection.collect_org(self.options.org, self.options.repo)
        self.steps.collected(report)
        result = LabelRunResult(group_id=group_in_flight(self.store, self.key), collected=report.issues)
        if result.group_id is not None:
            result.resumed = True
            self.steps.resuming(result.group_id)
            return result
        planned = self._plan()
        if planned is None:  # nothing new to label: report the newest group of this run
            found = matching_groups(self.store, self.key)
            result.group_id = found[0][0].group_id if found else None
            return result
        self.steps.confirm_submit(planned)
        try:
            submitted = self.batches.submit(planned)
        except NothingToSubmit:  # another run took every issue meanwhile: follow its group
            result.group_id, result.resumed = group_in_flight(self.store, self.key), True
            return result
        recorded = submitted.planned or planned
        result.group_id, result.submitted = submitted.group.group_id, recorded.plan.total_issues
        result.failures = submitted.problems
        return result

    def watch(self, result: LabelRunResult) -> LabelRunResult:
        """Drive the group to its end (submitting what waits, collecting what finishes); Ctrl+C stops only this."""
        if result.group_id is None:
            return result
        self.steps.watching(result.group_id)
        options = WatchOptions(poll_seconds=self.options.poll_seconds)
        concurrency = self.request.concurrency
        result.status = self.batches.watch(result.group_id, options, concurrency, self.steps.progress)
        return result

    def finish(self, result: LabelRunResult) -> LabelRunResult:
        """Count results and failures, write the report."""
        from github_issue_analysis.report.builder import ReportScope, build_report
        from github_issue_analysis.report.render import write_report

        if result.group_id is None:
            return result
        data = build_report(self.store, ReportScope(group=result.group_id))
        result.results = data.summary.issues
        result.failed = len(self.store.reports.failures([result.group_id]))
        path = self.options.report_path or self.settings.data_dir / "reports" / f"{result.group_id}.html"
        write_report(data, path)
        result.report = str(path.resolve())
        return result

    def apply(self, confirm: Callable[[LabelPlan], None], on_event: EventHook | None = None) -> ApplyReport:
        """The label plan checked against GitHub (shown and confirmed through `confirm`), then applied by the
        same service as `labels apply`."""
        from github_issue_analysis.labels.apply import ApplyOptions, ApplyReport
        from github_issue_analysis.labels.label_service import LabelService

        selection = LabelSelection(self.options.org, self.options.repo, self.options.min_confidence)
        labels = LabelService(self.store, connect(self.settings))
        plan = labels.live_plan(selection)
        confirm(plan)
        if not plan.changes:
            return ApplyReport(None, skipped=plan.skipped)
        return labels.apply(ApplyOptions(selection), on_event)

    # -- helpers ---------------------------------------------------------------------------------------
    def _plan(self) -> PlannedSubmission | None:
        try:
            return self.batches.plan(self.request)
        except NothingToSubmit:
            return None

    def _require_key(self) -> None:
        """The processor, the provider's key and the GitHub token are checked before anything is collected or
        sent; every one missing is named at once."""
        from github_issue_analysis.ai.registry import create_provider, processor
        from github_issue_analysis.errors import MissingCredentials, UsageError
        from github_issue_analysis.github_client import github_token
        from github_issue_analysis.github_client.github_errors import GitHubTokenMissing

        processor(self.request.processor)
        missing: list[str] = []
        try:
            create_provider(self.key.provider, self.settings).require_key()
        except MissingCredentials as error:
            missing.append(f"{error.env_var} is not set")
        try:
            github_token(self.settings)
        except GitHubTokenMissing:
            missing.append("no GitHub token (GH_TOKEN, GITHUB_TOKEN or `gh auth login`)")
        if missing:
            them = "them" if len(missing) > 1 else "it"
            raise UsageError(f"{'; '.join(missing)}: set {them} (or put {them} in .env) and run again")
