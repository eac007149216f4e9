"""Kill the CLI (SIGKILL, a real subprocess) at each submission step, then resume: exactly one provider
batch per child, every child tracked, every result collected."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from github_issue_analysis_sandbox.anthropic_emulator import (
    AnthropicEmulator,
    AnthropicEmulatorConfig,
    create_anthropic_app,
)
from github_issue_analysis_sandbox.gemini_emulator import GeminiEmulator, GeminiEmulatorConfig, create_gemini_app
from github_issue_analysis_sandbox.openai_emulator import EmulatorConfig, OpenAIEmulator, create_openai_app
from github_issue_analysis_sandbox.server import BackgroundServer

from github_issue_analysis.storage.store import Store
from tests.clock import FakeClock
from tests.conftest import invoke
from tests.test_ai.conftest import ANTHROPIC_MODEL, API_KEY, GEMINI_MODEL, seed


@dataclass
class KillSwitch:
    """ASGI wrapper: SIGKILL the client process when the n-th matching request reaches a chosen point."""

    app: Any
    method: str = ""
    path: str = ""
    nth: int = 1
    when: str = "response"  # "request": before the emulator sees it; "response": after it acted
    pid: int | None = None
    seen: int = 0
    fired: bool = False
    log: list[str] = field(default_factory=list)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        matches = scope["type"] == "http" and scope["method"] == self.method and scope["path"] == self.path
        if matches and not self.fired:
            self.seen += 1
            if self.seen == self.nth:
                if self.when == "request":
                    self._kill()
                    return

                async def killing_send(message: Any) -> None:
                    if message["type"] == "http.response.start":
                        self._kill()
                        return
                    if not self.fired:
                        await send(message)

                await self.app(scope, receive, killing_send)
                return
        await self.app(scope, receive, send)

    def _kill(self) -> None:
        assert self.pid is not None
        self.fired = True
        os.kill(self.pid, signal.SIGKILL)


@pytest.fixture(params=["openai"])
def crashable(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Any, KillSwitch, str, FakeClock]]:
    """A provider's emulator behind a kill switch (parametrize indirectly with the provider's name)."""
    clock = FakeClock()
    monkeypatch.setenv("GH_ANALYSIS_RETRY_SECONDS", "0.01")
    if request.param.startswith("gemini"):  # "gemini-file": every batch from an uploaded input file
        emulator: Any = GeminiEmulator(GeminiEmulatorConfig(api_key=API_KEY, clock=clock, processing_seconds=10))
        switch = KillSwitch(create_gemini_app(emulator=emulator))
        with BackgroundServer(switch) as server:
            monkeypatch.setenv("GEMINI_API_KEY", API_KEY)
            monkeypatch.setenv("GEMINI_BASE_URL", server.url)
            monkeypatch.setenv("GH_ANALYSIS_MODEL", GEMINI_MODEL)
            if request.param == "gemini-file":
                monkeypatch.setenv("GH_ANALYSIS_GEMINI_MAX_INLINE_BYTES", "0")
            yield emulator, switch, server.url, clock
        return
    if request.param == "anthropic":
        emulator = AnthropicEmulator(AnthropicEmulatorConfig(api_key=API_KEY, clock=clock, processing_seconds=10))
        switch = KillSwitch(create_anthropic_app(emulator=emulator))
        with BackgroundServer(switch) as server:
            monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
            monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
            monkeypatch.setenv("GH_ANALYSIS_MODEL", ANTHROPIC_MODEL)
            yield emulator, switch, server.url, clock
        return
    emulator = OpenAIEmulator(EmulatorConfig(api_key=API_KEY, clock=clock, processing_seconds=10))
    switch = KillSwitch(create_openai_app(emulator=emulator))
    with BackgroundServer(switch) as server:
        monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", f"{server.url}/v1")
        yield emulator, switch, server.url, clock


def run_killed(switch: KillSwitch, tmp_path: Path, *extra: str) -> None:
    env = {**os.environ}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "github_issue_analysis",
            "batch",
            "submit",
            "product-labeling",
            "--org",
            "acme",
            "--yes",
            "--concurrency",
            "1",
            *extra,
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    switch.pid = proc.pid
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""


ANTHROPIC_CREATE = "/v1/messages/batches"
GEMINI_CREATE = "/v1beta/models/gemini-2.5-flash:batchGenerateContent"
GEMINI_UPLOAD = "/upload/v1beta/files"  # a resumable upload: the start, then the chunk that finishes it


def provider_batch_ids(emulator: Any) -> set[str]:
    """The ids the store keeps for the emulator's batches (Gemini's are resource names, `batches/…`)."""
    if isinstance(emulator, GeminiEmulator):
        return {batch.name for batch in emulator.batches.values()}
    return set(emulator.batches)


SLOW = pytest.mark.slow  # each kill-and-resume runs the CLI in a subprocess: the fast lane keeps one


@pytest.mark.parametrize(
    ("crashable", "method", "path", "nth", "when"),
    [
        ("openai", "POST", "/v1/files", 1, "response"),  # after the upload, before its id was stored (fast lane)
        # after create, before the batch id was stored
        pytest.param("openai", "POST", "/v1/batches", 1, "response", marks=SLOW),
        # between children: the first is done, the second not begun
        pytest.param("openai", "POST", "/v1/files", 2, "request", marks=SLOW),
        pytest.param("openai", "POST", "/v1/batches", 3, "response", marks=SLOW),  # a later child's create
        # Anthropic: no metadata; the batch is found by its request count and creation time.
        # after create, before the batch id was stored
        pytest.param("anthropic", "POST", ANTHROPIC_CREATE, 1, "response", marks=SLOW),
        # the create never reached the provider
        pytest.param("anthropic", "POST", ANTHROPIC_CREATE, 1, "request", marks=SLOW),
        # the last child (10 requests, not 30)
        pytest.param("anthropic", "POST", ANTHROPIC_CREATE, 4, "response", marks=SLOW),
        # a child of the same size as the first
        pytest.param("anthropic", "POST", ANTHROPIC_CREATE, 2, "response", marks=SLOW),
        # Gemini: no metadata either; the display name names group, job and attempt.
        ("gemini", "POST", GEMINI_CREATE, 1, "response"),  # after create, before the batch id was stored
        pytest.param("gemini", "POST", GEMINI_CREATE, 1, "request", marks=SLOW),  # create never arrived
        pytest.param("gemini", "POST", GEMINI_CREATE, 3, "response", marks=SLOW),  # a later child's create
        # from an uploaded file: after the second child's upload finished, before its create
        pytest.param("gemini-file", "POST", GEMINI_UPLOAD, 4, "response", marks=SLOW),
        pytest.param("gemini-file", "POST", GEMINI_CREATE, 2, "response", marks=SLOW),  # a file child's create
    ],
    indirect=["crashable"],
)
def test_kill_at_each_step_then_resume(
    method: str, path: str, nth: int, when: str, crashable: Any, seeded: Store, tmp_path: Path
) -> None:
    emulator, switch, _, clock = crashable
    seed(seeded, 100)  # 4 children: 30/30/30/10
    switch.method, switch.path, switch.nth, switch.when = method, path, nth, when
    run_killed(switch, tmp_path)
    group_id = seeded.jobs.groups()[0][0].group_id
    created_before_resume = emulator.stats.batches_created
    assert invoke("batch", "status", group_id).exit_code == 0  # adopts what it finds, sends nothing new
    assert emulator.stats.batches_created == created_before_resume
    resumed = invoke("batch", "submit", "product-labeling", "--org", "acme", "--resume", group_id[:12], "--yes")
    assert resumed.exit_code == 0, resumed.stderr
    children = seeded.jobs.jobs(group_id)
    assert len(children) == 4
    assert emulator.stats.batches_created == 4
    assert {c.provider_batch_id for c in children} == provider_batch_ids(emulator)  # one per child, all tracked
    clock.advance(3600)
    invoke("batch", "group-collect", group_id)
    assert len(invoke("results", "export").stdout.splitlines()) == 100


@pytest.mark.parametrize(
    ("crashable", "path"),
    [
        ("openai", "/v1/batches"),
        pytest.param("anthropic", ANTHROPIC_CREATE, marks=SLOW),
        pytest.param("gemini", GEMINI_CREATE, marks=SLOW),
    ],
    indirect=["crashable"],
)
def test_status_adopts_a_batch_created_before_the_crash(
    crashable: Any, path: str, seeded: Store, tmp_path: Path
) -> None:
    emulator, switch, _, _ = crashable
    seed(seeded, 20)
    switch.method, switch.path, switch.nth = "POST", path, 1
    run_killed(switch, tmp_path)
    job = seeded.jobs.jobs()[0]
    assert job.provider_batch_id is None and job.status.value == "submitting"
    status = json.loads(invoke("batch", "status", job.job_id, "--json").stdout)
    assert {status["provider_batch_id"]} == provider_batch_ids(emulator)
    assert emulator.stats.batches_created == 1


@pytest.mark.slow
@pytest.mark.parametrize("crashable", ["anthropic"], indirect=True)
def test_two_candidate_batches_are_reported_and_never_resent(crashable: Any, seeded: Store, tmp_path: Path) -> None:
    """Without metadata, a second unowned batch of the same size created in the window makes the match
    ambiguous: both ids are reported, and the job is not sent again."""
    import anthropic

    emulator, switch, url, _ = crashable
    seed(seeded, 20)
    switch.method, switch.path, switch.nth = "POST", ANTHROPIC_CREATE, 1
    run_killed(switch, tmp_path)
    client = anthropic.Anthropic(api_key=API_KEY, base_url=url)
    params = {"model": "claude-haiku-4-5", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}
    other = client.messages.batches.create(requests=[{"custom_id": f"x{i}", "params": params} for i in range(20)])
    job = seeded.jobs.jobs()[0]
    resumed = invoke("batch", "submit", "product-labeling", "--org", "acme", "--resume", job.group_id)
    assert resumed.exit_code == 1
    [crashed] = set(emulator.batches) - {other.id}
    assert other.id in resumed.stdout and crashed in resumed.stdout  # both candidates named
    assert emulator.stats.batches_created == 2  # nothing sent again
    stored = seeded.jobs.job(job.job_id)
    assert stored is not None and stored.status.value == "submitting" and stored.provider_batch_id is None
    assert other.id in (stored.error or "")


@pytest.mark.slow
@pytest.mark.parametrize("crashable", ["gemini"], indirect=True)
def test_two_gemini_batches_of_one_name_are_reported_and_never_resent(
    crashable: Any, seeded: Store, tmp_path: Path
) -> None:
    """Gemini's create is not idempotent: a second batch carrying the same display name (made by hand, or a
    create that went out twice) makes the job ambiguous: both are named, nothing is sent again."""
    from google import genai
    from google.genai import types

    emulator, switch, url, _ = crashable
    seed(seeded, 20)
    switch.method, switch.path, switch.nth = "POST", GEMINI_CREATE, 1
    run_killed(switch, tmp_path)
    [crashed] = emulator.batches.values()
    client = genai.Client(api_key=API_KEY, http_options=types.HttpOptions(base_url=url, api_version="v1beta"))
    request = types.InlinedRequest(contents="hi", metadata={"key": "x"})
    other = client.batches.create(
        model="gemini-2.5-flash", src=[request], config={"display_name": crashed.display_name}
    )
    job = seeded.jobs.jobs()[0]
    resumed = invoke("batch", "submit", "product-labeling", "--org", "acme", "--resume", job.group_id)
    assert resumed.exit_code == 1
    assert str(other.name) in resumed.stdout and crashed.name in resumed.stdout  # both candidates named
    assert emulator.stats.batches_created == 2  # nothing sent again
    stored = seeded.jobs.job(job.job_id)
    assert stored is not None and stored.status.value == "submitting" and stored.provider_batch_id is None
    assert str(other.name) in (stored.error or "")


CHUNKED = ("--batch-size", "2")  # 150 issues in chunks of 64 new issues (plan_stream.py): three chunks


@pytest.mark.parametrize(
    ("crashable", "path", "nth", "when", "boundary"),
    [
        # the first chunk recorded (31 children, its last batch carried), its first child created, the second
        # chunk not recorded: measuring goes on only once the first batch is out
        ("openai", "/v1/batches", 1, "response", 62),
        pytest.param("anthropic", ANTHROPIC_CREATE, 1, "response", 62, marks=SLOW),
        # later: whichever chunk boundary the store holds when the 40th create arrives (the kill comes first)
        pytest.param("openai", "/v1/batches", 40, "request", None, marks=SLOW),
    ],
    indirect=["crashable"],
)
def test_kill_between_chunks_then_resume(
    path: str, nth: int, when: str, boundary: int | None, crashable: Any, seeded: Store, tmp_path: Path
) -> None:
    """A group planned in chunks, killed between two chunks: the resume adopts what reached the provider, plans
    the rest of the selection and sends it; every issue in exactly one child, one provider batch per child."""
    emulator, switch, _, clock = crashable
    seed(seeded, 150)
    switch.method, switch.path, switch.nth, switch.when = "POST", path, nth, when
    run_killed(switch, tmp_path, *CHUNKED)
    group_id = seeded.jobs.groups()[0][0].group_id
    stored = seeded.jobs.selection(group_id)
    if boundary is not None:
        assert stored is not None and stored.planned_through == boundary
    planned = stored.planned_through if stored else 150
    items = [item.issue_id for _, item in seeded.job_items.group_items(group_id)]
    assert sorted(items) == sorted(set(items)) and len(items) <= planned
    resumed = invoke("batch", "submit", "product-labeling", "--resume", group_id, "--yes")
    assert resumed.exit_code == 0, resumed.stderr
    children = seeded.jobs.jobs(group_id)
    items = [item.issue_id for _, item in seeded.job_items.group_items(group_id)]
    assert sorted(items) == sorted(set(items)) and len(items) == 150  # each issue in exactly one child
    assert emulator.stats.batches_created == len(children) == 75
    assert {c.provider_batch_id for c in children} == provider_batch_ids(emulator)  # one per child, all tracked
    assert seeded.jobs.selection(group_id) is None
    clock.advance(3600)
    invoke("batch", "group-collect", group_id)
    assert len(invoke("results", "export").stdout.splitlines()) == 150
