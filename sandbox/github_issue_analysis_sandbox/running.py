"""The four emulators (OpenAI, GitHub, Anthropic, Gemini) started together on 127.0.0.1, for the offline demo
and `gh-analysis sandbox serve`: a context manager that gives their URLs and stops them on exit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

DEMO_API_KEY = "sk-sandbox-demo"
"""The key the AI provider emulators accept by default."""
DEMO_GITHUB_TOKEN = "sandbox-token"
"""A token for the GitHub emulator (it accepts any non-empty token)."""
DEMO_ORG = "sandbox-org"
"""The organization of the default world with human labels (95 issues in three repositories)."""


@dataclass(frozen=True)
class EmulatorUrls:
    """Base URLs without a trailing slash: `openai` takes `/v1` after it (as `OPENAI_BASE_URL`), the others
    are used as they are (`GITHUB_API_URL`, `ANTHROPIC_BASE_URL`, `GEMINI_BASE_URL`)."""

    openai: str
    github: str
    anthropic: str
    gemini: str
    api_key: str
    github_token: str = DEMO_GITHUB_TOKEN


@contextmanager
def running_emulators(
    processing_seconds: float = 4.0, *, port: int | None = None, latency_ms: float = 0.0, api_key: str = DEMO_API_KEY
) -> Iterator[EmulatorUrls]:
    """Serve the OpenAI Batch API, GitHub (the default world), Anthropic Message Batches and Gemini batch-mode
    emulators, each batch running `processing_seconds`, every request delayed `latency_ms`. Free ports are
    chosen unless `port` is given: then OpenAI has it, GitHub the next, Anthropic the one after, Gemini the
    next."""
    from .anthropic_emulator import AnthropicEmulatorConfig, create_anthropic_app
    from .gemini_emulator import GeminiEmulatorConfig, create_gemini_app
    from .github_emulator import GitHubEmulator, GitHubEmulatorConfig, default_world
    from .openai_emulator import EmulatorConfig, create_openai_app
    from .server import BackgroundServer

    apps = [
        create_openai_app(
            EmulatorConfig(api_key=api_key, latency_ms=latency_ms, processing_seconds=processing_seconds)
        ),
        GitHubEmulator(default_world(), GitHubEmulatorConfig(latency_ms=latency_ms)).app,
        create_anthropic_app(
            AnthropicEmulatorConfig(api_key=api_key, latency_ms=latency_ms, processing_seconds=processing_seconds)
        ),
        create_gemini_app(
            GeminiEmulatorConfig(api_key=api_key, latency_ms=latency_ms, processing_seconds=processing_seconds)
        ),
    ]
    with ExitStack() as stack:
        servers = [
            stack.enter_context(BackgroundServer(app, None if port is None else port + offset))
            for offset, app in enumerate(apps)
        ]
        openai, github, anthropic, gemini = (server.url for server in servers)
        yield EmulatorUrls(openai, github, anthropic, gemini, api_key)
