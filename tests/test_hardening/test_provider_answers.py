"""Malformed provider answers never lose paid results, never leave a job running without a provider id,
and never loop: through the real OpenAI SDK against the emulator's broken-endpoint faults."""

from __future__ import annotations

import json

from github_issue_analysis_sandbox.openai_emulator import OpenAIEmulator

from github_issue_analysis.domain.jobs import JobStatus
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox, seed, status_of, submit

CONTENT = "GET /v1/files/{file_id}/content"
CREATE = "POST /v1/batches"


def one_line_error(stderr: str) -> str:
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert "Unexpected" not in stderr and "Traceback" not in stderr
    return stderr


def test_collect_from_an_html_page_records_nothing_and_stays_collectable(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    job_id = submit()["job_ids"][0]
    sandbox.finish_all()
    assert status_of(job_id)["status"] == "completed"
    sandbox.config.html_routes = [CONTENT]
    result = invoke("batch", "collect", job_id)
    assert result.exit_code == 1
    assert "not JSON" in one_line_error(result.stderr)
    job = seeded.jobs.job(job_id)
    assert job is not None and job.collected_at is None
    assert all(item.state.value == "pending" for item in seeded.job_items.items(job_id))
    grouped = invoke("batch", "group-collect", job_id)
    assert grouped.exit_code == 1 and "could not be collected" in grouped.stderr
    sandbox.config.html_routes = []
    assert invoke("batch", "collect", job_id).exit_code == 0
    assert len(invoke("results", "export").stdout.splitlines()) == 3


def test_a_status_answered_with_html_is_a_clean_error(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    job_id = submit()["job_ids"][0]
    sandbox.config.html_routes = ["GET /v1/batches/{batch_id}", "GET /v1/batches"]
    result = invoke("batch", "status", job_id)
    assert result.exit_code == 1
    assert "OPENAI_BASE_URL" in one_line_error(result.stderr)


def test_a_create_answered_without_an_id_leaves_the_job_submitting_then_it_is_adopted(
    sandbox: Sandbox, seeded: Store
) -> None:
    seed(seeded, 3)
    sandbox.config.omit_fields = {CREATE: ["id"]}
    result = invoke("batch", "submit", "product-labeling", "--org", "acme", "--yes")
    assert result.exit_code == 1
    assert "without a valid id" in one_line_error(result.stderr)
    (job,) = seeded.jobs.jobs()
    assert (job.status, job.provider_batch_id) == (JobStatus.SUBMITTING, None)
    sandbox.config.omit_fields = {}
    assert status_of(job.job_id)["provider_batch_id"] is not None  # found by its metadata, not sent again
    sandbox.finish_all()
    assert invoke("batch", "collect", job.job_id).exit_code == 0
    assert sandbox.batches() == 1


def test_cancel_of_a_job_whose_create_answer_had_no_id_cancels_the_provider_batch(
    sandbox: Sandbox, seeded: Store
) -> None:
    seed(seeded, 3)
    sandbox.config.omit_fields = {CREATE: ["id"]}
    assert invoke("batch", "submit", "product-labeling", "--org", "acme", "--yes").exit_code == 1
    (job,) = seeded.jobs.jobs()
    result = invoke("batch", "cancel", job.job_id)
    assert result.exit_code == 0, result.stderr
    (batch,) = sandbox.emulator.batches.values()
    assert batch.cancel_at is not None  # the provider batch itself was cancelled
    stored = seeded.jobs.job(job.job_id)
    assert stored is not None and stored.provider_batch_id == batch.id
    assert stored.status in (JobStatus.CANCELLING, JobStatus.CANCELLED)


def test_a_job_stored_running_without_a_provider_id_is_sent_not_watched_forever(
    live: OpenAIEmulator, seeded: Store
) -> None:
    seed(seeded, 3)
    live.config.max_batches_per_hour = 0
    assert invoke("batch", "submit", "product-labeling", "--org", "acme", "--yes").exit_code == 1
    (job,) = seeded.jobs.jobs()
    seeded.jobs.update_job(job.job_id, status=JobStatus.IN_PROGRESS, raw_status="in_progress")
    live.config.max_batches_per_hour = 2000
    result = invoke("batch", "watch", job.job_id, "--poll-seconds", "0.05", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["completed_issues"] == 3
    assert live.stats.batches_created == 1
