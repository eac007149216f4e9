"""The job, item, lease and pacing stores on SQLite and (with GH_ANALYSIS_TEST_POSTGRES_URL) PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from github_issue_analysis.domain.groups import BatchGroup
from github_issue_analysis.domain.jobs import ItemErrorKind, ItemState, JobStatus
from github_issue_analysis.domain.usage import TokenUsage
from github_issue_analysis.storage.batch_records import (
    AlreadyCollected,
    CollectedResult,
    FailedItem,
    NewJob,
    RetryRaced,
)
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.records import IssueRecord
from github_issue_analysis.storage.store import Store

WHEN = datetime(2026, 2, 1, tzinfo=UTC)


def make_group(store: Store, group_id: str = "group_aaaaaaaaaaaa", jobs: int = 2) -> list[int]:
    store.issues.upsert_issues(
        [
            IssueRecord(org="o", repo="r", number=n, title="t", state="open", created_at=WHEN, updated_at=WHEN)
            for n in range(1, 5)
        ]
    )
    ids = store.issues.select_issue_ids(IssueSelection("o"))
    children = [
        NewJob(
            f"job_{group_id[-6:]}{n:06d}",
            n,
            jobs,
            [(i, f"issue-{i}") for i in ids[n - 1 :: jobs]],
            estimated_tokens=100,
        )
        for n in range(1, jobs + 1)
    ]
    store.jobs.create_group(
        BatchGroup(
            group_id=group_id,
            processor="p",
            model="m",
            provider="openai",
            child_job_ids=[c.job_id for c in children],
            total_issues=len(ids),
            is_split_job=True,
            batch_size=2,
            created_at=WHEN,
        ),
        children,
    )
    return ids


def test_group_jobs_and_items_are_recorded_together(any_store: Store) -> None:
    ids = make_group(any_store)
    group = any_store.jobs.group("group_aaaaaaaaaaaa")
    assert group is not None and group.child_job_ids == ["job_aaaaaa000001", "job_aaaaaa000002"]
    jobs = any_store.jobs.jobs("group_aaaaaaaaaaaa")
    assert [(j.status, j.total_items) for j in jobs] == [(JobStatus.QUEUED, 2), (JobStatus.QUEUED, 2)]
    items = any_store.job_items.items("job_aaaaaa000001")
    assert [(i.issue_id, i.org, i.repo, i.state) for i in items] == [
        (ids[0], "o", "r", ItemState.PENDING),
        (ids[2], "o", "r", ItemState.PENDING),
    ]


def test_only_one_owner_claims_a_job(any_store: Store) -> None:
    make_group(any_store)
    queued = [JobStatus.QUEUED]
    assert any_store.job_leases.claim_job("job_aaaaaa000001", "host-a:1", queued)
    assert not any_store.job_leases.claim_job("job_aaaaaa000001", "other-host:2", queued)
    any_store.job_leases.release_job("job_aaaaaa000001", "host-a:1")
    assert any_store.job_leases.claim_job("job_aaaaaa000001", "other-host:2", queued)
    any_store.jobs.update_job("job_aaaaaa000002", status=JobStatus.VALIDATING)
    assert not any_store.job_leases.claim_job("job_aaaaaa000002", "host-a:1", queued)


def test_collection_writes_results_states_and_counts_in_one_go(any_store: Store) -> None:
    ids = make_group(any_store)
    job = any_store.jobs.job("job_aaaaaa000001")
    assert job is not None
    any_store.job_items.record_collection(
        job,
        "p",
        "m",
        [CollectedResult(ids[0], f"issue-{ids[0]}", {"summary": "x"}, 0.9)],
        [FailedItem(f"issue-{ids[2]}", ItemErrorKind.NON_JSON, "answer is not JSON")],
        TokenUsage(input_tokens=120, output_tokens=30),
    )
    collected = any_store.jobs.job("job_aaaaaa000001")
    assert collected is not None
    assert (collected.completed_items, collected.failed_items, collected.input_tokens) == (1, 1, 120)
    assert collected.collected_at is not None
    states = {i.issue_id: (i.state, i.error_kind) for i in any_store.job_items.items(job.job_id)}
    assert states == {ids[0]: (ItemState.SUCCEEDED, None), ids[2]: (ItemState.FAILED, "non_json")}
    assert [r.analysis for r in any_store.results.current()] == [{"summary": "x"}]
    assert any_store.results.issues_with_current_result(ids, "p") == {ids[0]}
    assert any_store.pacing.observed_output_tokens_per_item("m", "p") == 30.0


def test_newer_result_becomes_current_and_history_stays(any_store: Store) -> None:
    ids = make_group(any_store)
    for job_id, summary in (("job_aaaaaa000001", "old"), ("job_aaaaaa000002", "new")):
        job = any_store.jobs.job(job_id)
        assert job is not None
        any_store.job_items.record_collection(
            job, "p", "m", [CollectedResult(ids[0], "c", {"s": summary}, None)], [], TokenUsage()
        )
    assert [r.analysis for r in any_store.results.current()] == [{"s": "new"}]
    assert any_store.results.history_count(ids[0], "p") == 2


def test_in_flight_tokens_and_removal(any_store: Store) -> None:
    make_group(any_store)
    any_store.jobs.update_jobs([("job_aaaaaa000001", {"status": JobStatus.IN_PROGRESS}, {"status": JobStatus.QUEUED})])
    assert any_store.pacing.in_flight_tokens("m") == 100
    any_store.jobs.delete_job("job_aaaaaa000001")
    assert any_store.jobs.group("group_aaaaaaaaaaaa") is not None
    any_store.jobs.delete_job("job_aaaaaa000002")
    assert any_store.jobs.group("group_aaaaaaaaaaaa") is None


def test_a_job_is_collected_once_even_when_two_processes_race(any_store: Store) -> None:
    ids = make_group(any_store)
    job = any_store.jobs.job("job_aaaaaa000001")
    assert job is not None
    first = [CollectedResult(ids[0], f"issue-{ids[0]}", {"s": 1}, None)]
    any_store.job_items.record_collection(job, "p", "m", first, [], TokenUsage(input_tokens=1, output_tokens=1))
    with pytest.raises(AlreadyCollected):  # the loser read the job before the winner wrote it
        any_store.job_items.record_collection(job, "p", "m", [], [], TokenUsage())
    collected = any_store.jobs.job(job.job_id)
    assert collected is not None and (collected.completed_items, collected.failed_items) == (1, 1)
    assert len(list(any_store.results.current())) == 1


def test_a_stale_change_never_undoes_newer_state(any_store: Store) -> None:
    make_group(any_store)
    any_store.jobs.update_job("job_aaaaaa000001", status=JobStatus.COMPLETED, provider_batch_id="b1")
    stale = ("job_aaaaaa000001", {"status": JobStatus.IN_PROGRESS}, {"status": JobStatus.VALIDATING})
    assert any_store.jobs.update_jobs([stale]) == 0
    job = any_store.jobs.job("job_aaaaaa000001")
    assert job is not None and job.status is JobStatus.COMPLETED


def test_a_group_is_retried_once_even_when_two_processes_race(any_store: Store) -> None:
    ids = make_group(any_store)
    retry = [NewJob("job_retry0000001", 3, 3, [(ids[0], f"issue-{ids[0]}")])]
    any_store.jobs.add_jobs("group_aaaaaaaaaaaa", retry, ["job_aaaaaa000001"])
    with pytest.raises(RetryRaced):
        any_store.jobs.add_jobs("group_aaaaaaaaaaaa", [NewJob("job_retry0000002", 4, 4, [])], ["job_aaaaaa000001"])
    assert [j.job_id for j in any_store.jobs.jobs("group_aaaaaaaaaaaa")] == [
        "job_aaaaaa000001",
        "job_aaaaaa000002",
        "job_retry0000001",
    ]
