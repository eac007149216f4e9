"""A small GitHub world on the emulator (loopback), collected into the test store through the real client,
with analysis results seeded per issue (as a batch collection would store them)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from github_issue_analysis_sandbox.github_emulator import GitHubEmulator, GitHubEmulatorConfig, World
from github_issue_analysis_sandbox.github_emulator.world import Issue, Label, Org, Repo
from github_issue_analysis_sandbox.server import BackgroundServer
from sqlalchemy import insert, select, update

from github_issue_analysis.github_client import CollectRequest, GitHubConnection, collect_issues
from github_issue_analysis.storage.schema import batch_groups, issues, results
from github_issue_analysis.storage.store import Store

TOKEN = "ghp_labels_writer"
READ_ONLY = "ghp_labels_reader"
ORG = "labs"
TAXONOMY = ("product::installer", "product::ui", "product::api", "product::docs")


def _repo(name: str, count: int, archived: bool = False) -> Repo:
    labels = [Label(n, "0e8a16", f"{n} area") for n in (*TAXONOMY, "bug")]
    when = datetime(2026, 1, 1, tzinfo=UTC)
    repo = Repo(name, labels, is_archived=archived)
    for n in range(1, count + 1):
        repo.issues[n] = Issue(n, f"Issue {n}", f"Body {n}", "someone", when, when + timedelta(hours=n), labels=["bug"])
    return repo


def labs_world(issues_in_app: int = 8) -> World:
    return World([Org(ORG, {"app": _repo("app", issues_in_app), "old": _repo("old", 2, archived=True)})])


@dataclass
class Rig:
    emulator: GitHubEmulator
    url: str

    @property
    def world(self) -> World:
        return self.emulator.world

    def issue(self, number: int, repo: str = "app") -> Issue:
        found = self.world.issue(ORG, repo, number)
        assert found is not None
        return found

    def stats(self) -> dict[str, Any]:
        return dict(httpx.get(f"{self.url}/_sandbox/stats").json())

    def connection(self, token: str = TOKEN) -> GitHubConnection:
        return GitHubConnection(api_url=self.url, token=token)


@pytest.fixture
def rig(monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    config = GitHubEmulatorConfig(valid_tokens=[TOKEN, READ_ONLY], read_only_tokens=[READ_ONLY])
    emulator = GitHubEmulator(labs_world(), config)
    with BackgroundServer(emulator.app) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        yield Rig(emulator, server.url)


def collect(store: Store, rig: Rig) -> None:
    asyncio.run(collect_issues(store.issues, CollectRequest(org=ORG), rig.connection()))


def seed_result(
    store: Store,
    number: int,
    recommended: dict[str, float],
    *,
    repo: str = "app",
    wrong: tuple[str, ...] = (),
    confidence: float = 0.9,
    group_options: dict[str, Any] | None = None,
) -> int:
    """The current result of one issue (older ones stop being current), made a minute ago; returns its id."""
    analysis = {
        "recommended_labels": [
            {"label": lb, "confidence": c, "reasoning": f"mentions {lb}"} for lb, c in recommended.items()
        ],
        "current_labels_assessment": [{"label": lb, "correct": False, "reasoning": "not it"} for lb in wrong],
        "confidence": confidence,
        "summary": f"Summary of {number}",
        "reasoning": "word match",
    }
    with store.engine.begin() as conn:
        issue_id = conn.execute(
            select(issues.c.id).where(issues.c.org == ORG, issues.c.repo == repo, issues.c.number == number)
        ).scalar_one()
        group_id = None
        if group_options is not None:
            group_id = f"grp_{number}"
            conn.execute(
                insert(batch_groups).values(
                    id=group_id,
                    processor="product-labeling",
                    model="gpt-4o-mini",
                    provider="openai",
                    is_split=False,
                    batch_size=30,
                    total_issues=1,
                    selection={},
                    options=group_options,
                    created_at=datetime.now(UTC),
                )
            )
        conn.execute(update(results).where(results.c.issue_id == issue_id).values(is_current=False))
        return int(
            conn.execute(
                insert(results).values(
                    issue_id=issue_id,
                    processor="product-labeling",
                    model="gpt-4o-mini",
                    group_id=group_id,
                    analysis=analysis,
                    confidence=confidence,
                    is_current=True,
                    created_at=datetime.now(UTC) - timedelta(minutes=1),
                )
            ).inserted_primary_key[0]
        )


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The labels world (30 issues in labs/app) on a GitHub emulator running as its own process."""
    from .processes import serve_world

    yield from serve_world(monkeypatch)
