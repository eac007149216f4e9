"""`gh-analysis collect` through the CLI against the GitHub emulator, asserting on the store."""

from __future__ import annotations

import json
from typing import Any

import pytest

from github_issue_analysis.storage.store import open_store
from tests.conftest import invoke

from .conftest import Sandbox, stored_issues


def collect(*args: str) -> dict[str, Any]:
    result = invoke("collect", "--org", "acme", *args, "--json")
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def acme_issue_count(sandbox: Sandbox, repo: str) -> int:
    repository = sandbox.emulator.world.repo("acme", repo)
    assert repository is not None
    return len(repository.only_issues())


@pytest.mark.slow
def test_one_repository_complete_with_every_comment_and_no_pull_requests(sandbox: Sandbox, database_url: str) -> None:
    document = collect("--repo", "kots")
    repo = sandbox.emulator.world.repo("acme", "kots")
    assert repo is not None
    issues = {i.number: i for i in stored_issues(database_url, repo="kots")}
    expected = {i.number: i for i in repo.only_issues()}
    assert set(issues) == set(expected)
    assert any(i.is_pull_request for i in repo.issues.values())
    heavy = [n for n, i in expected.items() if len(i.comments) > 100]
    assert heavy
    for number, issue in expected.items():
        assert [c.body for c in issues[number].comments] == [c.body for c in issue.comments]
    assert document["issues"] == len(expected)
    assert document["requests"] <= 6


def test_label_definitions_are_stored(sandbox: Sandbox, database_url: str) -> None:
    collect("--repo", "kurl")
    store = open_store(database_url)
    labels = {lb.name: lb for lb in store.issues.repo_labels("acme", "kurl")}
    store.close()
    assert "product::kots" in labels
    assert labels["product::kots"].description and "admin console" in labels["product::kots"].description
    assert labels["bug"].color == "d73a4a"


@pytest.mark.slow
def test_org_wide_with_exclusions(sandbox: Sandbox, database_url: str) -> None:
    document = collect("--exclude-repo", "kots", "--exclude-repo", "vendor-portal")
    repos = {r["repo"] for r in document["repositories"]}
    assert repos == {"docs", "kurl", "legacy-tools"}
    stored = {i.repo for i in stored_issues(database_url)}
    assert stored == repos
    assert len(stored_issues(database_url)) == sum(acme_issue_count(sandbox, r) for r in repos)


def test_labels_must_all_match_and_state_filters(sandbox: Sandbox, database_url: str) -> None:
    collect("--repo", "kots", "--labels", "product::kots", "--labels", "bug", "--state", "closed")
    issues = stored_issues(database_url)
    repo = sandbox.emulator.world.repo("acme", "kots")
    assert repo is not None
    expected = {
        i.number for i in repo.only_issues() if {"product::kots", "bug"} <= set(i.labels) and i.state == "CLOSED"
    }
    assert expected and {i.number for i in issues} == expected


@pytest.mark.slow
def test_date_filters_and_limit(sandbox: Sandbox, database_url: str) -> None:
    collect("--repo", "kots", "--created-after", "2024-03-01", "--created-before", "2024-06-01")
    repo = sandbox.emulator.world.repo("acme", "kots")
    assert repo is not None
    expected = {i.number for i in repo.only_issues() if "2024-03-01" <= i.created_at.isoformat() < "2024-06-01"}
    assert expected and {i.number for i in stored_issues(database_url)} == expected
    document = collect("--repo", "vendor-portal", "--limit", "7")
    assert document["issues"] == 7


def test_updated_before_stops_listing_early(sandbox: Sandbox, database_url: str) -> None:
    document = collect("--repo", "kots", "--updated-before", "2024-02-01")
    repo = sandbox.emulator.world.repo("acme", "kots")
    assert repo is not None
    expected = {i.number for i in repo.only_issues() if i.updated_at.isoformat() < "2024-02-01"}
    assert {i.number for i in stored_issues(database_url)} == expected
    assert document["requests"] <= 3


def test_single_issue(sandbox: Sandbox, database_url: str) -> None:
    repo = sandbox.emulator.world.repo("acme", "kots")
    assert repo is not None
    heavy = next(i for i in repo.only_issues() if len(i.comments) > 100)
    collect("--repo", "kots", "--issue-number", str(heavy.number))
    [issue] = stored_issues(database_url)
    assert issue.number == heavy.number and len(issue.comments) == len(heavy.comments)


@pytest.mark.slow
def test_incremental_fetches_only_changed_issues(sandbox: Sandbox, database_url: str) -> None:
    first = collect("--repo", "kots")
    world = sandbox.emulator.world
    repo = world.repo("acme", "kots")
    assert repo is not None
    numbers = [i.number for i in repo.only_issues()][:2]
    world.touch_issue("acme", "kots", numbers[0], title="Edited title")
    world.touch_issue("acme", "kots", numbers[1], comment="A new comment")
    second = collect("--repo", "kots", "--incremental")
    assert second["repositories"][0]["mode"] == "incremental"
    assert second["issues"] == 2 and second["updated"] == 2 and second["inserted"] == 0
    assert second["requests"] == 1 < first["requests"]
    stored = {i.number: i for i in stored_issues(database_url)}
    assert stored[numbers[0]].title == "Edited title"
    assert stored[numbers[1]].comments[-1].body == "A new comment"
    # `since` is inclusive at GitHub's one-second precision: issues edited in the second the previous
    # run started may come again (never missed), nothing older does.
    assert collect("--repo", "kots", "--incremental")["issues"] <= 2


@pytest.mark.slow
def test_rate_limit_wait_then_resume(sandbox: Sandbox, database_url: str) -> None:
    sandbox.emulator.configure(rate_limit_remaining=0, rate_limit_reset_seconds=1)
    result = invoke("collect", "--org", "acme", "--repo", "kurl")
    assert result.exit_code == 0, result.stderr
    assert "Rate limit exhausted" in result.stderr
    assert len(stored_issues(database_url)) == acme_issue_count(sandbox, "kurl")
    assert sandbox.emulator.stats.faults["rate_limited"] == 1


def test_secondary_limit_and_5xx_are_retried(sandbox: Sandbox, database_url: str) -> None:
    sandbox.emulator.configure(secondary_limit_next_n=1, error_5xx_next_n=1)
    result = invoke("collect", "--org", "acme", "--repo", "kurl")
    assert result.exit_code == 0, result.stderr
    assert "secondary rate limit" in result.stderr
    assert sandbox.emulator.stats.faults == {"5xx": 1, "secondary_limit": 1}
    assert len(stored_issues(database_url)) == acme_issue_count(sandbox, "kurl")


def test_bad_token_is_a_one_line_error_with_nothing_written(
    sandbox: Sandbox, database_url: str, monkeypatch: Any
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "wrong")
    result = invoke("collect", "--org", "acme")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Bad credentials" in result.stderr
    assert "wrong" not in result.stderr
    assert stored_issues(database_url) == []


def test_missing_token_is_a_usage_error(sandbox: Sandbox, monkeypatch: Any) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    result = invoke("collect", "--org", "acme")
    assert result.exit_code == 2 and "GITHUB_TOKEN" in result.stderr
    assert sandbox.emulator.stats.total == 0


def test_unknown_repository_and_organization(sandbox: Sandbox, database_url: str) -> None:
    result = invoke("collect", "--org", "acme", "--repo", "nope")
    assert result.exit_code == 2 and "acme/nope" in result.stderr
    result = invoke("collect", "--org", "nobody")
    assert result.exit_code == 2 and "nobody" in result.stderr
    assert result.stderr.count("\n") == 1
    assert stored_issues(database_url) == []


def test_input_errors_before_any_request(sandbox: Sandbox) -> None:
    for args in (
        ("--last-days", "7", "--created-after", "2024-01-01"),
        ("--created-after", "yesterday"),
        ("--state", "merged"),
        ("--issue-number", "3"),
    ):
        result = invoke("collect", "--org", "acme", *args)
        assert result.exit_code == 2, args
    assert sandbox.emulator.stats.total == 0


def test_enterprise_layout_api_v3(sandbox: Sandbox, database_url: str, monkeypatch: Any) -> None:
    monkeypatch.setenv("GITHUB_API_URL", sandbox.url + "/api/v3")
    collect("--repo", "docs")
    assert len(stored_issues(database_url)) == acme_issue_count(sandbox, "docs")
    assert sandbox.emulator.stats.graphql >= 1


def test_last_days_collects_recently_created_issues(sandbox: Sandbox, database_url: str) -> None:
    repo = sandbox.emulator.world.repo("acme", "docs")
    assert repo is not None
    recent = repo.only_issues()[0]
    from datetime import UTC, datetime

    recent.created_at = recent.updated_at = datetime.now(UTC).replace(microsecond=0)
    document = collect("--repo", "docs", "--last-days", "3")
    assert [i.number for i in stored_issues(database_url)] == [recent.number]
    assert document["requests"] == 1
