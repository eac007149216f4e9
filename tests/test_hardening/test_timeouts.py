"""An endpoint that accepts connections and never answers: calls time out (configurable) and the tool says
it is waiting meanwhile."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from github_issue_analysis.ai.providers.anthropic_provider import AnthropicProvider
from github_issue_analysis.ai.providers.base import ProviderError
from github_issue_analysis.ai.providers.openai_provider import OpenAIProvider
from github_issue_analysis.github_client import GitHubUnavailable, RetryPolicy
from github_issue_analysis.github_client.http import GitHubTransport
from github_issue_analysis.storage.store import Store
from github_issue_analysis.waiting import SlowCall, listen
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox, seed, submit


@pytest.fixture
def silent_server() -> Iterator[str]:
    """127.0.0.1: accepts connections, reads, never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            connection.settimeout(None)
            accepted.append(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(timeout=2)
    for connection in accepted:
        connection.close()
    server.close()


def test_a_provider_that_hangs_once_times_out_is_retried_and_shown_waiting(
    sandbox: Sandbox, seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(seeded, 3)
    job_id = submit()["job_ids"][0]
    monkeypatch.setenv("GH_ANALYSIS_READ_TIMEOUT", "1")
    sandbox.config.hang_seconds = 30
    sandbox.config.hang_requests = 1
    started = time.monotonic()
    result = invoke("batch", "status", job_id, "--json")
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started < 15  # not the 30 s hang: the read timed out and the SDK asked again
    assert "Waiting for an answer to GET 127.0.0.1:" in result.stderr
    assert "gives up after 1 s (GH_ANALYSIS_READ_TIMEOUT)" in result.stderr


@pytest.mark.parametrize("provider_class", [OpenAIProvider, AnthropicProvider])
def test_a_provider_that_never_answers_fails_cleanly(silent_server: str, provider_class: type) -> None:
    base_url = f"{silent_server}/v1" if provider_class is OpenAIProvider else silent_server
    provider = provider_class("sk-test", base_url=base_url, max_retries=0, read_timeout=0.2)

    async def ask() -> None:
        try:
            await provider.retrieve("batch_abc")
        finally:
            await provider.close()

    started = time.monotonic()
    with pytest.raises(ProviderError) as raised:
        asyncio.run(ask())
    assert time.monotonic() - started < 3
    assert raised.value.transient and "did not answer" in str(raised.value)
    assert "GH_ANALYSIS_READ_TIMEOUT" in str(raised.value)


@pytest.mark.parametrize("name", ["GH_ANALYSIS_READ_TIMEOUT", "GH_ANALYSIS_CONNECT_TIMEOUT"])
@pytest.mark.parametrize("value", ["0", "-1", "nan", "abc", "100000"])
def test_bad_timeout_settings_are_refused(
    sandbox: Sandbox, seeded: Store, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    seed(seeded, 3)
    job_id = submit()["job_ids"][0]
    monkeypatch.setenv(name, value)
    result = invoke("batch", "status", job_id)
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr


def test_github_calls_time_out_and_report_waiting(silent_server: str) -> None:
    heard: list[SlowCall] = []
    listen(heard.append, notice_after=0.1)
    policy = RetryPolicy(max_attempts=2, backoff_base=0.01, timeout=0.5, connect_timeout=0.5)

    async def ask() -> None:
        async with GitHubTransport(silent_server, "token", policy=policy) as transport:
            await transport.post_graphql("query { viewer { login } }", {})

    started = time.monotonic()
    try:
        with pytest.raises(GitHubUnavailable):
            asyncio.run(ask())
    finally:
        listen(None)
    assert time.monotonic() - started < 5
    assert heard and heard[0].what.startswith("POST 127.0.0.1:") and heard[0].gives_up_after == 0.5
