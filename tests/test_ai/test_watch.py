"""`batch watch` drives groups to the end: faults, the enqueued-token limit, two watchers at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from github_issue_analysis_sandbox.anthropic_emulator import AnthropicEmulator, AnthropicEmulatorConfig
from github_issue_analysis_sandbox.openai_emulator import OpenAIEmulator

from github_issue_analysis.storage.store import Store
from tests.clock import FakeClock
from tests.conftest import invoke
from tests.test_ai.conftest import API_KEY, dry_run_plan, live_config, seed, submit, use_anthropic, use_openai


@pytest.fixture(params=["openai", "anthropic"])
def live(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Each provider's emulator on the real clock with a short processing time."""
    return request.getfixturevalue(f"live_{request.param}")


@pytest.fixture
def live_anthropic(served_anthropic: tuple[AnthropicEmulator, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """The Anthropic emulator on the real clock with a short processing time."""
    config = AnthropicEmulatorConfig(
        api_key=API_KEY, processing_seconds=0.3, canceling_seconds=0.05, retry_after_seconds=0.01
    )
    return use_anthropic(served_anthropic, config, monkeypatch)


def running(emulator: Any) -> list[bool]:
    """Whether each of the emulator's batches is still being processed."""
    if isinstance(emulator, AnthropicEmulator):
        return [b.to_api(emulator.now(), "")["processing_status"] == "in_progress" for b in emulator.batches.values()]
    return [b.to_api(emulator.now())["status"] == "in_progress" for b in emulator.batches.values()]


@pytest.fixture
def live_openai(served_openai: tuple[OpenAIEmulator, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIEmulator]:
    """The OpenAI emulator on the real clock with a short processing time."""
    yield use_openai(served_openai, live_config(processing_seconds=0.3), monkeypatch)


def watch(group_id: str, *extra: str) -> dict:
    result = invoke("batch", "watch", group_id, "--poll-seconds", "0.05", "--json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_faults_on_every_endpoint_still_collect_everything(live: Any, seeded: Store) -> None:
    seed(seeded, 400)
    live.config.http_429_rate = 0.1
    live.config.http_5xx_rate = 0.1
    group = submit()
    final = watch(group["group_id"])
    assert (final["status"], final["completed_issues"], final["total_batches"]) == ("completed", 400, 14)
    assert live.stats.batches_created == 14
    assert sum(live.stats.faults.values()) > 10
    assert len(invoke("results", "export").stdout.splitlines()) == 400


@pytest.mark.slow
def test_enqueued_token_limit_paces_a_group_in_waves(live_openai: OpenAIEmulator, seeded: Store) -> None:
    live = live_openai
    seed(seeded, 400)
    plan = dry_run_plan()
    per_batch = max(b["estimated_tokens"] for b in plan["plan"]["batches"])
    limit = per_batch * 3
    live.config.enqueued_token_limit = int(limit * 0.95)  # the provider counts a little differently
    group = submit("--max-enqueued-tokens", str(limit))
    assert len(group["queued"]) >= 10  # only about three went out at first
    final = watch(group["group_id"], "--max-enqueued-tokens", str(limit))
    assert (final["status"], final["completed_issues"]) == ("completed", 400)
    assert live.peak_enqueued_tokens <= live.config.enqueued_token_limit
    assert live.stats.batches_created >= 14


def test_retry_failed_resends_items_until_they_succeed(live: Any, seeded: Store) -> None:
    seed(seeded, 60)
    live.config.line_failure_rate = 0.3
    group = submit()
    live.config.seed = 7
    final = watch(group["group_id"], "--retry-failed", "--max-attempts", "5", "--yes")
    assert final["completed_issues"] >= 55
    items = seeded.job_items.group_items(group["group_id"])
    assert max(sum(1 for _, i in items if i.issue_id == issue) for issue in {i.issue_id for _, i in items}) <= 5


@pytest.mark.slow
def test_two_watchers_never_submit_the_same_child(live: Any, seeded: Store, tmp_path: Path) -> None:
    seed(seeded, 300)
    plan = dry_run_plan()
    one_batch = max(b["estimated_tokens"] for b in plan["plan"]["batches"])
    group = submit("--max-enqueued-tokens", str(one_batch))  # one child at a time: the rest wait as queued
    env = {**os.environ}
    command = [
        sys.executable,
        "-m",
        "github_issue_analysis",
        "batch",
        "watch",
        group["group_id"],
        "--poll-seconds",
        "0.05",
        "--json",
    ]
    watchers = [
        subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=120) for w in watchers]
    assert [w.returncode for w in watchers] == [0, 0], outputs
    assert live.stats.batches_created == 10
    children = seeded.jobs.jobs(group["group_id"])
    assert {c.provider_batch_id for c in children} == set(live.batches) and len(children) == 10
    assert [json.loads(out)["status"] for out, _ in outputs] == ["completed", "completed"]
    assert len(invoke("results", "export").stdout.splitlines()) == 300  # each child collected once, fully


@pytest.mark.slow
def test_ctrl_c_stops_watching_and_leaves_everything_resumable(live: Any, seeded: Store, tmp_path: Path) -> None:
    seed(seeded, 90)
    live.config.processing_seconds = 3600  # still running when we press Ctrl+C, however slow the machine
    group = submit()
    before = sum(live.stats.requests.values())
    watcher = subprocess.Popen(
        [sys.executable, "-m", "github_issue_analysis", "batch", "watch", group["group_id"], "--poll-seconds", "0.05"],
        cwd=tmp_path,
        env={**os.environ},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while sum(live.stats.requests.values()) < before + 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # press Ctrl+C once the watcher is inside its loop (start-up time varies)
    watcher.send_signal(signal.SIGINT)
    _, stderr = watcher.communicate(timeout=30)
    assert watcher.returncode == 130
    assert "nothing was cancelled" in stderr and "Traceback" not in stderr
    assert "Error:" not in stderr and stderr.count("nothing was cancelled") == 1  # one line says it all
    assert all(running(live))
    live.config.clock = lambda: time.time() + 3600  # the batches finish
    final = watch(group["group_id"])
    assert (final["status"], final["completed_issues"]) == ("completed", 90)
    assert live.stats.batches_created == 3


def test_anthropic_queue_limit_children_wait_as_queued_and_watch_sends_them(
    served_anthropic: tuple[AnthropicEmulator, str], seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anthropic answers 429 when the account's processing queue is full: the child waits as `queued`."""
    clock = FakeClock()  # still while submitting: the first two batches are in the queue, however slow the machine
    config = AnthropicEmulatorConfig(
        api_key=API_KEY, clock=clock, processing_seconds=10, canceling_seconds=1, retry_after_seconds=0.01
    )
    live = use_anthropic(served_anthropic, config, monkeypatch)
    seed(seeded, 150)  # 5 children of 30
    live.config.queue_limit = 60
    result = invoke("batch", "submit", "product-labeling", "--org", "acme", "--yes", "--json")
    assert result.exit_code == 1  # not everything could be sent now
    group = json.loads(result.stdout)
    assert len(group["queued"]) == 3 and live.stats.batches_created == 2
    live.config.clock = ticking(clock, seconds=1)  # batches end as the watch polls, not as the wall clock runs
    final = watch(group["group_id"])
    assert (final["status"], final["completed_issues"]) == ("completed", 150)
    assert live.stats.batches_created == 5 and live.stats.peak_queued_requests <= 60
    assert live.stats.requests["POST /v1/messages/batches"] > 5  # a full queue refused some while watching


def ticking(clock: FakeClock, seconds: float) -> Callable[[], float]:
    """The clock, moved `seconds` on each time it is read."""

    def read() -> float:
        clock.advance(seconds)
        return clock()

    return read
