"""The offline demo's flow: the whole pipeline against the sandbox emulators, in a store of its own.

GitHub emulator (org `sandbox-org`, 95 issues) -> collect -> split plan (30/30/30/5) -> submit -> watch until
the group completes -> group-collect -> recommended labels -> a blind run on a sample of labelled issues
and its evaluation -> the label plan (what `labels apply` would do; nothing is sent) at the minimum
confidence that evaluation found for a precision of 0.9 (0.8 when none reaches it) -> the label doctor's
table. The blind sample is also answered by the free local baseline (TF-IDF + logistic regression trained on
the other labelled issues), compared side by side in the evaluation. The OpenAI, Anthropic and Gemini
emulators all run, so any of the three providers' models can be chosen. Answers come from the emulators'
offline labeller (word matching against label descriptions), not from a model.

The emulators are another distribution (github-issue-analysis-sandbox): whoever starts them (`gh-analysis
demo`) gives their URLs and keys here as `DemoEmulators`; nothing here imports them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from github_issue_analysis import defaults
from github_issue_analysis.ai.batch.batch_group_manager import GroupCollectReport
from github_issue_analysis.ai.batch.batch_service import BatchService, SubmitResult
from github_issue_analysis.ai.batch.planner import PlannedSubmission
from github_issue_analysis.ai.batch.submit_request import SubmitRequest
from github_issue_analysis.ai.batch.watcher import WatchOptions, WatchProgress
from github_issue_analysis.config import Settings
from github_issue_analysis.domain.groups import BatchGroupStatus
from github_issue_analysis.github_client import CollectionService, CollectReport, CollectRequest, GitHubConnection
from github_issue_analysis.labels.label_service import LabelService
from github_issue_analysis.labels.options import DEFAULT_MIN_CONFIDENCE, LabelSelection
from github_issue_analysis.labels.plan import LabelPlan
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.result_store import CurrentResult
from github_issue_analysis.storage.store import Store, open_store

DEMO_ORG = "sandbox-org"  # the organization of the GitHub emulator's default world with human labels
DEMO_SAMPLE = 40
DEMO_TARGET_PRECISION = 0.9
LOCAL_BASELINE = "local:tfidf-logreg"


@dataclass(frozen=True)
class PlanThreshold:
    """The minimum confidence of the demo's label plan, why, and the `labels apply` options that choose it."""

    min_confidence: float
    reason: str
    options: str


@dataclass(frozen=True)
class DemoEmulators:
    """Where the running emulators answer (base URLs without a trailing slash; OpenAI's without `/v1`) and
    the key and token they accept."""

    openai: str
    github: str
    anthropic: str
    gemini: str
    api_key: str
    github_token: str


@dataclass
class DemoSteps:
    """What the demo shows as it goes (the CLI renders these)."""

    collected: Callable[[CollectReport], None]
    planned: Callable[[PlannedSubmission], None]
    submitted: Callable[[SubmitResult], None]
    progress: Callable[[WatchProgress], None]
    finished: Callable[[BatchGroupStatus, GroupCollectReport, list[CurrentResult]], None]
    measuring: Callable[[int], None] | None = None  # a blind sample run starts (its size)
    evaluated: Callable[[dict[str, Any]], None] | None = None  # its evaluation, as `eval --json` prints it
    label_plan: Callable[[LabelPlan, PlanThreshold], None] = lambda _plan, _threshold: None
    doctor: Callable[[dict[str, Any]], None] | None = None  # `labels doctor --json` for the demo organization


def demo_settings(data_dir: Path, emulators: DemoEmulators) -> Settings:
    return Settings.model_validate(
        {
            "GH_ANALYSIS_DATA_DIR": str(data_dir),
            "GH_ANALYSIS_DATABASE_URL": f"sqlite:///{(data_dir / 'gh-analysis.db').resolve()}",
            "OPENAI_API_KEY": emulators.api_key,
            "OPENAI_BASE_URL": f"{emulators.openai}/v1",
            "GITHUB_TOKEN": emulators.github_token,
            "GITHUB_API_URL": emulators.github,
            "ANTHROPIC_API_KEY": emulators.api_key,
            "ANTHROPIC_BASE_URL": emulators.anthropic,
            "GEMINI_API_KEY": emulators.api_key,
            "GEMINI_BASE_URL": emulators.gemini,
        }
    )


def run_demo(data_dir: Path, emulators: DemoEmulators, steps: DemoSteps, model_spec: str = defaults.MODEL) -> Store:
    """Run every step against the running `emulators` with `model_spec` (`openai:…`, `anthropic:…` or
    `gemini:…`, each answered by its emulator); returns the demo store (left on disk for a look afterwards)."""
    shutil.rmtree(data_dir, ignore_errors=True)
    settings = demo_settings(data_dir, emulators)
    store = open_store(settings.resolved_database_url())
    connection = GitHubConnection(api_url=emulators.github, token=emulators.github_token)
    steps.collected(CollectionService(store.issues, connection).collect(CollectRequest(org=DEMO_ORG)))
    service = BatchService(store, settings)
    planned = service.plan(SubmitRequest("product-labeling", IssueSelection(DEMO_ORG), model_spec, concurrency=16))
    steps.planned(planned)
    result = service.submit(planned)
    steps.submitted(result)
    group_id = result.group.group_id
    final = service.watch(group_id, WatchOptions(poll_seconds=0.5), 16, steps.progress)
    report = service.collect_group(group_id)
    steps.finished(final, report, list(store.results.current(org=DEMO_ORG)))
    blind_group: str | None = None
    if steps.evaluated is not None:
        evaluation = _blind_evaluation(service, store, steps, model_spec)
        steps.evaluated(evaluation)
        blind_group = evaluation["evaluations"][0]["group_id"]
    chosen = plan_threshold(store, blind_group)
    selection = LabelSelection(DEMO_ORG, min_confidence=chosen.min_confidence)
    steps.label_plan(LabelService(store, connection).live_plan(selection), chosen)  # reads only
    if steps.doctor is not None:
        from github_issue_analysis.labels.doctor import DoctorOptions, diagnose

        steps.doctor(diagnose(store, DoctorOptions(DEMO_ORG, blind_group)))
    return store


def _blind_evaluation(service: BatchService, store: Store, steps: DemoSteps, model_spec: str) -> dict[str, Any]:
    """Measure the labeller as a team would measure a model: a blind run on a stratified sample of issues
    people labelled, scored against their labels."""
    from github_issue_analysis.evaluation.evaluation_service import EvalOptions, evaluate

    if steps.measuring is not None:
        steps.measuring(DEMO_SAMPLE)
    groups: list[str] = []
    # The same sample for the free local baseline; it runs first so the labeller's answers stay current.
    for spec in (LOCAL_BASELINE, model_spec):
        request = SubmitRequest(
            "product-labeling", IssueSelection(DEMO_ORG), spec, concurrency=16, blind=True, sample=DEMO_SAMPLE
        )
        group_id = service.submit(service.plan(request)).group.group_id
        service.watch(group_id, WatchOptions(poll_seconds=0.5), 16, lambda _progress: None)
        service.collect_group(group_id)
        groups.insert(0, group_id)
    return evaluate(store, groups, EvalOptions(target_precision=DEMO_TARGET_PRECISION))


def plan_threshold(store: Store, blind_group: str | None) -> PlanThreshold:
    """What `--min-precision 0.9 --eval GROUP` would choose from the demo's blind evaluation; the default
    minimum confidence when there is none or no threshold reaches that precision."""
    from github_issue_analysis.evaluation.evaluation_errors import ThresholdUnreachable
    from github_issue_analysis.evaluation.thresholds import threshold_for

    target = DEMO_TARGET_PRECISION
    fallback = f"--min-confidence {DEFAULT_MIN_CONFIDENCE:g}"
    if blind_group is None:
        return PlanThreshold(DEFAULT_MIN_CONFIDENCE, "the default: no blind evaluation ran", fallback)
    try:
        found = threshold_for(store, blind_group, target)
    except ThresholdUnreachable:
        why = f"the default: no threshold reached precision {target:g} in the blind evaluation"
        return PlanThreshold(DEFAULT_MIN_CONFIDENCE, why, fallback)
    why = f"the lowest confidence at which the blind evaluation measured precision >= {target:g}"
    return PlanThreshold(found, why, f"--min-precision {target:g} --eval {blind_group}")
