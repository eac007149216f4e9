from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from github_issue_analysis_sandbox.github_emulator import GitHubEmulator, GitHubEmulatorConfig, default_world
from github_issue_analysis_sandbox.server import BackgroundServer

from github_issue_analysis.storage.issue_store import IssueSelection, StoredIssue
from github_issue_analysis.storage.store import Store, open_store

TOKEN = "ghp_sandbox_token_123"


@dataclass
class Sandbox:
    emulator: GitHubEmulator
    url: str


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """A fresh emulator (default world) on loopback; the CLI env points at it with a valid token."""
    emulator = GitHubEmulator(default_world(), GitHubEmulatorConfig(valid_tokens=[TOKEN]))
    with BackgroundServer(emulator.app) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        yield Sandbox(emulator, server.url)


def stored_issues(database_url: str, org: str = "acme", repo: str | None = None) -> list[StoredIssue]:
    store = open_store(database_url)
    try:
        return store.issues.select_issues(IssueSelection(org, repo))
    finally:
        store.close()


def with_store(database_url: str) -> Store:
    return open_store(database_url)
