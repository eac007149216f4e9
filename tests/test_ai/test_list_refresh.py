"""Group status from the provider's list pages, counted on the emulator: pages while they carry the
group's unfinished batches, single retrieves only for what they did not reach, a batch the provider lost."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from openai import OpenAI

from github_issue_analysis.ai.batch.list_refresh import page_budget
from github_issue_analysis.domain.jobs import BatchJob, JobStatus
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.factories import batch_job
from tests.test_ai.conftest import API_KEY, Sandbox, seed, status_of, submit

LIST = "GET /v1/batches"
RETRIEVE = "GET /v1/batches/{batch_id}"


def requests_during(sandbox: Sandbox, action: object) -> dict[str, int]:
    sandbox.emulator.stats.requests.clear()
    assert callable(action)
    action()
    return dict(sandbox.emulator.stats.requests)


def other_batches(sandbox: Sandbox, count: int) -> None:
    """Batches someone else created in the same account, through the official SDK."""
    client = OpenAI(api_key=API_KEY, base_url=f"{sandbox.url}/v1", max_retries=0)
    line = {"custom_id": "x", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "gpt-4o-mini"}}
    uploaded = client.files.create(file=("other.jsonl", json.dumps(line).encode() + b"\n"), purpose="batch")
    for _ in range(count):
        client.batches.create(input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h")
    client.close()


@pytest.mark.slow
def test_a_group_over_three_pages_costs_three_list_requests(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 205)
    group = submit("--batch-size", "1")
    assert group["total_batches"] == 205
    counts = requests_during(sandbox, lambda: status_of(group["group_id"]))
    assert counts == {LIST: 3}  # 100 + 100 + 5: no retrieve at all

    sandbox.finish_all()
    finished: dict[str, object] = {}
    counts = requests_during(sandbox, lambda: finished.update(status_of(group["group_id"])))
    assert counts == {LIST: 3}
    assert (finished["status"], finished["completed_batches"]) == ("completed", 205)
    assert finished["missing_at_provider"] == []

    counts = requests_during(sandbox, lambda: status_of(group["group_id"]))
    assert counts == {}  # every batch final in the store: nothing to ask

    table = invoke("batch", "status", group["group_id"])
    assert table.exit_code == 0
    assert "By state: completed 205" in table.stdout and "50 of 205" in table.stdout
    assert sum(job_id in table.stdout for job_id in group["job_ids"]) == 50


@pytest.mark.slow
def test_paging_stops_once_every_unfinished_batch_is_seen(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 120)
    seed(seeded, 30, org="beta")
    old = submit("--batch-size", "1")  # 120 batches: pages 1 and 2 of the list once the others are made
    other_batches(sandbox, 20)
    made = invoke("batch", "submit", "product-labeling", "--org", "beta", "--batch-size", "1", "--yes", "--json")
    new = json.loads(made.stdout)  # the newest 30 batches
    assert (old["total_batches"], new["total_batches"]) == (120, 30)
    counts = requests_during(sandbox, lambda: status_of(new["group_id"]))
    assert counts == {LIST: 1}  # all 30 on the first page: the next page is never asked for
    counts = requests_during(sandbox, lambda: status_of(old["group_id"]))
    # One stretch of 120 (less than three pages): the newest page (50 newer batches, then 50 of ours), then
    # the page after it (our other 70).
    assert counts == {LIST: 2}


@pytest.mark.slow
def test_a_group_older_than_the_pages_read_falls_back_to_retrieves(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    group = submit("--batch-size", "1")
    other_batches(sandbox, 250)  # three pages of newer batches above ours
    counts = requests_during(sandbox, lambda: status_of(group["group_id"]))
    # The group's three batches should sit on page 1; two pages (fewer than the wanted), then one retrieve each.
    assert counts == {LIST: 2, RETRIEVE: 3}
    sandbox.finish_all()
    final = status_of(group["group_id"])
    assert (final["status"], final["completed_batches"]) == ("completed", 3)


def test_a_single_unfinished_batch_is_retrieved_not_listed(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    job = submit()["group_id"]
    counts = requests_during(sandbox, lambda: status_of(job))
    assert counts == {RETRIEVE: 1}


def test_a_batch_missing_from_the_provider_is_reported_and_left_as_it_was(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    group = submit("--batch-size", "1")
    lost = group["job_ids"][1]
    lost_batch = seeded.jobs.job(lost)
    assert lost_batch is not None and lost_batch.provider_batch_id
    del sandbox.emulator.batches[lost_batch.provider_batch_id]  # the provider no longer knows it
    sandbox.finish_all()

    counts: dict[str, int] = {}
    shown = invoke("batch", "status", group["group_id"], "--json")
    counts = dict(sandbox.emulator.stats.requests)
    assert shown.exit_code == 0, shown.stderr
    status = json.loads(shown.stdout)
    assert status["missing_at_provider"] == [lost]
    by_job = {b["job_id"]: b["status"] for b in status["batches"]}
    assert by_job.pop(lost) == "validating"  # unchanged: nothing is decided for a batch we cannot see
    assert set(by_job.values()) == {"completed"}
    assert counts[RETRIEVE] >= 1  # the pages did not show it, so it was asked for once by id (404)

    table = invoke("batch", "status", group["group_id"])
    assert table.exit_code == 0 and lost in table.stderr and "no batch" in table.stderr

    watched = invoke("batch", "watch", group["group_id"], "--poll-seconds", "0.05", "--json")
    assert watched.exit_code == 1
    assert lost in watched.stderr and "Traceback" not in watched.stderr
    assert len(invoke("results", "export").stdout.splitlines()) == 2  # the two it could see were collected
    job = seeded.jobs.job(lost)
    assert job is not None and job.status is JobStatus.VALIDATING and job.collected_at is None


def _job(sequence: int, minutes: int) -> BatchJob:
    when = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    return batch_job(
        job_id=f"job-{sequence}",
        group_id="grp",
        batch_sequence=sequence,
        status=JobStatus.IN_PROGRESS,
        raw_status="in_progress",
        provider_batch_id=f"batch-{sequence}",
        created_at=when,
        submitted_at=when,
    )


@pytest.mark.parametrize(
    ("wanted", "group", "budget"),
    [
        ([], 10, 0),  # nothing to ask
        ([0], 10, 0),  # one batch: a retrieve is the least
        ([0, 1], 2, 1),  # one page should hold both, never as many pages as retrieves
        ([0, 150], 250, 0),  # one stretch of three pages for two batches: two retrieves are cheaper
        ([0, 1, 150], 250, 0),  # three pages for three batches: no dearer to retrieve
        (list(range(0, 2000)), 2000, 44),  # 7 stretches of 286 (three pages less jitter): 21 pages, twice, 2 slack
        (list(range(1990, 2000)), 2000, 8),  # the newest ten: the first stretch (3 pages, twice, 2 slack)
        ([5, 6, 7, 1500], 2000, 0),  # two stretches of three pages for four batches: retrieves are cheaper
        (list(range(0, 2000, 50)), 2000, 39),  # 40 spread out: 7 stretches, 21 pages, less than 40
    ],
)
def test_page_budget(wanted: list[int], group: int, budget: int) -> None:
    jobs = [_job(n, n) for n in range(group)]
    assert page_budget([jobs[n] for n in wanted], jobs, 100) == budget


ANTHROPIC_LIST = "GET /v1/messages/batches"
ANTHROPIC_RETRIEVE = "GET /v1/messages/batches/{batch_id}"


@pytest.mark.slow
@pytest.mark.parametrize("provider_sandbox", ["anthropic"], indirect=True)  # the OpenAI side is covered above
def test_anthropic_group_status_from_one_list_page_and_a_deleted_batch(
    provider_sandbox: Sandbox, seeded: Store
) -> None:
    from anthropic import Anthropic

    seed(seeded, 12)
    group = submit("--batch-size", "3")
    assert group["total_batches"] == 4
    counts = requests_during(provider_sandbox, lambda: status_of(group["group_id"]))
    assert counts == {ANTHROPIC_LIST: 1}  # up to 1,000 batches a page

    provider_sandbox.finish_all()
    gone = seeded.jobs.job(group["job_ids"][0])
    assert gone is not None and gone.provider_batch_id
    client = Anthropic(api_key=API_KEY, base_url=provider_sandbox.url, max_retries=0)
    client.messages.batches.delete(gone.provider_batch_id)  # documented: an ended batch can be deleted
    client.close()
    final: dict[str, object] = {}
    counts = requests_during(provider_sandbox, lambda: final.update(status_of(group["group_id"])))
    assert counts == {ANTHROPIC_LIST: 1, ANTHROPIC_RETRIEVE: 1}  # the page lacked it; one retrieve said 404
    assert final["missing_at_provider"] == [gone.job_id]
    assert final["completed_batches"] == 3


GEMINI_LIST = "GET /v1beta/batches"
GEMINI_RETRIEVE = "GET /v1beta/batches/{batch_id}"


@pytest.mark.slow
@pytest.mark.parametrize("provider_sandbox", ["gemini"], indirect=True)
def test_gemini_group_status_from_one_list_page_and_a_deleted_batch(provider_sandbox: Sandbox, seeded: Store) -> None:
    """Gemini's list pages (by token, up to 1,000 batches) carry each batch's state and request counts."""
    from google import genai
    from google.genai import types

    seed(seeded, 12)
    group = submit("--batch-size", "3")
    assert group["total_batches"] == 4
    counts = requests_during(provider_sandbox, lambda: status_of(group["group_id"]))
    assert counts == {GEMINI_LIST: 1}
    provider_sandbox.finish_all()
    gone = seeded.jobs.job(group["job_ids"][0])
    assert gone is not None and gone.provider_batch_id
    options = types.HttpOptions(base_url=provider_sandbox.url, api_version="v1beta")
    client = genai.Client(api_key=API_KEY, http_options=options)
    client.batches.delete(name=gone.provider_batch_id)  # documented: deleting does not cancel, it forgets
    client.close()
    final: dict[str, object] = {}
    counts = requests_during(provider_sandbox, lambda: final.update(status_of(group["group_id"])))
    assert counts == {GEMINI_LIST: 1, GEMINI_RETRIEVE: 1}  # the page lacked it; one retrieve said 404
    assert final["missing_at_provider"] == [gone.job_id]
    assert final["completed_batches"] == 3
