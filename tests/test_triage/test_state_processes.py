"""Triage steps as their own processes on the state branch, as the workflow runs them: one killed with SIGKILL
after its paid phase went out and before its final push, then the next steps; two racing on the push. Every
batch line, label and comment exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from github_issue_analysis.pipeline.triage_config import TriageConfig

from .conftest import ORG, Team, backlog_and_new
from .state_remote import BRANCH, KEY, Remote, assert_sent_once, make_remote

CLI = "from github_issue_analysis.cli.main import run; run()"
CONFIG = TriageConfig(target_precision=0.8, min_support=5, calibration_sample=40, comment=True)
CONFIG_TOML = "target_precision = 0.8\nmin_support = 5\ncalibration_sample = 40\ncomment = true\n"


@pytest.fixture
def remote(tmp_path: Path) -> Remote:
    return make_remote(tmp_path)


def _start(remote: Remote, runner: str) -> subprocess.Popen[bytes]:
    config = remote.runners / "triage.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG_TOML, encoding="utf-8")
    env = {**os.environ, "GH_ANALYSIS_DATA_DIR": str(remote.runners / runner), "GH_ANALYSIS_STATE_KEY": KEY}
    args = ["triage", "--org", ORG, "--config", str(config), "--yes", "--json", "--state-branch", BRANCH]
    return subprocess.Popen(
        [sys.executable, "-c", CLI, *args], cwd=remote.clone, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _creates(team: Team) -> int:
    return sum(n for name, n in team.sandbox.emulator.stats.requests.items() if "POST /v1/batches" in name)


def _finish(team: Team, remote: Remote) -> None:
    for i in range(2):
        team.sandbox.finish_all()
        report = remote.step(team, CONFIG, f"after{i}")
        assert report.failed == [], report.failed


@pytest.mark.slow
def test_a_step_killed_after_sending_and_before_its_push_is_finished_once(team: Team, remote: Remote) -> None:
    backlog_and_new(team.world)
    team.sandbox.config.latency_ms = 500
    process = _start(remote, "killed")
    deadline = time.monotonic() + 60
    while _creates(team) < 1:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    team.sandbox.config.latency_ms = 0
    time.sleep(1.0)  # the create the killed step left under way lands at the emulator
    assert remote.meta()["generation"] == 1  # the write-ahead push went out before the create
    _finish(team, remote)
    latest = remote.latest()
    try:
        assert_sent_once(team, latest)
        assert team.sandbox.batches() >= 2
    finally:
        latest.close()


@pytest.mark.slow
def test_two_steps_racing_on_the_push_send_everything_once(team: Team, remote: Remote) -> None:
    backlog_and_new(team.world)  # both read "no branch yet": the second push finds one where its lease expected none
    racing = [_start(remote, "a"), _start(remote, "b")]
    reports = []
    for process in racing:
        out, err = process.communicate(timeout=60)
        assert process.returncode in (0, 1), err.decode()
        reports.append(json.loads(out))
    assert any(r["failed"] == [] for r in reports)
    for report in reports:
        for failure in report["failed"]:
            assert "another triage step pushed the state branch" in failure["error"], failure
    _finish(team, remote)
    latest = remote.latest()
    try:
        assert_sent_once(team, latest)
    finally:
        latest.close()
