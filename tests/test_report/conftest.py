"""Both emulators on loopback (GitHub with the default world, OpenAI finishing batches in well under a second),
the CLI pointed at them, and a store labelled once through `gh-analysis label`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from github_issue_analysis_sandbox.github_emulator import GitHubEmulator, GitHubEmulatorConfig, default_world
from github_issue_analysis_sandbox.openai_emulator import EmulatorConfig, OpenAIEmulator
from github_issue_analysis_sandbox.server import BackgroundServer

from github_issue_analysis.storage.store import Store, open_store
from tests.conftest import invoke

API_KEY = "sk-test-web-secret-key-42"
GITHUB_TOKEN = "ghp_web_test_token_42"
ORG = "sandbox-org"


@dataclass
class Emulators:
    openai: OpenAIEmulator
    github: GitHubEmulator
    openai_url: str
    github_url: str

    def batches_created(self) -> int:
        return int(self.openai.stats.batches_created)


@pytest.fixture
def emulators(served_openai: tuple[OpenAIEmulator, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulators]:
    openai, url = served_openai
    openai.config = EmulatorConfig(
        api_key=API_KEY, validating_seconds=0.05, processing_seconds=0.3, finalizing_seconds=0.05
    )
    openai.reset()
    github = GitHubEmulator(default_world(), GitHubEmulatorConfig(valid_tokens=[GITHUB_TOKEN]))
    with BackgroundServer(github.app) as server:
        monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", f"{url}/v1")
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)
        monkeypatch.setenv("GH_ANALYSIS_RETRY_SECONDS", "0.01")
        yield Emulators(openai, github, url, server.url)


def label(*extra: str) -> dict:
    """`label --org sandbox-org --yes --json`, which must succeed."""
    result = invoke("label", "--org", ORG, "--yes", "--json", "--poll-seconds", "0.1", *extra)
    assert result.exit_code == 0, result.stderr
    return dict(json.loads(result.stdout))


@dataclass
class Labelled:
    store: Store
    run: dict
    emulators: Emulators

    @property
    def report(self) -> Path:
        return Path(self.run["report"])


@pytest.fixture
def labelled(emulators: Emulators, database_url: str) -> Iterator[Labelled]:
    # In a thread of its own: Playwright's sync API keeps an event loop running in the main thread.
    with ThreadPoolExecutor(1) as worker:
        run = worker.submit(label).result()
    store = open_store(database_url)
    yield Labelled(store, run, emulators)
    store.close()


@pytest.fixture
def served_app(labelled: Labelled) -> Iterator[str]:
    """`serve`'s app over the labelled store on 127.0.0.1, an ephemeral port, in a background thread."""
    from github_issue_analysis.config import get_settings
    from github_issue_analysis.report.app import create_app

    get_settings.cache_clear()
    with BackgroundServer(create_app(labelled.store, get_settings())) as server:
        yield server.url
