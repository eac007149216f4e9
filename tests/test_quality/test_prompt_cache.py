"""Prompt caching through the real SDKs: the emulators report cached tokens as the providers document, and
a group's stored usage and actual cost follow the emulators' figures at the cached rates."""

from __future__ import annotations

import json
from typing import Any

import pytest
from anthropic import Anthropic
from github_issue_analysis_sandbox.anthropic_emulator import AnthropicEmulator, AnthropicEmulatorConfig
from github_issue_analysis_sandbox.openai_emulator import EmulatorConfig, OpenAIEmulator
from openai import OpenAI

from github_issue_analysis.ai.providers.anthropic_provider import messages_params
from github_issue_analysis.ai.providers.openai_provider import chat_body
from github_issue_analysis.ai.providers.pricing import price_for
from github_issue_analysis.domain.model_request import ModelRequest
from github_issue_analysis.domain.usage import TokenUsage
from github_issue_analysis.storage.store import Store
from tests.clock import FakeClock
from tests.conftest import invoke
from tests.test_ai.conftest import API_KEY, Sandbox, status_of, submit

from .conftest import seed_big

WORDS = [
    "the",
    "installer",
    "console",
    "registry",
    "license",
    "channel",
    "bundle",
    "preflight",
    "analyzer",
    "snapshot",
    "backup",
]


def shared_text(tokens: int) -> str:
    return " ".join(WORDS[i % len(WORDS)] for i in range(tokens))


def request(model: str, context_words: int, issue: str) -> ModelRequest:
    return ModelRequest(model, "Label the issue.", issue, context=shared_text(context_words), cache_key="group-1")


@pytest.fixture
def openai_client(served_openai: tuple[OpenAIEmulator, str]) -> Any:
    emulator, url = served_openai
    emulator.config = EmulatorConfig(api_key=API_KEY, clock=FakeClock())
    emulator.reset()
    with OpenAI(api_key=API_KEY, base_url=f"{url}/v1", max_retries=0) as client:
        yield client


@pytest.fixture
def anthropic_client(served_anthropic: tuple[AnthropicEmulator, str]) -> Any:
    emulator, url = served_anthropic
    emulator.config = AnthropicEmulatorConfig(api_key=API_KEY, clock=FakeClock())
    emulator.reset()
    with Anthropic(api_key=API_KEY, base_url=url, max_retries=0) as client:
        yield client


def test_openai_reports_cached_tokens_for_a_repeated_prefix_in_128_token_steps(openai_client: OpenAI) -> None:
    first = openai_client.chat.completions.create(**chat_body(request("gpt-4o-mini", 1500, "issue one")))
    second = openai_client.chat.completions.create(**chat_body(request("gpt-4o-mini", 1500, "issue two")))
    assert first.usage is not None and second.usage is not None
    assert first.usage.prompt_tokens_details is not None and second.usage.prompt_tokens_details is not None
    assert first.usage.prompt_tokens_details.cached_tokens == 0
    cached = second.usage.prompt_tokens_details.cached_tokens or 0
    assert cached >= 1024 and cached % 128 == 0
    assert cached <= second.usage.prompt_tokens and second.usage.prompt_tokens - cached < 128 + 20


def test_openai_caches_nothing_below_1024_tokens_or_for_another_prefix(openai_client: OpenAI) -> None:
    for issue in ("one", "two"):
        short = openai_client.chat.completions.create(**chat_body(request("gpt-4o-mini", 600, issue)))
        assert short.usage is not None and short.usage.prompt_tokens_details is not None
        assert short.usage.prompt_tokens_details.cached_tokens == 0
    openai_client.chat.completions.create(**chat_body(request("gpt-4o-mini", 1500, "issue")))
    other = ModelRequest("gpt-4o-mini", "Another instruction.", "issue", context=shared_text(1500))
    answer = openai_client.chat.completions.create(**chat_body(other))
    assert answer.usage is not None and answer.usage.prompt_tokens_details is not None
    assert answer.usage.prompt_tokens_details.cached_tokens == 0


@pytest.mark.filterwarnings("ignore:The model:DeprecationWarning")
def test_anthropic_writes_then_reads_the_marked_prefix(anthropic_client: Anthropic) -> None:
    model = "claude-sonnet-4-5"
    first = anthropic_client.messages.create(**messages_params(request(model, 2000, "issue one")))
    second = anthropic_client.messages.create(**messages_params(request(model, 2000, "issue two")))
    written = first.usage.cache_creation_input_tokens or 0
    assert written >= 1024 and (first.usage.cache_read_input_tokens or 0) == 0
    assert second.usage.cache_read_input_tokens == written and (second.usage.cache_creation_input_tokens or 0) == 0
    assert 0 < second.usage.input_tokens < 50  # only the issue after the breakpoint is plain input


def test_anthropic_caches_nothing_below_the_models_minimum(anthropic_client: Anthropic) -> None:
    """2,000 tokens caches on Sonnet 4.5 (minimum 1,024) but not on Haiku 4.5 (minimum 4,096)."""
    for issue in ("one", "two"):
        answer = anthropic_client.messages.create(**messages_params(request("claude-haiku-4-5", 2000, issue)))
        assert (answer.usage.cache_creation_input_tokens or 0) == 0
        assert (answer.usage.cache_read_input_tokens or 0) == 0
        assert answer.usage.input_tokens > 2000


def _emulator_usage(sandbox: Sandbox) -> TokenUsage:
    """What the emulator reported, in its own documented fields."""
    if sandbox.provider == "anthropic":
        stats = sandbox.emulator.stats
        read, write = stats.cached_input_tokens, stats.cache_write_tokens
        return TokenUsage(stats.input_tokens + read + write, read, write, stats.output_tokens)
    usage = TokenUsage()
    for batch in sandbox.emulator.batches.values():
        document = batch.to_api(sandbox.clock())["usage"]
        cached = document["input_tokens_details"]["cached_tokens"]
        usage += TokenUsage(document["input_tokens"], cached, 0, document["output_tokens"])
    return usage


@pytest.mark.parametrize("provider_sandbox", ["openai", "anthropic"], indirect=True)  # the two that mark a prefix
def test_a_groups_usage_and_cost_follow_the_emulators_cache_figures(provider_sandbox: Sandbox, seeded: Store) -> None:
    seed_big(seeded, 12)
    group = submit("--batch-size", "12")
    provider_sandbox.finish_all()
    assert invoke("batch", "group-collect", group["group_id"]).exit_code == 0
    status = status_of(group["group_id"])
    reported = _emulator_usage(provider_sandbox)
    assert status["usage"] | {"cost_usd": None} == reported.document() | {"cost_usd": None}
    assert reported.cached_input_tokens > 0.5 * reported.input_tokens
    model = "claude-haiku-4-5" if provider_sandbox.provider == "anthropic" else "gpt-4o-mini"
    price = price_for(model)
    assert price is not None
    assert status["actual_cost_usd"] == pytest.approx(price.cost_of(reported))
    assert status["actual_cost_usd"] < price.cost(reported.input_tokens, reported.output_tokens)
    with seeded.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT SUM(input_tokens), SUM(cached_input_tokens), SUM(cache_write_tokens), SUM(output_tokens),"
            " COUNT(raw_answer) FROM results"
        ).one()
    assert TokenUsage(*rows[:4]) == reported and rows[4] == 12
    sent = next(iter(provider_sandbox.sent_batches()[0].values()))
    if provider_sandbox.provider == "openai":
        assert json.loads(sent)["body"]["prompt_cache_key"].startswith("gh-analysis-")
    else:
        block = json.loads(sent)["messages"][0]["content"][0]
        assert block["cache_control"] == {"type": "ephemeral", "ttl": "1h"}


def test_pricing_documents_the_cache_rates() -> None:
    haiku, mini = price_for("claude-haiku-4-5"), price_for("gpt-4.1-mini")
    assert haiku is not None and mini is not None
    assert haiku.cache_write == pytest.approx(2 * haiku.input_per_million)
    assert haiku.cached_input == pytest.approx(0.1 * haiku.input_per_million)
    assert mini.cached_input == pytest.approx(0.10 / 2) and mini.cache_write == mini.input_per_million
    usage = TokenUsage(input_tokens=10_000, cached_input_tokens=6_000, cache_write_tokens=3_000, output_tokens=500)
    expected = (1_000 * 0.5 + 3_000 * 1.0 + 6_000 * 0.05 + 500 * 2.5) / 1_000_000
    assert haiku.cost_of(usage) == pytest.approx(expected)
