"""`batch submit --yes` of a selection larger than one chunk (plan_stream.py): planned and recorded chunk by chunk
while the first children are sent; the same batches as a whole plan; a run stopped between chunks is finished by
the next send of the group, every issue in exactly one child."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

from github_issue_analysis.ai.batch.batch_service import BatchService
from github_issue_analysis.ai.batch.plan_stream import PlanStream, chunk_size
from github_issue_analysis.ai.batch.submit_request import SubmitRequest
from github_issue_analysis.ai.registry import create_provider
from github_issue_analysis.config import get_settings
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox, dry_run_plan, seed

ISSUES = 150  # batches of 2, chunks of 64 new issues: three chunks (the last one partly)
SIZE = ("--batch-size", "2")


def issues_per_child(store: Store, group_id: str) -> Counter[int]:
    return Counter(item.issue_id for _, item in store.job_items.group_items(group_id))


def assert_whole(store: Store, group_id: str, sandbox: Sandbox) -> None:
    """Every issue in exactly one child, every child sent once, the group's totals exact."""
    children = store.jobs.jobs(group_id)
    assert sorted(issues_per_child(store, group_id).values()) == [1] * ISSUES
    assert [c.batch_sequence for c in children] == list(range(1, len(children) + 1))
    assert {c.total_batches_in_group for c in children} == {len(children)}
    assert sandbox.batches() == len(children) == len({c.provider_batch_id for c in children})
    group = store.jobs.group(group_id)
    assert group is not None and group.total_issues == ISSUES
    assert store.jobs.selection(group_id) is None


def test_chunks_record_the_batches_of_a_whole_plan_and_send_them(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, ISSUES)
    assert chunk_size(2) < ISSUES
    whole = dry_run_plan(*SIZE)
    result = invoke("batch", "submit", "product-labeling", "--org", "acme", *SIZE, "--yes", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["total_issues"] == ISSUES and document["total_batches"] == whole["total_batches"]
    assert [b["issue_count"] for b in document["plan"]["batches"]] == [
        b["issue_count"] for b in whole["plan"]["batches"]
    ]
    assert len(document["job_ids"]) == whole["total_batches"]
    assert document["estimated_prompt_tokens"] == whole["estimated_prompt_tokens"]
    assert_whole(seeded, document["group_id"], sandbox)
    sandbox.finish_all()
    invoke("batch", "group-collect", document["group_id"])
    assert len(invoke("results", "export").stdout.splitlines()) == ISSUES


def test_text_output_estimates_before_sending(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, ISSUES)
    result = invoke("batch", "submit", "product-labeling", "--org", "acme", *SIZE, "--yes")
    assert result.exit_code == 0, result.stderr
    assert "Will split into about 75 batches" in result.stdout
    assert "75 of 75 batches submitted" in result.stdout


def _stopped_after(store: Store, chunks: int, *extra_issues: int) -> str:
    """A group whose run recorded `chunks` chunks and stopped (what a SIGKILL between chunks leaves: each chunk
    is one transaction and nothing is held between chunks); its first children are not sent."""
    get_settings.cache_clear()
    request = SubmitRequest("product-labeling", IssueSelection("acme"), batch_size=2)
    planned = BatchService(store, get_settings()).plan(request, in_chunks=True)
    assert planned.unplanned
    stream = PlanStream.start(store, create_provider(planned.request.provider_name, get_settings()), planned)

    async def record() -> None:
        recorded = stream.chunks()
        for _ in range(chunks):
            await anext(recorded)

    asyncio.run(record())
    return stream.group_id


def test_resume_plans_and_sends_the_rest_after_a_stop_between_chunks(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, ISSUES)
    group_id = _stopped_after(seeded, 2)
    stored = seeded.jobs.selection(group_id)
    assert stored is not None and 0 < stored.planned_through < ISSUES
    recorded = issues_per_child(seeded, group_id)
    assert set(recorded) == set(stored.issue_ids[: stored.planned_through])  # the chunks' last batches carried
    assert sandbox.batches() == 0
    dry = json.loads(invoke("batch", "submit", "product-labeling", "--resume", group_id, "--dry-run", "--json").stdout)
    assert dry["unplanned_issues"] == ISSUES - stored.planned_through
    resumed = invoke("batch", "submit", "product-labeling", "--resume", group_id, "--yes")
    assert resumed.exit_code == 0, resumed.stderr
    assert_whole(seeded, group_id, sandbox)
    again = invoke("batch", "submit", "product-labeling", "--resume", group_id, "--yes")
    assert again.exit_code == 0 and sandbox.batches() == len(seeded.jobs.jobs(group_id))  # nothing sent twice


def test_issues_another_group_took_between_chunks_are_left_out(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, ISSUES)
    group_id = _stopped_after(seeded, 1)
    other = invoke("batch", "submit", "product-labeling", "--org", "acme", "--issue-number", "140", "--json")
    assert other.exit_code == 0, (
        other.stderr
    )  # the rest of the first group is not in flight yet: another run may take it
    resumed = invoke("batch", "submit", "product-labeling", "--resume", group_id, "--yes")
    assert resumed.exit_code == 0, resumed.stderr
    ours = issues_per_child(seeded, group_id)
    taken = seeded.issues.select_issue_ids(IssueSelection("acme", issue_number=140))
    assert set(ours).isdisjoint(taken) and len(ours) == ISSUES - 1 and set(ours.values()) == {1}
    group = seeded.jobs.group(group_id)
    assert group is not None and group.total_issues == ISSUES - 1
