"""Automatic splitting and batch groups: the splitter alone, then groups through the CLI, the real SDK
and the emulator on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from github_issue_analysis.ai.batch.batch_splitter import BatchSplitter, RequestTooLarge
from github_issue_analysis.domain.groups import GroupState, group_state
from github_issue_analysis.domain.jobs import BatchJob, JobStatus
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.factories import batch_job
from tests.test_ai.conftest import Sandbox, dry_run_plan, seed, status_of, submit


@pytest.mark.parametrize(
    ("count", "sizes"),
    [
        (0, []),
        (1, [1]),
        (29, [29]),
        (30, [30]),
        (31, [30, 1]),
        (60, [30, 30]),
        (61, [30, 30, 1]),
        (400, [30] * 13 + [10]),
    ],
)
def test_fixed_size_split_keeps_order(count: int, sizes: list[int]) -> None:
    issues = list(range(count))
    batches = BatchSplitter().split_issues(issues)
    assert [len(b) for b in batches] == sizes
    assert [i for b in batches for i in b] == issues
    plan = BatchSplitter().create_split_plan([100] * count)
    assert [(b.batch_number, b.issue_count) for b in plan.batches] == list(enumerate(sizes, start=1))
    assert plan.split_required is (len(sizes) > 1)


def test_byte_and_request_limits_cut_batches_early() -> None:
    splitter = BatchSplitter(batch_size=30, max_requests=4, max_bytes=1000)
    assert [len(r) for r in splitter.split([300] * 10)] == [3, 3, 3, 1]
    assert [len(r) for r in BatchSplitter(30, max_requests=4).split([1] * 10)] == [4, 4, 2]
    with pytest.raises(RequestTooLarge):
        splitter.split([10, 1001])
    with pytest.raises(ValueError):
        BatchSplitter(batch_size=0)


def test_zero_issues_is_a_clear_error(sandbox: Sandbox, seeded: Store) -> None:
    result = invoke("batch", "submit", "product-labeling", "--org", "acme", "--yes")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: no collected issues match this selection; run `gh-analysis collect --org acme` first"
    )


@pytest.mark.parametrize(("count", "batches"), [(1, 1), (29, 1), (30, 1), (31, 2), (60, 2), (61, 3), (400, 14)])
def test_submission_splits_into_a_group(count: int, batches: int, provider_sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, count)
    submitted = submit()
    assert submitted["total_batches"] == batches
    assert submitted["is_split_job"] is (batches > 1)
    assert len(submitted["job_ids"]) == batches == provider_sandbox.batches()
    assert [b["issue_count"] for b in submitted["plan"]["batches"]] == (
        [30] * (count // 30) + ([count % 30] if count % 30 else [])
    )
    if batches == 1:
        assert submitted["group_id"] == submitted["job_ids"][0]  # no group for the user to learn about
        assert json.loads(invoke("batch", "status", submitted["group_id"], "--json").stdout)["total_items"] == count
        return
    assert submitted["group_id"].startswith("group_") and len(submitted["group_id"]) == 18
    provider_sandbox.finish_all()
    status = status_of(submitted["group_id"])
    assert (status["status"], status["completed_batches"], status["completed_issues"]) == ("completed", batches, count)
    assert [b["batch_sequence"] for b in status["batches"]] == list(range(1, batches + 1))
    collected = json.loads(invoke("batch", "group-collect", submitted["group_id"], "--json").stdout)
    assert (collected["collected"], collected["failed"]) == (count, 0)
    assert len(invoke("results", "export").stdout.splitlines()) == count


def test_children_keep_working_with_job_commands(provider_sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 45)
    group = submit()
    child = group["job_ids"][1]
    provider_sandbox.finish_all()
    job = json.loads(invoke("batch", "status", child, "--json").stdout)
    finished = {"openai": "completed", "anthropic": "ended", "gemini": "BATCH_STATE_SUCCEEDED"}[
        provider_sandbox.provider
    ]  # the provider's word
    assert (job["group_id"], job["batch_sequence"], job["status"], job["total_items"]) == (
        group["group_id"],
        2,
        finished,
        15,
    )
    listed = json.loads(invoke("batch", "list", "--json").stdout)
    assert {j["job_id"] for j in listed} == set(group["job_ids"])
    assert json.loads(invoke("batch", "collect", child, "--json").stdout)["collected"] == 15
    groups = json.loads(invoke("batch", "list", "--groups", "--json").stdout)
    assert [g["group_id"] for g in groups] == [group["group_id"]]


def test_dry_run_shows_the_plan_and_submits_nothing(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 95)
    shown = invoke("batch", "submit", "product-labeling", "--org", "acme", "--dry-run")
    assert shown.exit_code == 0, shown.stderr
    assert "Batch Splitting Plan" in shown.stdout and "Dry run complete" in shown.stdout
    assert "prompt tokens" in shown.stdout and "$" in shown.stdout
    document = dry_run_plan()
    assert document["dry_run"] is True and document["group_id"] is None
    assert [b["issue_count"] for b in document["plan"]["batches"]] == [30, 30, 30, 5]
    assert document["estimated_prompt_tokens"] > 0
    assert sandbox.batches() == 0 and seeded.jobs.jobs() == []


def test_limit_and_batch_size_options(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 100)
    document = dry_run_plan("--limit", "50", "--batch-size", "20")
    assert [b["issue_count"] for b in document["plan"]["batches"]] == [20, 20, 10]


def test_split_submission_needs_confirmation(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 31)
    refused = invoke("batch", "submit", "product-labeling", "--org", "acme")
    assert refused.exit_code == 2
    assert "--yes" in refused.stderr
    assert sandbox.batches() == 0 and seeded.jobs.jobs() == []


def test_cancelled_child_partial_collection_and_partial_failure(provider_sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 61)
    group = submit()
    provider_sandbox.clock.advance(6)
    assert invoke("batch", "cancel", group["job_ids"][2]).exit_code == 0
    provider_sandbox.finish_all()
    status = status_of(group["group_id"])
    assert status["status"] == "partial_failure"
    assert (status["completed_batches"], status["failed_batches"]) == (2, 1)
    collected = json.loads(invoke("batch", "group-collect", group["group_id"], "--json").stdout)
    assert collected["collected"] == 60
    assert collected["failed"] == 1


def test_token_limit_failure_then_group_retry(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 60)
    plan = dry_run_plan()
    sandbox.config.enqueued_token_limit = int(plan["estimated_prompt_tokens"] * 0.7)
    group = submit()
    sandbox.clock.advance(1.5)
    status = status_of(group["group_id"])
    states = sorted(b["status"] for b in status["batches"])
    assert states == ["in_progress", "queued"]  # the refused child went back to the queue by itself
    refused = next(b for b in status["batches"] if b["status"] == "queued")
    job = json.loads(invoke("batch", "status", refused["job_id"], "--json").stdout)
    assert "Enqueued token limit" in job["error"]
    sandbox.finish_all()
    retried = invoke("batch", "group-retry", group["group_id"])
    assert retried.exit_code == 0, retried.stderr
    sandbox.finish_all()
    assert status_of(group["group_id"])["status"] == "completed"
    invoke("batch", "group-collect", group["group_id"])
    assert len(invoke("results", "export").stdout.splitlines()) == 60


def test_failed_items_then_retry_failed_only(provider_sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 61)
    provider_sandbox.config.line_failure_rate = 0.3
    group = submit()
    provider_sandbox.finish_all()
    collected = json.loads(invoke("batch", "group-collect", group["group_id"], "--json").stdout)
    assert collected["failed"] > 0
    assert status_of(group["group_id"])["status"] == "partial_failure"
    failed_ids = {i.custom_id for _, i in seeded.job_items.group_items(group["group_id"]) if i.state.value == "failed"}
    sent_before = len(provider_sandbox.sent_batches())
    provider_sandbox.config.line_failure_rate = 0.0
    retried = json.loads(invoke("batch", "group-retry", group["group_id"], "--failed-only", "--json").stdout)
    new_jobs = set(retried["job_ids"]) - set(group["job_ids"])
    assert len(new_jobs) == -(-len(failed_ids) // 30)
    resent_ids = {custom_id for batch in provider_sandbox.sent_batches()[sent_before:] for custom_id in batch}
    assert resent_ids == failed_ids
    provider_sandbox.finish_all()
    invoke("batch", "group-collect", group["group_id"])
    status = status_of(group["group_id"])
    assert (status["status"], status["completed_issues"]) == ("completed", 61)
    assert len(invoke("results", "export").stdout.splitlines()) == 61
    assert status["usage"]["input_tokens"] == provider_sandbox.reported_input_tokens()  # retried ones too


def test_request_bodies_are_the_same_split_or_alone(provider_sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 31)
    submit()
    grouped = {custom_id: sent for batch in provider_sandbox.sent_batches() for custom_id, sent in batch.items()}
    invoke(
        "batch", "submit", "product-labeling", "--org", "acme", "--repo", "app", "--issue-number", "31", "--reprocess"
    )
    [(custom_id, alone)] = provider_sandbox.sent_batches()[-1].items()
    assert grouped[custom_id] == alone


def test_ids_and_wrong_commands_get_helpful_errors(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 31)
    group = submit()
    child = group["job_ids"][0]
    wrong = invoke("batch", "collect", group["group_id"])
    assert wrong.exit_code == 2 and f"batch group-collect {group['group_id']}" in wrong.stderr
    wrong = invoke("batch", "group-collect", child)
    assert wrong.exit_code == 2 and f"batch collect {child}" in wrong.stderr
    assert invoke("batch", "status", "group_zzz").exit_code == 2
    submit("--reprocess")
    ambiguous = invoke("batch", "group-cancel", "group_")
    assert ambiguous.exit_code == 2 and "matches several" in ambiguous.stderr
    prefix = json.loads(invoke("batch", "status", group["group_id"][:10], "--json").stdout)
    assert prefix["group_id"] == group["group_id"]


def test_group_cancel_stops_every_unfinished_child(provider_sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 61)
    group = submit()
    provider_sandbox.clock.advance(3)
    assert invoke("batch", "group-cancel", group["group_id"]).exit_code == 0
    provider_sandbox.finish_all()
    status = status_of(group["group_id"])
    assert status["status"] in ("failed", "partial_failure")
    assert status["failed_batches"] == 3


def _child(status: JobStatus, failed: int = 0) -> BatchJob:
    return batch_job(status=status, total_items=30, completed_items=30 - failed, failed_items=failed)


@pytest.mark.parametrize(
    ("children", "state"),
    [
        ([JobStatus.QUEUED, JobStatus.VALIDATING], GroupState.PENDING),
        ([JobStatus.COMPLETED, JobStatus.IN_PROGRESS], GroupState.PROCESSING),
        ([JobStatus.COMPLETED, JobStatus.COMPLETED], GroupState.COMPLETED),
        ([JobStatus.COMPLETED, JobStatus.CANCELLED], GroupState.PARTIAL_FAILURE),
        ([JobStatus.COMPLETED, JobStatus.EXPIRED], GroupState.PARTIAL_FAILURE),
        ([JobStatus.FAILED, JobStatus.CANCELLED], GroupState.FAILED),
        ([], GroupState.FAILED),
    ],
)
def test_group_state_rules(children: list[JobStatus], state: GroupState) -> None:
    assert group_state([_child(status) for status in children]) is state


def test_item_failures_in_a_completed_child_make_a_partial_failure() -> None:
    assert (
        group_state([_child(JobStatus.COMPLETED), _child(JobStatus.COMPLETED, failed=2)]) is GroupState.PARTIAL_FAILURE
    )
