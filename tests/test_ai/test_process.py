"""`gh-analysis process`: live labeling of a few issues through each provider's live API (OpenAI chat
completions with the strict schema, Anthropic messages with the forced tool), via the real SDKs."""

from __future__ import annotations

import json

import pytest

from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox, seed

PRODUCT_LABELS = {"product::kots", "product::vendor", "product::troubleshoot"}


def process(*extra: str) -> tuple[int, dict, str]:
    result = invoke("process", "product-labeling", "--org", "acme", "--json", *extra)
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else {}, result.stderr


def test_process_labels_now_and_stores_live_results(provider_sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 5)
    code, document, stderr = process("--limit", "3", "--concurrency", "2")
    assert code == 0, stderr
    assert document["failed"] == [] and len(document["results"]) == 3
    for result in document["results"]:
        assert set(result) >= {"org", "repo", "issue_number", "model", "analysis"}
        assert {r["label"] for r in result["analysis"]["recommended_labels"]} <= PRODUCT_LABELS
    assert document["cost_usd"] > 0 and document["provider"] == provider_sandbox.provider
    exported = [json.loads(line) for line in invoke("results", "export").stdout.splitlines()]
    assert len(exported) == 3 and {e["mode"] for e in exported} == {"live"}
    assert all(e["job_id"] is None and e["group_id"] is None for e in exported)
    assert provider_sandbox.batches() == 0  # nothing went through the batch API
    again_code, again, _ = process()  # only the two issues without a result
    assert again_code == 0 and len(again["results"]) == 2


def test_process_one_issue_by_number(provider_sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 4)
    code, document, stderr = process("--repo", "app", "--issue-number", "2")
    assert code == 0, stderr
    assert [(r["repo"], r["issue_number"]) for r in document["results"]] == [("app", 2)]


def test_bad_answers_are_reported_per_issue_and_nothing_invalid_is_stored(
    provider_sandbox: Sandbox, seeded: Store
) -> None:
    seed(seeded, 6)
    provider_sandbox.config.non_json_rate = 1.0
    code, document, stderr = process()
    assert code == 1 and stderr.startswith("Error: 6 of 6 issue(s) failed")
    assert document["results"] == [] and len(document["failed"]) == 6
    assert all("not JSON" in f["error"] for f in document["failed"])
    assert invoke("results", "export").stdout == ""


def test_nothing_to_do_and_missing_key_are_one_line_errors(
    provider_sandbox: Sandbox, seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    nothing = invoke("process", "product-labeling", "--org", "acme")
    assert nothing.exit_code == 1 and "run `gh-analysis collect --org acme` first" in nothing.stderr
    seed(seeded, 1)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    missing = invoke("process", "product-labeling", "--org", "acme")
    assert missing.exit_code == 2
    assert {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "gemini": "GEMINI_API_KEY"}[
        provider_sandbox.provider
    ] in missing.stderr
    assert invoke("results", "export").stdout == ""


def test_issues_in_flight_in_a_batch_are_not_paid_for_again_live(provider_sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 4)
    provider_sandbox.config.processing_seconds = 3600  # the batch stays in flight
    submitted = invoke("batch", "submit", "product-labeling", "--org", "acme", "--limit", "3", "--yes", "--json")
    assert submitted.exit_code == 0, submitted.stderr
    code, document, stderr = process()
    assert code == 0, stderr
    assert len(document["results"]) == 1  # the one issue not in the batch
    code, _, stderr = process()
    assert code == 1 and "3 are in flight in another group" in stderr
