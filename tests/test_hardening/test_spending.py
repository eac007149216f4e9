"""Nothing is sent by mistake: dry runs, resumes, issues already in flight, out-of-range options, confirmations."""

from __future__ import annotations

import json

import pytest

from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox, seed, status_of, submit

SUBMIT = ("batch", "submit", "product-labeling")


def recorded_group(sandbox: Sandbox, count: int = 90) -> str:
    """A split group recorded with nothing sent (the provider refused every create for now)."""
    sandbox.config.max_batches_per_hour = 0
    result = invoke(*SUBMIT, "--org", "acme", "--yes", "--json")
    assert result.exit_code == 1  # could not be sent now: resumable
    sandbox.config.max_batches_per_hour = 2000
    return str(json.loads(result.stdout)["group_id"])


def test_resume_dry_run_sends_nothing(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 90)
    group_id = recorded_group(sandbox)
    requests = sum(sandbox.emulator.stats.requests.values())
    result = invoke(*SUBMIT, "--resume", group_id, "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["dry_run"], document["total_batches"], document["total_issues"]) == (True, 3, 90)
    assert sandbox.batches() == 0
    assert sum(sandbox.emulator.stats.requests.values()) == requests  # no provider call at all


@pytest.mark.parametrize(
    "option", [("--model", "openai:gpt-4o"), ("--batch-size", "5"), ("--org", "other"), ("--limit", "3")]
)
def test_resume_refuses_options_it_cannot_apply(sandbox: Sandbox, seeded: Store, option: tuple[str, str]) -> None:
    seed(seeded, 90)
    group_id = recorded_group(sandbox)
    result = invoke(*SUBMIT, "--resume", group_id, "--yes", *option)
    assert result.exit_code == 2
    assert option[0] in result.stderr and "cannot apply" in result.stderr
    assert sandbox.batches() == 0


def test_resume_accepts_the_groups_own_org_and_asks_before_sending_several(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 90)
    group_id = recorded_group(sandbox)
    refused = invoke(*SUBMIT, "--org", "acme", "--resume", group_id)
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert sandbox.batches() == 0
    assert invoke(*SUBMIT, "--org", "acme", "--resume", group_id, "--yes").exit_code == 0
    assert sandbox.batches() == 3


@pytest.mark.slow
def test_issues_in_flight_in_another_group_are_left_out(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 10)
    first = submit()
    again = invoke(*SUBMIT, "--org", "acme", "--dry-run", "--json", "--limit", "20")
    assert again.exit_code == 1
    assert "in flight" in again.stderr and "--reprocess" in again.stderr
    seed(seeded, 15)  # five new issues
    plan = json.loads(invoke(*SUBMIT, "--org", "acme", "--dry-run", "--json").stdout)
    assert plan["total_issues"] == 5
    assert plan["skipped"] == {"with_results": 0, "in_flight": 10}
    text = invoke(*SUBMIT, "--org", "acme", "--dry-run").stdout
    assert "10 issue(s) in flight in another group" in text
    reprocess = json.loads(invoke(*SUBMIT, "--org", "acme", "--dry-run", "--json", "--reprocess").stdout)
    assert reprocess["total_issues"] == 15
    sandbox.finish_all()
    assert invoke("batch", "collect", first["job_ids"][0]).exit_code == 0
    after = json.loads(invoke(*SUBMIT, "--org", "acme", "--dry-run", "--json").stdout)
    assert after["skipped"] == {"with_results": 10, "in_flight": 0}


@pytest.mark.parametrize(
    "option",
    [
        ("--temperature", "-5"),
        ("--temperature", "nan"),
        ("--temperature", "inf"),
        ("--temperature", "2.5"),
        ("--max-enqueued-tokens", "-1"),
        ("--max-enqueued-tokens", "0"),
    ],
)
def test_out_of_range_options_are_refused(sandbox: Sandbox, seeded: Store, option: tuple[str, str]) -> None:
    seed(seeded, 3)
    result = invoke(*SUBMIT, "--org", "acme", "--yes", *option)
    assert result.exit_code == 2, result.stdout
    assert option[0] in result.stderr and "Unexpected" not in result.stderr
    assert sandbox.batches() == 0 and seeded.jobs.groups() == []


def test_watch_retry_failed_and_group_retry_ask_before_sending_several(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 60)
    sandbox.config.line_failure_rate = 1.0
    group_id = submit("--batch-size", "20")["group_id"]
    sandbox.finish_all()
    assert status_of(group_id)["status"] == "partial_failure"
    assert invoke("batch", "group-collect", group_id).exit_code == 0
    created = sandbox.batches()
    retry = invoke("batch", "group-retry", group_id, "--failed-only")
    assert retry.exit_code == 2 and "--yes" in retry.stderr
    watch = invoke("batch", "watch", group_id, "--retry-failed", "--poll-seconds", "0.05")
    assert watch.exit_code == 2 and "--yes" in watch.stderr
    assert sandbox.batches() == created
    sandbox.config.line_failure_rate = 0.0
    assert invoke("batch", "group-retry", group_id, "--failed-only", "--yes").exit_code == 0
    assert sandbox.batches() == created + 3
