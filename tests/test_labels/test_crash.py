"""Apply killed with SIGKILL while GitHub has done a write but not yet answered, then run again: exactly the
planned labels, one comment per issue, no mutation sent twice. The emulator runs as its own process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from github_issue_analysis.github_client import CollectRequest, GitHubConnection, collect_issues
from github_issue_analysis.sandbox.server import free_port
from github_issue_analysis.storage.store import Store

from .conftest import ORG, TOKEN, seed_result

ISSUES = 30
ROOT = Path(__file__).resolve().parents[2]
CLI = "from github_issue_analysis.cli.main import run; run()"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.test_labels.world_server", str(port), str(ISSUES)], cwd=ROOT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(f"{url}/_sandbox/stats", timeout=1)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the emulator process did not start"
            time.sleep(0.1)
    monkeypatch.setenv("GITHUB_API_URL", url)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    yield url
    process.kill()
    process.wait()


def _mutations(url: str) -> dict[str, int]:
    return dict(httpx.get(f"{url}/_sandbox/stats").json()["graphql"]["by_mutation"])


def _start_apply() -> subprocess.Popen[bytes]:
    args = ["labels", "apply", "--org", ORG, "--yes", "--json", "--comment"]
    return subprocess.Popen(
        [sys.executable, "-c", CLI, *args],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _kill_after(url: str, mutation: str, count: int) -> None:
    process = _start_apply()
    deadline = time.monotonic() + 30
    while _mutations(url).get(mutation, 0) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def _state(url: str) -> dict[int, Any]:
    query = (
        '{ repository(owner: "labs", name: "app") { issues(first: 100) { nodes { number '
        "labels(first: 20) { nodes { name } } comments(first: 20) { nodes { body } } } } } }"
    )
    body = httpx.post(f"{url}/graphql", json={"query": query}, headers={"authorization": f"bearer {TOKEN}"}).json()
    return {
        n["number"]: ([lb["name"] for lb in n["labels"]["nodes"]], [c["body"] for c in n["comments"]["nodes"]])
        for n in body["data"]["repository"]["issues"]["nodes"]
    }


def test_killed_apply_finishes_on_the_next_run_without_sending_twice(served: str, store: Store) -> None:
    import asyncio

    asyncio.run(collect_issues(store.issues, CollectRequest(org=ORG), GitHubConnection(served, TOKEN)))
    for number in range(1, ISSUES + 1):
        seed_result(store, number, {"product::installer": 0.9, "product::docs": 0.85})
    httpx.post(f"{served}/_sandbox/config", json={"mutation_answer_delay_ms": 10_000})
    _kill_after(served, "addLabelsToLabelable", ISSUES)  # GitHub added the labels; the answer never came
    assert store.label_audit.runs()[0].status == "running"
    _kill_after(served, "addComment", ISSUES)  # the resumed run posted the comments; killed again
    httpx.post(f"{served}/_sandbox/config", json={"mutation_answer_delay_ms": 0})
    final = subprocess.run(
        [sys.executable, "-c", CLI, "labels", "apply", "--org", ORG, "--yes", "--json", "--comment"],
        cwd=ROOT,
        capture_output=True,
    )
    assert final.returncode == 0, final.stderr
    assert _mutations(served) == {"addLabelsToLabelable": ISSUES, "addComment": ISSUES}
    state = _state(served)
    for number in range(1, ISSUES + 1):
        labels, comments = state[number]
        assert labels == ["bug", "product::docs", "product::installer"]
        assert len(comments) == 1 and "gh-analysis:labels" in comments[0]
    assert [r.status for r in store.label_audit.runs()] == ["completed"]
    again = subprocess.run(
        [sys.executable, "-c", CLI, "labels", "apply", "--org", ORG, "--yes", "--json", "--comment"],
        cwd=ROOT,
        capture_output=True,
    )
    assert json.loads(again.stdout)["applied"] == []
    assert _mutations(served) == {"addLabelsToLabelable": ISSUES, "addComment": ISSUES}
