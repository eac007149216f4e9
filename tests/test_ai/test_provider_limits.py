"""Provider scale limits in planning, against the emulator with its limits set low: bytes per batch file
and new batches per hour."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox, dry_run_plan, seed

LIMIT_BYTES = 40_000


def test_byte_limit_is_checked_on_the_real_request_lines(
    provider_sandbox: Sandbox, seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The splitter plans with each provider's own limit: OpenAI's file bytes, Anthropic's request bytes,
    Gemini's input file bytes (every batch uploaded as a file here: no inline batch allowed)."""
    sandbox = provider_sandbox
    seed(seeded, 60)
    if sandbox.provider == "gemini":
        sandbox.config.max_file_bytes = LIMIT_BYTES
        monkeypatch.setenv("GH_ANALYSIS_GEMINI_MAX_BYTES_PER_BATCH", str(LIMIT_BYTES))
        monkeypatch.setenv("GH_ANALYSIS_GEMINI_MAX_INLINE_BYTES", "0")
    elif sandbox.provider == "anthropic":
        sandbox.config.max_batch_bytes = LIMIT_BYTES
        monkeypatch.setenv("GH_ANALYSIS_ANTHROPIC_MAX_BYTES_PER_BATCH", str(LIMIT_BYTES))
    else:
        sandbox.config.max_file_bytes = LIMIT_BYTES
        monkeypatch.setenv("GH_ANALYSIS_OPENAI_MAX_BYTES_PER_BATCH", str(LIMIT_BYTES))
    plan = dry_run_plan()
    assert plan["total_batches"] > 2  # 30 per batch would make 2; the bytes cut them smaller
    submitted = invoke("batch", "submit", "product-labeling", "--org", "acme", "--yes", "--json")
    assert submitted.exit_code == 0, submitted.stderr
    group = json.loads(submitted.stdout)
    assert len(sandbox.sent_batches()) == plan["total_batches"] == sandbox.batches()
    assert all(job.input_bytes <= LIMIT_BYTES for job in seeded.jobs.jobs(group["group_id"]))
    sandbox.finish_all()
    status = json.loads(invoke("batch", "status", group["group_id"], "--json").stdout)
    assert (status["status"], status["completed_issues"]) == ("completed", 60)
    if sandbox.provider == "gemini":  # each batch read its requests from an uploaded file
        assert sandbox.emulator.stats.files_uploaded == plan["total_batches"]
        assert all(batch.input_file for batch in sandbox.emulator.batches.values())
        collected = json.loads(invoke("batch", "group-collect", group["group_id"], "--json").stdout)
        assert collected["collected"] == 60  # from output files whose lines come in any order


def test_a_single_request_over_the_byte_limit_is_a_usage_error(
    sandbox: Sandbox, seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(seeded, 3)
    monkeypatch.setenv("GH_ANALYSIS_OPENAI_MAX_BYTES_PER_BATCH", "1000")
    result = invoke("batch", "submit", "product-labeling", "--org", "acme", "--yes")
    assert result.exit_code == 2
    assert "the request for acme/app#1 is" in result.stderr and "1,000 bytes per batch file" in result.stderr
    assert seeded.jobs.jobs() == [] and sandbox.batches() == 0


def test_hourly_batch_limit_is_announced_and_paced(
    sandbox: Sandbox, seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(seeded, 150)  # 5 batches
    sandbox.config.max_batches_per_hour = 3
    monkeypatch.setenv("GH_ANALYSIS_OPENAI_MAX_BATCHES_PER_HOUR", "3")
    dry = invoke("batch", "submit", "product-labeling", "--org", "acme", "--dry-run")
    assert "5 batches exceed the 3 the provider still creates this hour" in dry.stdout
    group = json.loads(invoke("batch", "submit", "product-labeling", "--org", "acme", "--yes", "--json").stdout)
    assert len(group["queued"]) == 2
    assert sandbox.batches() == 3
    assert sandbox.emulator.stats.requests.get("POST /v1/batches", 3) == 3  # no refused creation
    # An hour passes: for the provider (its clock) and for the store (when the first wave was sent).
    sandbox.clock.advance(3600)
    for job in seeded.jobs.jobs(group["group_id"]):
        if job.submitted_at:
            seeded.jobs.update_job(job.job_id, submitted_at=job.submitted_at - timedelta(hours=1))
    sandbox.config.validating_seconds = sandbox.config.processing_seconds = sandbox.config.finalizing_seconds = 0
    watched = invoke("batch", "watch", group["group_id"], "--poll-seconds", "0.05", "--json")
    assert watched.exit_code == 0, watched.stderr
    final = json.loads(watched.stdout)
    assert (final["status"], final["completed_issues"]) == ("completed", 150)
    assert sandbox.batches() == 5
