"""The offline demo: the whole flow on the sandbox emulators, in a store of its own.

GitHub emulator (org `sandbox-org`, 95 issues) -> collect -> split plan (30/30/30/5) -> submit -> watch until
the group completes -> group-collect -> recommended labels -> the label plan (what `labels apply` would do;
nothing is sent). Answers come from the emulator's offline
labeller (word matching against label descriptions), not from a model."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from github_issue_analysis import defaults
from github_issue_analysis.ai.batch.batch_group_manager import GroupCollectReport, PlannedSubmission, SubmitRequest
from github_issue_analysis.ai.batch.group_models import BatchGroupStatus
from github_issue_analysis.ai.batch.providers import parse_model
from github_issue_analysis.ai.batch.service import BatchService, SubmitResult
from github_issue_analysis.ai.batch.watcher import WatchOptions, WatchProgress
from github_issue_analysis.config import Settings
from github_issue_analysis.github_client import CollectReport, CollectRequest, GitHubConnection, collect_issues
from github_issue_analysis.labels.apply import live_plan
from github_issue_analysis.labels.options import LabelSelection
from github_issue_analysis.labels.plan import LabelPlan
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.result_store import CurrentResult
from github_issue_analysis.storage.store import Store, open_store

from .github_emulator import GitHubEmulator, default_world
from .openai_emulator import EmulatorConfig, create_openai_app
from .server import BackgroundServer

DEMO_ORG = "sandbox-org"
SANDBOX_API_KEY = "sk-sandbox-demo"
SANDBOX_GITHUB_TOKEN = "sandbox-token"


@dataclass
class DemoSteps:
    """What the demo shows as it goes (the CLI renders these)."""

    collected: Callable[[CollectReport], None]
    planned: Callable[[PlannedSubmission], None]
    submitted: Callable[[SubmitResult], None]
    progress: Callable[[WatchProgress], None]
    finished: Callable[[BatchGroupStatus, GroupCollectReport, list[CurrentResult]], None]
    label_plan: Callable[[LabelPlan], None] = lambda _plan: None


def demo_settings(data_dir: Path, openai_url: str, github_url: str) -> Settings:
    return Settings.model_validate(
        {
            "GH_ANALYSIS_DATA_DIR": str(data_dir),
            "GH_ANALYSIS_DATABASE_URL": f"sqlite:///{(data_dir / 'gh-analysis.db').resolve()}",
            "OPENAI_API_KEY": SANDBOX_API_KEY,
            "OPENAI_BASE_URL": f"{openai_url}/v1",
            "GITHUB_TOKEN": SANDBOX_GITHUB_TOKEN,
            "GITHUB_API_URL": github_url,
        }
    )


def run_demo(data_dir: Path, steps: DemoSteps, processing_seconds: float = 4.0) -> Store:
    """Run every step; returns the demo store (left on disk for a look afterwards)."""
    shutil.rmtree(data_dir, ignore_errors=True)
    openai_app = create_openai_app(EmulatorConfig(api_key=SANDBOX_API_KEY, processing_seconds=processing_seconds))
    github = GitHubEmulator(default_world())
    with BackgroundServer(openai_app) as openai_server, BackgroundServer(github.app) as github_server:
        settings = demo_settings(data_dir, openai_server.url, github_server.url)
        store = open_store(settings.resolved_database_url())
        connection = GitHubConnection(api_url=github_server.url, token=SANDBOX_GITHUB_TOKEN)
        steps.collected(asyncio.run(collect_issues(store.issues, CollectRequest(org=DEMO_ORG), connection)))
        service = BatchService(store, settings)
        provider, model = parse_model(defaults.MODEL)
        planned = service.plan(
            SubmitRequest("product-labeling", IssueSelection(DEMO_ORG), model=model, provider=provider)
        )
        steps.planned(planned)
        result = service.submit(planned, concurrency=16)
        steps.submitted(result)
        group_id = result.group.group_id
        final = service.watch(group_id, WatchOptions(poll_seconds=0.5), 16, steps.progress)
        report = service.collect_group(group_id)
        steps.finished(final, report, list(store.results.current(org=DEMO_ORG)))
        steps.label_plan(asyncio.run(live_plan(store, connection, LabelSelection(DEMO_ORG))))  # reads only
    return store
