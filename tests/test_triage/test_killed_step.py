"""A triage step killed with SIGKILL in each phase (collecting, submitting, refreshing, applying), then run
again: every batch, label and comment exactly once. The step runs as its own process, as cron runs it; the
emulators answer slowly so that the kill lands while a request is under way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from github_issue_analysis.pipeline.triage_config import TriageConfig
from github_issue_analysis.storage.schema import label_changes

from .conftest import ORG, Team, backlog_and_new

ROOT = Path(__file__).resolve().parents[2]
CLI = "from github_issue_analysis.cli.main import run; run()"
CONFIG = TriageConfig(target_precision=0.8, min_support=5, calibration_sample=40, comment=True)
CONFIG_TOML = "target_precision = 0.8\nmin_support = 5\ncalibration_sample = 40\ncomment = true\n"


def _kill_when(team: Team, config: Path, seen: Callable[[], bool], timeout: float = 60) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, "triage", "--org", ORG, "--config", str(config), "--yes", "--json"],
        cwd=os.getcwd(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while not seen():
        assert process.poll() is None, "the step ended before the phase it was to be killed in"
        assert time.monotonic() < deadline, "the phase never started"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def _openai_requests(team: Team, route: str) -> int:
    return sum(n for name, n in team.sandbox.emulator.stats.requests.items() if route in name)


def _writes(team: Team) -> Counter[tuple[int, str, str]]:
    with team.store.engine.connect() as conn:
        rows = conn.execute(
            select(label_changes.c.number, label_changes.c.action, label_changes.c.label).where(
                label_changes.c.state == "confirmed"
            )
        ).all()
    return Counter((int(r.number), str(r.action), str(r.label)) for r in rows)


def _assert_once(team: Team) -> None:
    emulator = team.sandbox.emulator
    ids = [
        json.loads(line)["custom_id"]
        for batch in emulator.batches.values()
        for line in emulator.files[batch.input_file_id].content.splitlines()
    ]
    assert len(ids) == len(set(ids))  # no issue in two batches (an upload whose batch never came is not a send)
    children = [c for _, group_children in team.store.jobs.groups() for c in group_children]
    assert team.sandbox.batches() == sum(1 for c in children if c.provider_batch_id)  # no batch created twice
    writes = _writes(team)
    assert all(n == 1 for n in writes.values()), writes
    mutations = team.github.stats.snapshot()["graphql"]["by_mutation"]
    assert mutations.get("addLabelsToLabelable", 0) == len({n for (n, a, _) in writes if a == "add"})
    assert mutations.get("addComment", 0) == sum(1 for (_, a, _) in writes if a == "comment")


def _finish(team: Team) -> None:
    """Run steps until nothing is in flight, moving the provider's clock on."""
    for _ in range(3):
        team.sandbox.finish_all()
        report = team.step(CONFIG)
        assert report.failed == [], report.failed


@pytest.mark.slow
@pytest.mark.parametrize("phase", ["collect", "submit", "refresh", "apply"])
def test_a_step_killed_in_each_phase_finishes_once(team: Team, phase: str, tmp_path: Path) -> None:
    config = tmp_path / "triage.toml"
    config.write_text(CONFIG_TOML, encoding="utf-8")
    backlog_and_new(team.world)
    if phase == "collect":
        team.github.config.latency_ms = 400
        _kill_when(team, config, lambda: team.github.stats.total >= 1)
        team.github.config.latency_ms = 0
    elif phase == "submit":
        team.sandbox.config.latency_ms = 800
        _kill_when(team, config, lambda: _openai_requests(team, "POST /v1/batches") >= 1)
    else:
        assert team.step(CONFIG).failed == []
        team.sandbox.finish_all()
        if phase == "refresh":
            team.sandbox.config.latency_ms = 800
            _kill_when(team, config, lambda: _openai_requests(team, "content") >= 1)
        else:
            team.github.config.mutation_answer_delay_ms = 5000
            _kill_when(team, config, lambda: team.github.stats.snapshot()["graphql"]["by_mutation"] != {})
            team.github.config.mutation_answer_delay_ms = 0
    team.sandbox.config.latency_ms = 0
    time.sleep(1.0)  # a request the killed step left under way lands at the emulator
    _finish(team)
    _assert_once(team)
    assert any(action == "add" for (_, action, _) in _writes(team))
