"""`import` checks what it stores: owner and repository names as GitHub defines them, the state, issue URLs
(only https on the configured GitHub host), and times with their offsets (compared as instants, stored in UTC)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from github_issue_analysis.storage.schema import issues
from github_issue_analysis.storage.store import open_store
from tests.conftest import invoke
from tests.factories import issue_document


def write(folder: Path, name: str, document: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(document))
    return path


def stored(database_url: str) -> dict[tuple[str, str, int], dict[str, Any]]:
    store = open_store(database_url)
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(select(issues)).mappings().all()
        return {(row["org"], row["repo"], row["number"]): dict(row) for row in rows}
    finally:
        store.close()


BAD_NAMES = [
    ("org", "", "org"),
    ("org", "-acme", "org"),
    ("org", "acme-", "org"),
    ("org", "ac--me", "org"),
    ("org", "a" * 40, "org"),
    ("org", "ac me", "org"),
    ("org", "acmé", "org"),
    ("repo", "", "repo"),
    ("repo", "../../etc", "repo"),
    ("repo", "..", "repo"),
    ("repo", ".", "repo"),
    ("repo", "<script>alert(1)</script>", "repo"),
    ("repo", "r" * 101, "repo"),
    ("repo", "a/b", "repo"),
]


@pytest.mark.parametrize(("field", "value", "named"), BAD_NAMES)
def test_a_bad_owner_or_repository_name_is_named_and_skipped(
    tmp_path: Path, database_url: str, field: str, value: str, named: str
) -> None:
    folder = tmp_path / "issues"
    write(folder, "good.json", issue_document("acme", "app", 1))
    document = issue_document("acme", "app", 2)
    document[field] = value
    bad = write(folder, "bad.json", document)
    result = invoke("import", str(folder))
    assert result.exit_code == 1, result.stderr
    assert str(bad) in result.stderr and f"{named}:" in result.stderr, result.stderr
    assert list(stored(database_url)) == [("acme", "app", 1)]


@pytest.mark.parametrize(("org", "repo"), [("a", "b"), ("a-b-c", "x.y_z-1"), ("A" * 39, "R" * 100), ("9", ".github")])
def test_names_github_allows_are_imported(tmp_path: Path, database_url: str, org: str, repo: str) -> None:
    write(tmp_path / "issues", "one.json", issue_document(org, repo, 1))
    result = invoke("import", str(tmp_path / "issues"))
    assert result.exit_code == 0, result.stderr
    assert list(stored(database_url)) == [(org, repo, 1)]


def test_state_is_open_or_closed_in_any_case(tmp_path: Path, database_url: str) -> None:
    folder = tmp_path / "issues"
    for number, state in enumerate(["open", "CLOSED", "Open", "weird", ""], start=1):
        write(folder, f"{number}.json", issue_document("acme", "app", number, state=state))
    result = invoke("import", str(folder))
    assert result.exit_code == 1
    assert "4.json" in result.stderr and "5.json" in result.stderr and "issue.state" in result.stderr
    states = {key[2]: row["state"] for key, row in stored(database_url).items()}
    assert states == {1: "open", 2: "closed", 3: "open"}


@pytest.mark.parametrize(
    "url",
    [
        "javascript:fetch('/orgs/acme/review/accept-above',{method:'POST'})",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://github.com/acme/app/issues/1",
        "https://evil.example/acme/app/issues/1",
        "https://github.com@evil.example/acme/app/issues/1",
        "//evil.example/x",
        'https://github.com/acme/app/issues/1" onclick="alert(1)',
    ],
)
def test_an_issue_url_off_the_github_host_is_not_stored(tmp_path: Path, database_url: str, url: str) -> None:
    write(tmp_path / "issues", "one.json", issue_document("acme", "app", 1, html_url=url))
    result = invoke("import", str(tmp_path / "issues"))
    assert result.exit_code == 0, result.stderr
    assert stored(database_url)[("acme", "app", 1)]["url"] is None


def test_an_issue_url_on_the_configured_host_is_kept(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "a", "1.json", issue_document("acme", "app", 1, html_url="https://github.com/acme/app/issues/1"))
    assert invoke("import", str(tmp_path / "a")).exit_code == 0
    monkeypatch.setenv("GITHUB_API_URL", "https://ghe.example.com/api/v3")
    ghe = "https://ghe.example.com/acme/app/issues/2"
    write(tmp_path / "b", "2.json", issue_document("acme", "app", 2, html_url=ghe))
    write(tmp_path / "b", "3.json", issue_document("acme", "app", 3, html_url="https://github.com/acme/app/issues/3"))
    assert invoke("import", str(tmp_path / "b")).exit_code == 0
    urls = {key[2]: row["url"] for key, row in stored(database_url).items()}
    assert urls == {1: "https://github.com/acme/app/issues/1", 2: ghe, 3: None}


def test_times_with_offsets_are_compared_as_instants(tmp_path: Path, database_url: str) -> None:
    """12:00 at -12:00 is midnight UTC the next day: newer than 18:00Z the same day, whichever comes first."""
    late = issue_document("acme", "app", 1, title="later", updated_at="2025-06-01T12:00:00-12:00")
    early = issue_document("acme", "app", 1, title="earlier", updated_at="2025-06-01T18:00:00Z")
    write(tmp_path / "first", "1.json", late)
    write(tmp_path / "second", "1.json", early)
    assert invoke("import", str(tmp_path / "first")).exit_code == 0
    result = invoke("import", str(tmp_path / "second"))
    assert result.exit_code == 0, result.stderr
    assert "1 file(s) were older" in result.stdout
    row = stored(database_url)[("acme", "app", 1)]
    assert row["title"] == "later"
    assert row["updated_at"].replace(tzinfo=None).isoformat() == "2025-06-02T00:00:00"


def test_comment_times_are_stored_in_utc(tmp_path: Path, database_url: str) -> None:
    document = issue_document("acme", "app", 1, comments=1)
    document["issue"]["comments"][0]["created_at"] = "2026-01-02T03:04:05+05:30"
    write(tmp_path / "issues", "1.json", document)
    assert invoke("import", str(tmp_path / "issues")).exit_code == 0
    store = open_store(database_url)
    try:
        comment = store.issues.comment_threads("acme", "app", [1])[1][0]
    finally:
        store.close()
    assert comment.created_at is not None and comment.created_at.isoformat() == "2026-01-01T21:34:05+00:00"
