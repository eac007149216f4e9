"""The OpenAI emulator on loopback (through the real SDK via OPENAI_BASE_URL) and a store with issues."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from github_issue_analysis_sandbox.anthropic_emulator import AnthropicEmulator, AnthropicEmulatorConfig
from github_issue_analysis_sandbox.gemini_emulator import GeminiEmulator, GeminiEmulatorConfig
from github_issue_analysis_sandbox.openai_emulator import EmulatorConfig, OpenAIEmulator

from github_issue_analysis.storage.records import CommentRecord, IssueRecord, LabelRecord
from github_issue_analysis.storage.store import Store, open_store
from tests.clock import FakeClock
from tests.conftest import invoke

E = TypeVar("E", AnthropicEmulator, GeminiEmulator)

API_KEY = "sk-test-very-secret-key-123"

PRODUCT_LABELS = [
    LabelRecord(name="product::kots", description="Admin console and installer for KOTS applications"),
    LabelRecord(name="product::vendor", description="Vendor portal, release channels and customer licenses"),
    LabelRecord(name="product::troubleshoot", description="Support bundles, preflight checks and analyzers"),
    LabelRecord(name="bug", description="Something is broken"),
]
TOPICS = [
    "The admin console installer fails during upgrade of the application",
    "Vendor portal release channel does not show the customer license",
    "Support bundle collection hangs and preflight checks time out in the analyzer",
]


ANTHROPIC_MODEL = "anthropic:claude-haiku-4-5"
GEMINI_MODEL = "gemini:gemini-2.5-flash"
# Our status words as Gemini writes them (a batch asked to cancel stays RUNNING until it has stopped).
GEMINI_WORDS = {
    "validating": "BATCH_STATE_PENDING",
    "in_progress": "BATCH_STATE_RUNNING",
    "cancelling": "BATCH_STATE_RUNNING",
    "completed": "BATCH_STATE_SUCCEEDED",
    "failed": "BATCH_STATE_FAILED",
    "cancelled": "BATCH_STATE_CANCELLED",
    "expired": "BATCH_STATE_EXPIRED",
}


def use_openai(
    served: tuple[OpenAIEmulator, str], config: EmulatorConfig, monkeypatch: pytest.MonkeyPatch
) -> OpenAIEmulator:
    """The served OpenAI emulator, reset with `config`, and the SDK pointed at it with the test key."""
    emulator, url = served
    emulator.config = config
    emulator.reset()
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", f"{url}/v1")
    monkeypatch.setenv("GH_ANALYSIS_RETRY_SECONDS", "0.01")
    return emulator


def live_config(processing_seconds: float) -> EmulatorConfig:
    """An OpenAI emulator schedule on the real clock, short enough for a test to wait for."""
    return EmulatorConfig(
        api_key=API_KEY,
        validating_seconds=0.05,
        processing_seconds=processing_seconds,
        finalizing_seconds=0.05,
        retry_after_seconds=0.01,
    )


def use_anthropic(
    served: tuple[AnthropicEmulator, str], config: AnthropicEmulatorConfig, monkeypatch: pytest.MonkeyPatch
) -> AnthropicEmulator:
    """The served Anthropic emulator, reset with `config`, the SDK pointed at it and the default model naming it."""
    return _pointed_at(served, config, monkeypatch, "ANTHROPIC", ANTHROPIC_MODEL)


def use_gemini(
    served: tuple[GeminiEmulator, str], config: GeminiEmulatorConfig, monkeypatch: pytest.MonkeyPatch
) -> GeminiEmulator:
    """The served Gemini emulator, reset with `config`, the SDK pointed at it and the default model naming it."""
    return _pointed_at(served, config, monkeypatch, "GEMINI", GEMINI_MODEL)


def _pointed_at(served: tuple[E, str], config: Any, monkeypatch: pytest.MonkeyPatch, prefix: str, model: str) -> E:
    emulator, url = served
    emulator.config = config
    emulator.reset()
    monkeypatch.setenv(f"{prefix}_API_KEY", API_KEY)
    monkeypatch.setenv(f"{prefix}_BASE_URL", url)
    monkeypatch.setenv("GH_ANALYSIS_MODEL", model)
    monkeypatch.setenv("GH_ANALYSIS_RETRY_SECONDS", "0.01")
    return emulator


def gemini_config(clock: FakeClock) -> GeminiEmulatorConfig:
    return GeminiEmulatorConfig(
        api_key=API_KEY,
        clock=clock,
        pending_seconds=1,
        processing_seconds=10,
        cancelling_seconds=1,
        retry_after_seconds=0.01,
    )


@dataclass
class Sandbox:
    """A provider's emulator on a fake clock; the same questions answered for OpenAI and Anthropic."""

    emulator: Any  # OpenAIEmulator | AnthropicEmulator | GeminiEmulator
    clock: FakeClock
    url: str
    provider: str = "openai"

    @property
    def config(self) -> Any:
        return self.emulator.config

    def finish_all(self) -> None:
        """Move past every batch's processing time."""
        self.clock.advance(3600)

    def batches(self) -> int:
        return int(self.emulator.stats.batches_created)

    def word(self, status: str) -> str:
        """The provider's own status string for one of ours (job status JSON shows the provider's)."""
        if self.provider == "gemini":
            return GEMINI_WORDS[status]
        if self.provider != "anthropic":
            return status
        ended = {"completed", "expired", "cancelled", "failed"}
        return (
            "ended" if status in ended else {"cancelling": "canceling", "validating": "in_progress"}.get(status, status)
        )

    def batch_status(self, index: int = 0) -> str:
        """The status the emulator gives its index-th batch now (in our words)."""
        batch = list(self.emulator.batches.values())[index]
        if self.provider == "gemini":
            state = batch.state_at(self.clock()).value
            cancelling = batch.cancel_at is not None and state in ("BATCH_STATE_PENDING", "BATCH_STATE_RUNNING")
            return "cancelling" if cancelling else {raw: ours for ours, raw in GEMINI_WORDS.items()}[state]
        if self.provider == "anthropic":
            document = batch.to_api(self.clock(), self.url)
            return {"canceling": "cancelling"}.get(document["processing_status"], document["processing_status"])
        return str(batch.to_api(self.clock())["status"])

    def sent_batches(self) -> list[dict[str, str]]:
        """Each batch's requests as {custom_id: request as sent}, in the order the batches were sent."""
        if self.provider == "gemini":
            return [
                {str(r.key): json.dumps(r.request, sort_keys=True) for r in batch.requests}
                for batch in self.emulator.batches.values()
            ]
        if self.provider == "anthropic":
            return [
                {r.custom_id: json.dumps(r.params, sort_keys=True) for r in batch.requests}
                for batch in self.emulator.batches.values()
            ]
        return [
            {json.loads(line)["custom_id"]: line.decode() for line in f.content.splitlines()}
            for f in self.emulator.files.values()
            if f.purpose == "batch"
        ]

    def reported_input_tokens(self) -> int:
        """Input tokens the provider reported for every batch."""
        if self.provider == "gemini":
            return int(self.emulator.stats.prompt_tokens)
        if self.provider == "anthropic":
            return int(self.emulator.stats.input_tokens)
        usages = [b.to_api(self.clock())["usage"] for b in self.emulator.batches.values()]
        return sum(u["input_tokens"] for u in usages if u)


@pytest.fixture
def sandbox(served_openai: tuple[OpenAIEmulator, str], monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    clock = FakeClock()
    config = EmulatorConfig(
        api_key=API_KEY,
        clock=clock,
        validating_seconds=1,
        processing_seconds=10,
        finalizing_seconds=1,
        cancelling_seconds=1,
        retry_after_seconds=0.01,
    )
    return Sandbox(use_openai(served_openai, config, monkeypatch), clock, served_openai[1])


# Gemini variants of group tests whose cases the other providers and the remaining Gemini cases already cover:
# run in the slow lane only, to keep the fast lane's Gemini cost small (inlined creates convert each request
# through the SDK's models, about 6 ms a request).
GEMINI_SLOW_LANE = frozenset(
    {
        "test_submit_status_collect[gemini-400]",
        "test_submission_splits_into_a_group[gemini-400-14]",
        "test_submission_splits_into_a_group[gemini-60-2]",
        "test_submission_splits_into_a_group[gemini-31-2]",
        "test_submission_splits_into_a_group[gemini-30-1]",
        "test_submission_splits_into_a_group[gemini-29-1]",
        "test_reprocess_and_skip_issues_with_results[gemini]",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.name in GEMINI_SLOW_LANE:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(params=["openai", "anthropic", "gemini"])
def provider_sandbox(
    request: pytest.FixtureRequest,
    served_openai: tuple[OpenAIEmulator, str],
    served_anthropic: tuple[AnthropicEmulator, str],
    served_gemini: tuple[GeminiEmulator, str],
    monkeypatch: pytest.MonkeyPatch,
) -> Sandbox:
    """The group tests on each provider: its emulator, its SDK, its key, and the default model naming it."""
    if request.param == "openai":
        return request.getfixturevalue("sandbox")  # type: ignore[no-any-return]
    if request.param == "gemini":
        clock = FakeClock()
        gemini = use_gemini(served_gemini, gemini_config(clock), monkeypatch)
        return Sandbox(gemini, clock, served_gemini[1], provider="gemini")
    clock = FakeClock()
    config = AnthropicEmulatorConfig(
        api_key=API_KEY, clock=clock, processing_seconds=10, canceling_seconds=1, retry_after_seconds=0.01
    )
    emulator = use_anthropic(served_anthropic, config, monkeypatch)
    return Sandbox(emulator, clock, served_anthropic[1], provider="anthropic")


def issue(number: int, repo: str = "app", org: str = "acme", comments: int = 2) -> IssueRecord:
    when = datetime(2026, 3, 1, tzinfo=UTC)
    topic = TOPICS[number % len(TOPICS)]
    return IssueRecord(
        org=org,
        repo=repo,
        number=number,
        title=f"{topic} (#{number})",
        body=f"{topic}. Steps to reproduce follow.",
        state="open",
        author="reporter",
        labels=[LabelRecord(name="bug")],
        created_at=when,
        updated_at=when,
        comments=[
            CommentRecord(author=f"dev{i}", body=f"Looked at {topic.lower()}", created_at=when) for i in range(comments)
        ],
    )


def seed(store: Store, count: int, repo: str = "app", org: str = "acme") -> None:
    store.issues.upsert_issues([issue(n, repo, org) for n in range(1, count + 1)])
    store.issues.replace_repo_labels(org, repo, PRODUCT_LABELS)


@pytest.fixture
def seeded(database_url: str) -> Iterator[Store]:
    """A store (the CLI's default SQLite file) whose content tests add with `seed`."""
    store = open_store(database_url)
    yield store
    store.close()


def dry_run_plan(*extra: str) -> dict:
    """The JSON plan of `batch submit product-labeling --org acme --dry-run --json ...`."""
    return dict(
        json.loads(invoke("batch", "submit", "product-labeling", "--org", "acme", "--dry-run", "--json", *extra).stdout)
    )


def submit(*extra: str) -> dict:
    """`batch submit product-labeling --org acme --yes --json ...`, which must succeed."""
    result = invoke("batch", "submit", "product-labeling", "--org", "acme", "--yes", "--json", *extra)
    assert result.exit_code == 0, result.stderr
    return dict(json.loads(result.stdout))


def status_of(job_or_group: str) -> dict:
    """`batch status ID --json`, which must succeed."""
    result = invoke("batch", "status", job_or_group, "--json")
    assert result.exit_code == 0, result.stderr
    return dict(json.loads(result.stdout))
