"""The OpenAI emulator fixtures of tests/test_ai, shared with the hardening tests, and one on the real clock."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from types import FrameType

import pytest

from github_issue_analysis.sandbox.openai_emulator import EmulatorConfig, OpenAIEmulator
from tests.test_ai.conftest import API_KEY, sandbox, seeded

__all__ = ["live", "sandbox", "seeded"]


@pytest.fixture
def live(served_openai: tuple[OpenAIEmulator, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIEmulator]:
    """The emulator on the real clock with a short processing time."""
    emulator, url = served_openai
    emulator.config = EmulatorConfig(
        api_key=API_KEY,
        validating_seconds=0.05,
        processing_seconds=0.2,
        finalizing_seconds=0.05,
        retry_after_seconds=0.01,
    )
    emulator.reset()
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", f"{url}/v1")
    monkeypatch.setenv("GH_ANALYSIS_RETRY_SECONDS", "0.01")
    yield emulator


@pytest.fixture(autouse=True)
def bounded() -> Iterator[None]:
    """A test here fails instead of hanging when a loop it guards against comes back (watch without end)."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError("the test ran for more than 120 s: a loop without bound?")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
