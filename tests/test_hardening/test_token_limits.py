"""The enqueued-token limit: kept with the group, learned per account and model, and never a resubmit loop."""

from __future__ import annotations

import json

import pytest
from github_issue_analysis_sandbox.openai_emulator import OpenAIEmulator

from github_issue_analysis.storage.store import Store
from tests.conftest import CliResult, invoke
from tests.test_ai.conftest import dry_run_plan, seed, submit


def watch(group_id: str, *extra: str) -> CliResult:
    return invoke("batch", "watch", group_id, "--poll-seconds", "0.05", "--json", *extra)


def refusals(emulator: OpenAIEmulator) -> int:
    return sum(
        any(error.get("code") == "token_limit_exceeded" for error in batch.errors)
        for batch in emulator.batches.values()
    )


def per_batch_tokens(*extra: str) -> int:
    plan = dry_run_plan(*extra)
    return max(b["estimated_tokens"] for b in plan["plan"]["batches"])


def test_a_limit_smaller_than_one_batch_splits_it_instead_of_resubmitting(live: OpenAIEmulator, seeded: Store) -> None:
    seed(seeded, 60)
    live.config.enqueued_token_limit = int(per_batch_tokens() * 0.6)
    group = submit()
    result = watch(group["group_id"])
    assert result.exit_code == 0, result.stderr
    final = json.loads(result.stdout)
    assert (final["status"], final["completed_issues"]) == ("completed", 60)
    assert refusals(live) <= 4  # the first two sends, at most a couple more: never one per cycle
    assert live.stats.batches_created <= refusals(live) + 8
    assert all(b["attempt"] <= 4 for b in final["batches"])
    assert seeded.limits.learned("openai", _account(live), "gpt-4o-mini") == live.config.enqueued_token_limit


def test_a_request_bigger_than_the_limit_fails_with_why_and_the_watch_exits_1(
    live: OpenAIEmulator, seeded: Store
) -> None:
    seed(seeded, 1)
    live.config.enqueued_token_limit = 50
    group = submit()
    result = watch(group["group_id"])
    assert result.exit_code == 1
    final = json.loads(result.stdout)
    assert final["status"] == "failed" and final["completed_issues"] == 0
    assert "enqueued-token limit" in final["batches"][0]["error"]
    assert live.stats.batches_created <= 2
    assert "no issue" in result.stderr.lower()


@pytest.mark.slow
def test_a_given_limit_above_the_providers_gives_way_to_what_the_provider_stated(
    live: OpenAIEmulator, seeded: Store
) -> None:
    seed(seeded, 180)
    limit = per_batch_tokens() * 3
    live.config.enqueued_token_limit = int(limit * 0.6)  # two batches fit, not the three we were told
    group = submit("--max-enqueued-tokens", str(limit))
    result = watch(group["group_id"], "--max-enqueued-tokens", str(limit))
    assert result.exit_code == 0, result.stderr
    final = json.loads(result.stdout)
    assert (final["status"], final["completed_issues"]) == ("completed", 180)  # no child refused to death
    assert refusals(live) <= 3


def test_submit_limit_is_kept_with_the_group_for_a_later_watch(live: OpenAIEmulator, seeded: Store) -> None:
    seed(seeded, 150)
    limit = per_batch_tokens() * 2
    live.config.enqueued_token_limit = int(limit * 1.05)
    group = submit("--max-enqueued-tokens", str(limit))
    assert len(group["queued"]) >= 2
    result = watch(group["group_id"])  # no --max-enqueued-tokens: the group's own is used
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["completed_issues"] == 150
    assert refusals(live) == 0
    assert live.peak_enqueued_tokens <= limit


@pytest.mark.slow
def test_a_learned_limit_paces_a_later_group_from_the_start(live: OpenAIEmulator, seeded: Store) -> None:
    seed(seeded, 90)
    live.config.enqueued_token_limit = int(per_batch_tokens() * 1.5)
    first = submit()  # no limit known yet: every batch goes out and the provider refuses some
    assert watch(first["group_id"]).exit_code == 0
    refused = refusals(live)
    assert refused >= 1
    assert seeded.limits.learned("openai", _account(live), "gpt-4o-mini") == live.config.enqueued_token_limit
    second = submit("--reprocess")  # a new group: starts within the learned limit
    assert len(second["queued"]) >= 1
    result = watch(second["group_id"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["completed_issues"] == 90
    assert refusals(live) == refused  # not one more refusal


def _account(emulator: OpenAIEmulator) -> str:
    from github_issue_analysis.ai.registry import create_provider
    from github_issue_analysis.config import get_settings

    get_settings.cache_clear()
    return create_provider("openai", get_settings()).account


def test_learned_limits_are_kept_per_account_and_model(seeded: Store) -> None:
    seeded.limits.learn("openai", "https://a#key-1", "gpt-4o-mini", 1000)
    seeded.limits.learn("openai", "https://a#key-1", "gpt-4o-mini", 800)
    seeded.limits.learn("openai", "https://a#key-2", "gpt-4o-mini", 5000)
    assert seeded.limits.learned("openai", "https://a#key-1", "gpt-4o-mini") == 800
    assert seeded.limits.learned("openai", "https://a#key-2", "gpt-4o-mini") == 5000
    assert seeded.limits.learned("openai", "https://a#key-1", "gpt-4o") is None


def test_the_plan_says_when_batches_exceed_the_given_limit(live: OpenAIEmulator, seeded: Store) -> None:
    seed(seeded, 60)
    limit = per_batch_tokens() // 2
    plan = dry_run_plan("--max-enqueued-tokens", str(limit))
    assert any("split smaller" in warning for warning in plan["warnings"])
