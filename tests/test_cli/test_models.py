"""`gh-analysis models`: providers, known models, batch and live prices, batch limits."""

from __future__ import annotations

import json

import pytest

from tests.conftest import invoke


def test_models_json_lists_both_providers_with_prices_and_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-secret")
    monkeypatch.setenv("GH_ANALYSIS_OPENAI_MAX_REQUESTS_PER_BATCH", "1000")
    result = invoke("models", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    providers = {p["name"]: p for p in document["providers"]}
    assert set(providers) >= {"openai", "anthropic"}
    anthropic, openai = providers["anthropic"], providers["openai"]
    assert anthropic["limits"] == {
        "max_requests_per_batch": 100_000,
        "max_bytes_per_batch": 256 * 1024 * 1024,
        "max_batches_per_hour": None,
    }
    assert openai["limits"]["max_requests_per_batch"] == 1000  # the configured limit, not the documented one
    assert (anthropic["key_set"], openai["key_set"]) == (True, False)
    haiku = next(m for m in anthropic["models"] if m["model"] == "anthropic:claude-haiku-4-5")
    assert haiku["live_price"] == {
        "input_per_million": 1.0,
        "output_per_million": 5.0,
        "cached_input_per_million": pytest.approx(0.1),  # cache reads: 0.1x input
        "cache_write_per_million": 2.0,  # the 1-hour cache: 2x input
    }
    assert haiku["batch_price"] == {  # half of live, cached prices included
        "input_per_million": 0.5,
        "output_per_million": 2.5,
        "cached_input_per_million": pytest.approx(0.05),
        "cache_write_per_million": 1.0,
    }
    mini = next(m for m in openai["models"] if m["name"] == "gpt-4o-mini")
    assert mini["batch_price"]["input_per_million"] * 2 == mini["live_price"]["input_per_million"]
    assert mini["live_price"]["cached_input_per_million"] == 0.075  # OpenAI's published cached price
    assert providers["local"]["models"][0]["batch_price"]["input_per_million"] == 0
    assert document["processors"] == ["product-labeling"]
    assert document["default_model"] == "openai:gpt-4o-mini"
    assert "sk-ant-test-secret" not in result.stdout


def test_models_table_names_every_provider() -> None:
    result = invoke("models")
    assert result.exit_code == 0, result.stderr
    assert "anthropic:claude-haiku-4-5" in result.stdout and "openai:gpt-4o-mini" in result.stdout


def test_models_json_lists_gemini_with_its_limits_cached_prices_and_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", "google-test-secret")  # the SDK's other name for the key
    document = json.loads(invoke("models", "--json").stdout)
    gemini = next(p for p in document["providers"] if p["name"] == "gemini")
    assert (gemini["api_key_env"], gemini["base_url_env"], gemini["key_set"]) == (
        "GEMINI_API_KEY",
        "GEMINI_BASE_URL",
        True,
    )
    assert gemini["limits"] == {
        "max_requests_per_batch": 100_000,
        "max_bytes_per_batch": 2 * 1024**3,  # an input file; inline only under 20 MB
        "max_batches_per_hour": None,
    }
    flash = next(m for m in gemini["models"] if m["model"] == "gemini:gemini-2.5-flash")
    assert flash["live_price"] == {
        "input_per_million": 0.3,
        "output_per_million": 2.5,
        "cached_input_per_million": 0.03,
        "cache_write_per_million": 0.3,  # implicit caching: no write premium, and no write tokens reported
    }
    assert flash["batch_price"] == {
        "input_per_million": 0.15,
        "output_per_million": 1.25,
        "cached_input_per_million": 0.015,
        "cache_write_per_million": 0.15,
    }
    assert "google-test-secret" not in json.dumps(document)
