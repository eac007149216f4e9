"""Long commands whose output goes to a log print plain, timestamped lines on stderr: one per change of state
and at most one progress line a minute; stdout keeps the data."""

from __future__ import annotations

import io
import itertools
import os
import re
import subprocess
import sys
import time

import pytest
from github_issue_analysis_sandbox.openai_emulator import OpenAIEmulator

from github_issue_analysis.cli.progress import ProgressReporter
from github_issue_analysis.storage.store import open_store
from tests.test_ai.conftest import live_config, seed, submit, use_openai
from tests.test_github.conftest import Sandbox, sandbox  # noqa: F401  (the GitHub emulator fixture)

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (.*)$")


def run_piped(*args: str) -> subprocess.CompletedProcess[str]:
    """The console script with stdout and stderr as pipes, as in CI or `cmd > log 2>&1`."""
    return subprocess.run(
        [sys.executable, "-m", "github_issue_analysis", *args],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=120,
    )


def plain_lines(stderr: str) -> list[str]:
    assert "\x1b" not in stderr  # no cursor movement or colours in a log
    texts = []
    for line in stderr.splitlines():
        match = STAMP.match(line)
        assert match, f"not a timestamped line: {line!r}"
        texts.append(match.group(1))
    return texts


def test_reporter_prints_every_change_of_state_and_progress_at_most_once_a_minute() -> None:
    now = [0.0]
    out = io.StringIO()
    reporter = ProgressReporter(out, clock=lambda: now[0])
    for second in range(0, 300, 5):  # five minutes of updates every 5 s, the state changing twice
        now[0] = float(second)
        state = "validating" if second < 60 else ("processing" if second < 200 else "done")
        reporter.update(state, f"t={second}")
    reporter.note("a batch finished")
    lines = [STAMP.match(line).group(1) for line in out.getvalue().splitlines()]  # type: ignore[union-attr]
    assert lines == [
        "validating; t=0",  # changes of state at once; between them, a progress line a minute at most
        "processing; t=60",
        "processing; t=120",
        "processing; t=180",
        "done; t=200",
        "done; t=260",
        "a batch finished",
    ]


@pytest.mark.slow
def test_batch_watch_piped_prints_plain_state_lines_on_stderr(
    served_openai: tuple[OpenAIEmulator, str], monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    live = use_openai(served_openai, live_config(processing_seconds=3600), monkeypatch)
    store = open_store(database_url)
    seed(store, 30)
    store.close()
    group = submit()["group_id"]
    before = sum(live.stats.requests.values())
    watcher = subprocess.Popen(
        [sys.executable, "-m", "github_issue_analysis", "batch", "watch", group, "--poll-seconds", "0.05", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    deadline = time.monotonic() + 60
    while sum(live.stats.requests.values()) < before + 3 and time.monotonic() < deadline:
        time.sleep(0.05)  # the watcher has seen the batch in progress a few times
    live.config.clock = lambda: time.time() + 3600  # then the batch finishes
    stdout, stderr = watcher.communicate(timeout=60)
    assert watcher.returncode == 0, stderr
    lines = plain_lines(stderr)
    states = [line.split("; issues done")[0] for line in lines]
    assert all(a != b for a, b in itertools.pairwise(states))  # a line only when the state changes
    assert len(lines) < 6 and "in_progress" in lines[0] and "completed" in lines[-1]
    assert '"status": "completed"' in stdout  # the data stays on stdout


@pytest.mark.slow
def test_collect_piped_prints_one_line_per_repository(sandbox: Sandbox) -> None:  # noqa: F811
    done = run_piped("collect", "--org", "acme", "--repo", "kots", "--limit", "5", "--json")
    assert done.returncode == 0, done.stderr
    lines = plain_lines(done.stderr)
    assert any(line.startswith("acme/kots: collecting") or "kots: collecting" in line for line in lines)
    assert any("kots: done" in line for line in lines)
    assert done.stdout.lstrip().startswith("{")
