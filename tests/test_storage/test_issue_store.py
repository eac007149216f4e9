from __future__ import annotations

from datetime import UTC, datetime

from github_issue_analysis.storage.issue_store import CollectionRun, IssueSelection
from github_issue_analysis.storage.records import CommentRecord, IssueRecord, LabelRecord
from github_issue_analysis.storage.store import Store

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def record(number: int, repo: str = "app", comments: int = 1, title: str = "t") -> IssueRecord:
    return IssueRecord(
        org="acme",
        repo=repo,
        number=number,
        title=title,
        body="b",
        state="open",
        author="a",
        labels=[LabelRecord(name="bug")],
        created_at=WHEN,
        updated_at=WHEN,
        comments=[CommentRecord(author="c", body=f"c{i}", created_at=WHEN) for i in range(comments)],
    )


def test_upsert_inserts_then_updates_in_place(any_store: Store) -> None:
    first = any_store.issues.upsert_issues([record(1), record(2, comments=3)])
    assert (first.inserted, first.updated) == (2, 0)
    second = any_store.issues.upsert_issues([record(2, comments=1, title="new title"), record(3)])
    assert (second.inserted, second.updated) == (1, 1)
    issues = any_store.issues.select_issues(IssueSelection(org="acme"))
    assert [i.number for i in issues] == [1, 2, 3]
    assert issues[1].title == "new title"
    assert [c.body for c in issues[1].comments] == ["c0"]
    assert issues[1].labels == ["bug"]


def test_summary_counts_issues_comments_and_label_definitions(any_store: Store) -> None:
    any_store.issues.upsert_issues([record(1, comments=2), record(2, comments=0), record(1, repo="web")])
    any_store.issues.replace_repo_labels("acme", "app", [LabelRecord(name="product::a"), LabelRecord(name="b")])
    summary = {(s.repo): (s.issues, s.comments, s.labels) for s in any_store.issues.summary()}
    assert summary == {"app": (2, 2, 2), "web": (1, 1, 0)}


def test_selection_filters_and_limit(any_store: Store) -> None:
    any_store.issues.upsert_issues([record(n) for n in range(1, 6)] + [record(1, repo="web")])
    assert len(any_store.issues.select_issues(IssueSelection(org="acme", repo="app"))) == 5
    assert [i.number for i in any_store.issues.select_issues(IssueSelection(org="acme", limit=2))] == [1, 2]
    only = any_store.issues.select_issues(IssueSelection(org="acme", repo="app", issue_number=4))
    assert [i.number for i in only] == [4]


def test_collection_run_round_trip(any_store: Store) -> None:
    assert any_store.issues.collection_run("acme", "app") is None
    any_store.issues.save_collection_run(CollectionRun("acme", "app", None, "cursor1", WHEN))
    any_store.issues.save_collection_run(CollectionRun("acme", "app", WHEN, None, None))
    run = any_store.issues.collection_run("acme", "app")
    assert run == CollectionRun("acme", "app", WHEN, None, None)
