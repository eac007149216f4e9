"""A pytest plugin: the provider emulators served on 127.0.0.1, one of each for the test session.

Load it from a conftest.py with `pytest_plugins = ["github_issue_analysis_sandbox.testing"]`. Each fixture
gives `(emulator, base_url)`; a test (or a fixture of its own) resets and configures the emulator for itself
(`emulator.config = ...; emulator.reset()`), since the server lives for the whole session.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .anthropic_emulator import AnthropicEmulator, create_anthropic_app
from .gemini_emulator import GeminiEmulator, create_gemini_app
from .openai_emulator import OpenAIEmulator, create_openai_app
from .server import BackgroundServer

__all__ = ["served_anthropic", "served_gemini", "served_openai"]


@pytest.fixture(scope="session")
def served_openai() -> Iterator[tuple[OpenAIEmulator, str]]:
    """One OpenAI Batch API emulator on 127.0.0.1 for the session (base URL without `/v1`)."""
    emulator = OpenAIEmulator()
    with BackgroundServer(create_openai_app(emulator=emulator)) as server:
        yield emulator, server.url


@pytest.fixture(scope="session")
def served_anthropic() -> Iterator[tuple[AnthropicEmulator, str]]:
    """One Anthropic Message Batches emulator on 127.0.0.1 for the session (base URL without `/v1`, as the
    `anthropic` SDK takes it)."""
    emulator = AnthropicEmulator()
    with BackgroundServer(create_anthropic_app(emulator=emulator)) as server:
        yield emulator, server.url


@pytest.fixture(scope="session")
def served_gemini() -> Iterator[tuple[GeminiEmulator, str]]:
    """One Gemini batch-mode emulator on 127.0.0.1 for the session (the base URL `google-genai` takes as
    `HttpOptions(base_url=...)`)."""
    emulator = GeminiEmulator()
    with BackgroundServer(create_gemini_app(emulator=emulator)) as server:
        yield emulator, server.url
