"""`collect --incremental` after 10 issues changed takes at most 2 requests, long threads included: the newest
comments are read from the end, read further back (several issues a request) only as far as the stored ones,
and joined to the stored thread; a thread that does not line up is read whole."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from github_issue_analysis_sandbox.github_emulator.world import Comment

from tests.conftest import invoke

from .conftest import Sandbox, stored_issues


def collect(*args: str) -> dict[str, Any]:
    result = invoke("collect", "--org", "acme", "--repo", "kots", *args, "--json")
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def lengthen(sandbox: Sandbox, number: int, count: int) -> None:
    """Give an issue a long thread (older than the issue's last update)."""
    issue = sandbox.emulator.world.issue("acme", "kots", number)
    assert issue is not None
    start = issue.created_at + timedelta(minutes=1)
    base = 10_000 * number
    issue.comments = [
        Comment(base + i, f"user{i % 9}", f"Comment {i} on #{number}", start + timedelta(seconds=i), start)
        for i in range(count)
    ]


@pytest.mark.slow
def test_ten_changed_issues_with_long_threads_take_at_most_two_requests(sandbox: Sandbox, database_url: str) -> None:
    repo = sandbox.emulator.world.repo("acme", "kots")
    assert repo is not None
    numbers = [issue.number for issue in repo.only_issues()][:10]
    for index, number in enumerate(numbers):
        lengthen(sandbox, number, [600, 1200, 40, 250, 0, 51, 100, 999, 5, 301][index])
    collect()
    before = {i.number: len(i.comments) for i in stored_issues(database_url)}
    for number in numbers:
        sandbox.emulator.world.touch_issue("acme", "kots", number, comment=f"New comment on #{number}")
    second = collect("--incremental")
    print(f"incremental collect of 10 changed issues: {second['requests']} requests")
    assert second["issues"] == 10
    assert second["requests"] <= 2
    stored = {i.number: i for i in stored_issues(database_url)}
    for number in numbers:
        issue = sandbox.emulator.world.issue("acme", "kots", number)
        assert issue is not None
        assert len(stored[number].comments) == before[number] + 1 == len(issue.comments)
        assert [c.body for c in stored[number].comments] == [c.body for c in issue.comments]


def _long_thread_collected(sandbox: Sandbox) -> tuple[int, Any]:
    """An issue of 300 comments, collected; its number and the emulator's issue."""
    repo = sandbox.emulator.world.repo("acme", "kots")
    assert repo is not None
    number = repo.only_issues()[0].number
    lengthen(sandbox, number, 300)
    collect()
    issue = sandbox.emulator.world.issue("acme", "kots", number)
    assert issue is not None
    return number, issue


def test_a_thread_that_changed_before_the_newest_comments_is_read_whole(sandbox: Sandbox, database_url: str) -> None:
    number, issue = _long_thread_collected(sandbox)
    del issue.comments[10]  # a deleted comment: the stored thread no longer lines up with GitHub's
    sandbox.emulator.world.touch_issue("acme", "kots", number, comment="after the deletion")
    collect("--incremental")
    stored = {i.number: i for i in stored_issues(database_url)}
    assert [c.body for c in stored[number].comments] == [c.body for c in issue.comments]


def test_a_thread_grown_past_the_newest_window_is_read_whole(sandbox: Sandbox, database_url: str) -> None:
    repo = sandbox.emulator.world.repo("acme", "kots")
    assert repo is not None
    number = repo.only_issues()[0].number
    collect()  # stores the short thread; 230 comments arrive before the next run
    lengthen(sandbox, number, 230)
    sandbox.emulator.world.touch_issue("acme", "kots", number, comment="newest")
    collect("--incremental")
    issue = sandbox.emulator.world.issue("acme", "kots", number)
    assert issue is not None
    stored = {i.number: i for i in stored_issues(database_url)}
    assert [c.body for c in stored[number].comments] == [c.body for c in issue.comments]


def test_join_thread_rules() -> None:
    from datetime import UTC, datetime

    from github_issue_analysis.github_client.threads import join_thread
    from github_issue_analysis.storage.records import CommentRecord

    def c(i: int) -> CommentRecord:
        return CommentRecord(author=f"u{i}", body=str(i), created_at=datetime(2026, 1, 1, 0, 0, i % 60, tzinfo=UTC))

    stored = [c(i) for i in range(10)]
    assert join_thread(stored, [c(i) for i in range(5, 11)], 11) == [c(i) for i in range(11)]
    assert join_thread(stored, [c(i) for i in range(6, 12)], 12) == [c(i) for i in range(12)]
    assert join_thread(stored, [c(i) for i in range(10, 16)], 16) is None  # no overlap proves the place
    assert join_thread(stored[:4] + stored[5:], [c(i) for i in range(5, 11)], 11) is None  # one deleted
    assert join_thread(stored, [c(i) for i in range(5, 11)], 12) is None  # counts disagree


def grow(sandbox: Sandbox, number: int, count: int) -> None:
    """`count` new comments on an issue after the last collection (the issue's update time moves on)."""
    issue = sandbox.emulator.world.issue("acme", "kots", number)
    assert issue is not None
    now = datetime.now(UTC)
    for index in range(count - 1):
        when = now + timedelta(milliseconds=index)
        issue.comments.append(
            Comment(900_000 + 1_000 * number + index, "late", f"Late {index} on #{number}", when, when)
        )
    sandbox.emulator.world.touch_issue("acme", "kots", number, comment=f"Newest on #{number}")


@pytest.mark.slow
def test_threads_grown_past_the_newest_window_are_read_back_only_to_the_stored_ones(
    sandbox: Sandbox, database_url: str
) -> None:
    repo = sandbox.emulator.world.repo("acme", "kots")
    assert repo is not None
    numbers = [issue.number for issue in repo.only_issues()][:10]
    for index, number in enumerate(numbers):
        lengthen(sandbox, number, [600, 1200, 40, 250, 3, 51, 100, 999, 5, 301][index])
    collect()
    for index, number in enumerate(numbers):
        grow(sandbox, number, [120, 60, 140, 51, 101, 149, 2, 130, 80, 145][index])
    second = collect("--incremental")
    print(f"incremental collect of 10 issues with up to 149 new comments: {second['requests']} requests")
    # The listing's newest 50 of each, then one backwards page of 100 for every issue in one request (149 new
    # at most, so that a stored comment shows where they join); reading the 4,700 comments whole would take
    # dozens of requests.
    assert second["issues"] == 10 and second["requests"] <= 2
    stored = {i.number: i for i in stored_issues(database_url)}
    for number in numbers:
        issue = sandbox.emulator.world.issue("acme", "kots", number)
        assert issue is not None
        assert [c.body for c in stored[number].comments] == [c.body for c in issue.comments]


def test_a_thread_read_backwards_that_does_not_line_up_is_read_whole(sandbox: Sandbox, database_url: str) -> None:
    number, issue = _long_thread_collected(sandbox)
    issue.comments[295].body = "edited"  # the place the backwards read reaches is kept, but...
    del issue.comments[290]  # ...a comment just before it is gone: the stored thread no longer lines up
    grow(sandbox, number, 120)
    collect("--incremental")
    stored = {i.number: i for i in stored_issues(database_url)}
    assert [c.body for c in stored[number].comments] == [c.body for c in issue.comments]
