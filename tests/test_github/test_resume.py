"""A collection interrupted half-way keeps what it stored; the next run resumes from the saved cursor."""

from __future__ import annotations

import pytest
from github_issue_analysis_sandbox.github_emulator import GitHubEmulator, World, generate_org
from github_issue_analysis_sandbox.server import BackgroundServer

from github_issue_analysis.github_client import (
    CollectObserver,
    CollectRequest,
    GitHubConnection,
    GitHubUnavailable,
    RetryPolicy,
    collect_issues,
)
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke

FAST = RetryPolicy(max_attempts=2, backoff_base=0.01, reset_margin=0.1)


class FailAfter(CollectObserver):
    """Makes every GitHub answer a 5xx once `issues` issues are stored."""

    def __init__(self, emulator: GitHubEmulator, issues: int = 1) -> None:
        self.emulator = emulator
        self.issues = issues
        self.stored = 0
        self.waits: list[str] = []

    def issues_stored(self, repo: str, count: int) -> None:
        self.stored += count
        if self.stored >= self.issues:
            self.emulator.configure(error_5xx_rate=1.0)

    def waiting(self, message: str, seconds: float) -> None:
        self.waits.append(message)


@pytest.mark.slow
async def test_interrupted_collection_resumes_without_duplicates(store: Store, database_url: str) -> None:
    emulator = GitHubEmulator(World([generate_org("big", {"app": 650}, heavy_every=30)]))
    request = CollectRequest(org="big", repo="app")
    with BackgroundServer(emulator.app) as server:
        connection = GitHubConnection(server.url, "token", FAST)
        with pytest.raises(GitHubUnavailable):
            await collect_issues(store.issues, request, connection, FailAfter(emulator, 450))
        kept = store.issues.select_issues(IssueSelection("big"))
        run = store.issues.collection_run("big", "app")
        assert 400 <= len(kept) < 650 and run is not None and run.resume_cursor and run.last_success_at is None

        emulator.configure(error_5xx_rate=0.0)
        emulator.stats.reset()
        report = await collect_issues(store.issues, request, connection)
        assert report.repositories[0].mode == "resumed"
        assert report.repositories[0].inserted == 650 - len(kept)
        assert report.issues < 650 - 400 + 4 * 100

    issues = store.issues.select_issues(IssueSelection("big"))
    assert len(issues) == 650 and len({i.number for i in issues}) == 650
    repo = emulator.world.repo("big", "app")
    assert repo is not None
    assert sum(len(i.comments) for i in issues) == sum(len(i.comments) for i in repo.only_issues())
    finished = store.issues.collection_run("big", "app")
    assert finished is not None and finished.resume_cursor is None
    assert finished.last_success_at == run.resume_started_at


async def test_proactive_wait_when_budget_reaches_zero(store: Store) -> None:
    emulator = GitHubEmulator(World([generate_org("small", {"a": 150})]))
    emulator.configure(rate_limit_remaining=1, rate_limit_reset_seconds=0.5)
    observer = FailAfter(emulator, issues=10_000)
    with BackgroundServer(emulator.app) as server:
        connection = GitHubConnection(server.url, "token", FAST)
        report = await collect_issues(store.issues, CollectRequest(org="small"), connection, observer)
    assert report.issues == 150
    assert any("budget used up" in w or "exhausted" in w for w in observer.waits)


@pytest.mark.slow
def test_cli_run_after_interruption_reports_resumed(
    store: Store, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    import json

    emulator = GitHubEmulator(World([generate_org("big", {"app": 650})]))
    with BackgroundServer(emulator.app) as server:
        connection = GitHubConnection(server.url, "token", FAST)
        with pytest.raises(GitHubUnavailable):
            asyncio.run(collect_issues(store.issues, CollectRequest(org="big"), connection, FailAfter(emulator, 450)))
        emulator.configure(error_5xx_rate=0.0)
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        monkeypatch.setenv("GITHUB_TOKEN", "token")
        result = invoke("collect", "--org", "big", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["repositories"][0]["mode"] == "resumed"
    assert len(store.issues.select_issues(IssueSelection("big"))) == 650
