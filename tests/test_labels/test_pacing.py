"""Writes under a low content-creation (secondary) limit: waits, says so, finishes without a duplicate."""

from __future__ import annotations

import asyncio
import json
import re

import httpx
import pytest

from github_issue_analysis.github_client.pacing import Pacer, WriteLimits
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke

from .conftest import ORG, Rig, collect, seed_result


@pytest.mark.slow
def test_low_content_creation_limit_waits_and_sends_nothing_twice(rig: Rig, store: Store) -> None:
    collect(store, rig)
    for number in (1, 2, 3):
        seed_result(store, number, {"product::ui": 0.9})
    httpx.post(f"{rig.url}/_sandbox/config", json={"content_creation_limit": 1, "content_creation_window_seconds": 3})
    result = invoke("labels", "apply", "--org", ORG, "--yes", "--json", "--comment")
    assert result.exit_code == 0, result.stderr
    # the seconds depend on where in the emulator's window the refusal lands
    assert re.search(r"Waiting \d+ ?s: GitHub secondary rate limit", result.stderr)
    assert re.search(r"Waiting \d+ ?s: Pacing writes under GitHub's content-creation limit", result.stderr)
    stats = rig.stats()
    assert stats["faults"]["secondary_limit"] >= 1
    assert stats["graphql"]["by_mutation"] == {"addLabelsToLabelable": 3, "addComment": 3}
    assert [len(rig.issue(n).comments) for n in (1, 2, 3)] == [1, 1, 1]
    assert json.loads(result.stdout)["failed"] == []


def test_pacer_spaces_writes_within_both_windows() -> None:
    now = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = Pacer(WriteLimits(per_minute=2, per_hour=3), lambda _m, s: waits.append(s), sleep, lambda: now[0])

    async def four() -> None:
        for _ in range(4):
            await pacer.before_write()
            now[0] += 1

    asyncio.run(four())
    assert waits == [58.0, 3539.0]
    assert len(pacer.sent) == 4
