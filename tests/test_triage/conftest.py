"""A team's GitHub world on the emulator and the OpenAI emulator on a fake clock, for triage steps. The world's
text makes the offline labeller near-perfect on `product::ui` and poor on `product::api` (half of the issues
that read like API issues are documentation issues, by the people's labels)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from github_issue_analysis_sandbox.github_emulator import GitHubEmulator, GitHubEmulatorConfig, World
from github_issue_analysis_sandbox.github_emulator.world import Issue, Label, Org, Repo
from github_issue_analysis_sandbox.server import BackgroundServer

from github_issue_analysis.config import get_settings
from github_issue_analysis.pipeline.triage import TriageStep
from github_issue_analysis.pipeline.triage_config import TriageConfig
from github_issue_analysis.pipeline.triage_options import TriageConfirm, TriageOptions
from github_issue_analysis.pipeline.triage_report import TriageReport
from github_issue_analysis.storage.store import Store
from tests.test_ai.conftest import Sandbox, sandbox, seeded

__all__ = ["sandbox", "seeded"]

TOKEN = "ghp_triage_writer"
ORG = "team"
LABELS = [
    Label("product::ui", "0e8a16", "Screens, buttons and the dashboard layout"),
    Label("product::api", "0e8a16", "Endpoints and tokens of the public interface"),
    Label("product::docs", "0e8a16", "Guides and tutorials"),
    Label("bug", "d73a4a", "Something is broken"),
]
UI_TEXT = ("The ui dashboard button is misplaced", "On the ui screen the dashboard button overlaps the layout.")
API_TEXT = ("The api endpoint rejects tokens", "Calling the api endpoint with tokens returns 401.")
CONFIG = TriageConfig(target_precision=0.8, min_support=5, calibration_sample=40)


class World_:
    """The organization's one repository, which tests edit as people would."""

    def __init__(self, world: World) -> None:
        self.world = world
        repo = world.repo(ORG, "app")
        assert repo is not None
        self.repo: Repo = repo
        self.next_number = 1

    def add(self, text: tuple[str, str], labels: list[str] | None = None, state: str = "OPEN") -> int:
        number = self.next_number
        self.next_number += 1
        now = datetime.now(UTC)
        self.repo.issues[number] = Issue(number, text[0], text[1], "person", now, now, state, list(labels or []))
        return number

    def issue(self, number: int) -> Issue:
        return self.repo.issues[number]

    def remove_label(self, number: int, label: str) -> None:
        issue = self.issue(number)
        self.world.set_labels(issue, [lb for lb in issue.labels if lb != label])


@dataclass
class Team:
    world: World_
    url: str
    sandbox: Sandbox
    store: Store
    github: GitHubEmulator

    def step(self, config: TriageConfig = CONFIG, *, now: datetime | None = None, **options: Any) -> TriageReport:
        clock: Callable[[], datetime] = (lambda: now) if now is not None else (lambda: datetime.now(UTC))
        settings = get_settings()
        step = TriageStep(
            self.store, settings, TriageOptions(ORG, config=config, now=clock, **options), TriageConfirm()
        )
        return step.run()

    def github_writes(self) -> int:
        stats = httpx.get(f"{self.url}/_sandbox/stats").json()
        return int(stats["graphql"]["mutations"])


def backlog(world: World_) -> None:
    """20 closed UI issues people labelled ui; 10 API-like issues labelled api and 10 labelled docs."""
    for _ in range(20):
        world.add(UI_TEXT, ["product::ui"], "CLOSED")
    for i in range(20):
        world.add(API_TEXT, ["product::api" if i % 2 else "product::docs"], "CLOSED")


def backlog_and_new(world: World_) -> None:
    """The backlog, then 6 new UI issues and 2 new API issues for a step to label."""
    backlog(world)
    for _ in range(6):
        world.add(UI_TEXT)
    for _ in range(2):
        world.add(API_TEXT)


@pytest.fixture
def team(sandbox: Sandbox, seeded: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Team]:
    world = World([Org(ORG, {"app": Repo("app", list(LABELS))})])
    emulator = GitHubEmulator(world, GitHubEmulatorConfig(valid_tokens=[TOKEN]))
    with BackgroundServer(emulator.app) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        get_settings.cache_clear()
        yield Team(World_(world), server.url, sandbox, seeded, emulator)


def later(days: float) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)
