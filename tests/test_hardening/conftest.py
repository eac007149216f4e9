"""The OpenAI emulator fixtures of tests/test_ai, shared with the hardening tests, and one on the real clock."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from types import FrameType

import pytest
from github_issue_analysis_sandbox.openai_emulator import OpenAIEmulator

from tests.test_ai.conftest import live_config, sandbox, seeded, use_openai

__all__ = ["live", "sandbox", "seeded"]


@pytest.fixture
def live(served_openai: tuple[OpenAIEmulator, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIEmulator]:
    """The emulator on the real clock with a short processing time."""
    yield use_openai(served_openai, live_config(processing_seconds=0.2), monkeypatch)


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
