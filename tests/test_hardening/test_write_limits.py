"""`labels apply` under a low content-creation limit that counts every mutation finishes: writes are paced per
mutation, and a request GitHub refuses under the limit goes again with half the mutations (down to one), so
any limit of at least one write per window finishes, with nothing sent twice. Against the GitHub emulator's
secondary limits, on a fake clock (15 writes per 20 s) and on the real one (5 writes per 2 s)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from github_issue_analysis_sandbox.github_emulator import GitHubEmulator, GitHubEmulatorConfig
from github_issue_analysis_sandbox.server import BackgroundServer

from github_issue_analysis.github_client import GitHubConnection
from github_issue_analysis.labels.apply import ApplyOptions, apply_labels
from github_issue_analysis.labels.options import LabelSelection
from github_issue_analysis.storage.store import Store
from tests.clock import FakeClock
from tests.test_labels.conftest import ORG, TOKEN, Rig, collect, labs_world, seed_result


def _rig(issues: int, limit: int, window: float, monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    config = GitHubEmulatorConfig(
        valid_tokens=[TOKEN],
        content_creation_limit=limit,
        content_creation_window_seconds=window,
        content_creation_per_mutation=True,
    )
    emulator = GitHubEmulator(labs_world(issues), config)
    with BackgroundServer(emulator.app) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        yield Rig(emulator, server.url)


@pytest.fixture
def strict(monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    yield from _rig(57, 15, 20.0, monkeypatch)


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    yield from _rig(10, 5, 2.0, monkeypatch)


def _apply(store: Store, rig: Rig, connection: GitHubConnection, issues: int) -> None:
    collect(store, rig)
    for number in range(1, issues + 1):
        seed_result(store, number, {"product::ui": 0.9})
    report = asyncio.run(apply_labels(store, connection, ApplyOptions(LabelSelection(ORG))))
    assert report.failed == []
    assert len(report.applied) == issues
    assert all("product::ui" in rig.issue(n).labels for n in range(1, issues + 1))
    assert rig.stats()["graphql"]["by_mutation"] == {"addLabelsToLabelable": issues}  # each sent once


def test_a_limit_of_15_writes_per_20_seconds_counting_each_mutation_finishes(strict: Rig, store: Store) -> None:
    clock = FakeClock()
    strict.emulator.content_limiter.clock = clock
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)
        clock.advance(seconds)

    _apply(store, strict, GitHubConnection(strict.url, TOKEN, sleep=sleep, clock=clock), 57)
    assert strict.stats()["faults"].get("secondary_limit", 0) <= 8  # halving finds the size; pacing keeps it
    assert sum(waited) < 57 / 15 * 20 + 120


def test_a_limit_of_5_writes_per_2_seconds_finishes_on_the_real_clock(quick: Rig, store: Store) -> None:
    _apply(store, quick, GitHubConnection(quick.url, TOKEN), 10)


def test_the_pacer_counts_each_mutation_once_github_showed_it_does() -> None:
    from github_issue_analysis.github_client.pacing import Pacer, WriteLimits

    now = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    pacer = Pacer(WriteLimits(per_minute=80, per_hour=500), None, sleep, lambda: now[0])

    async def writes() -> None:
        await pacer.before_write(50)
        await pacer.before_write(50)  # per request: two of 80 a minute, a second apart
        pacer.per_mutation = True
        await pacer.before_write(50)  # per mutation: 2 + 50 of 80 a minute fit ...
        await pacer.before_write(50)  # ... 52 + 50 do not: wait until the 50 leave the window

    asyncio.run(writes())
    assert waits[:2] == [1.0, 1.0] and waits[2] == pytest.approx(60.0)
