"""Label commands as separate processes against the GitHub emulator in a process of its own (the way a user
runs them): start, watch through the emulator's stats, kill, read GitHub's state afterwards."""

from __future__ import annotations

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
from github_issue_analysis_sandbox.server import free_port

from .conftest import ORG, TOKEN

ISSUES = 30
ROOT = Path(__file__).resolve().parents[2]
CLI = "from github_issue_analysis.cli.main import run; run()"
APPLY = ("labels", "apply", "--org", ORG, "--yes", "--json", "--comment")


def serve_world(monkeypatch: pytest.MonkeyPatch, issues: int = ISSUES) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.test_labels.world_server", str(port), str(issues)], cwd=ROOT
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


def mutations(url: str) -> dict[str, int]:
    return dict(httpx.get(f"{url}/_sandbox/stats").json()["graphql"]["by_mutation"])


def answer_delay(url: str, milliseconds: int) -> None:
    """GitHub carries out each mutation at once and answers this much later."""
    httpx.post(f"{url}/_sandbox/config", json={"mutation_answer_delay_ms": milliseconds})


def start_apply() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", CLI, *APPLY],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def run_apply() -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-c", CLI, *APPLY], cwd=ROOT, capture_output=True)


def kill_after(url: str, mutation: str, count: int) -> None:
    process = start_apply()
    deadline = time.monotonic() + 30
    while mutations(url).get(mutation, 0) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def world_state(url: str) -> dict[int, Any]:
    """Each issue's labels and comment bodies, as GitHub has them."""
    query = (
        '{ repository(owner: "labs", name: "app") { issues(first: 100) { nodes { number '
        "labels(first: 20) { nodes { name } } comments(first: 20) { nodes { body } } } } } }"
    )
    body = httpx.post(f"{url}/graphql", json={"query": query}, headers={"authorization": f"bearer {TOKEN}"}).json()
    return {
        n["number"]: ([lb["name"] for lb in n["labels"]["nodes"]], [c["body"] for c in n["comments"]["nodes"]])
        for n in body["data"]["repository"]["issues"]["nodes"]
    }
