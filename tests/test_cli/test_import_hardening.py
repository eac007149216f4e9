"""`import`: newer stored issues are kept, one pathological file does not stop the rest, label definitions
are recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.store import open_store
from tests.conftest import invoke
from tests.factories import issue_document, write_issue_files


def titles(database_url: str) -> dict[int, str]:
    store = open_store(database_url)
    try:
        return {i.number: i.title for i in store.issues.select_issues(IssueSelection("acme"))}
    finally:
        store.close()


def test_an_older_file_does_not_revert_a_newer_stored_issue(tmp_path: Path, database_url: str) -> None:
    newer = tmp_path / "newer"
    newer.mkdir()
    for number in (1, 2):
        document = issue_document("acme", "app", number, title=f"new {number}", updated_at="2026-03-01T00:00:00Z")
        (newer / f"acme_app_issue_{number}.json").write_text(json.dumps(document))
    assert invoke("import", str(newer)).exit_code == 0
    older = tmp_path / "older"
    older.mkdir()
    for number in (1, 2, 3):
        document = issue_document("acme", "app", number, title=f"old {number}", updated_at="2026-02-01T00:00:00Z")
        (older / f"acme_app_issue_{number}.json").write_text(json.dumps(document))
    result = invoke("import", str(older))
    assert result.exit_code == 0, result.stderr
    assert "1 new, 0 updated" in result.stdout
    assert "2 file(s) were older than the stored issue" in result.stdout
    assert titles(database_url) == {1: "new 1", 2: "new 2", 3: "old 3"}


def test_the_newest_of_two_files_for_one_issue_wins(tmp_path: Path, database_url: str) -> None:
    folder = tmp_path / "issues"
    folder.mkdir()
    late = issue_document("acme", "app", 1, title="late", updated_at="2026-03-01T00:00:00Z")
    early = issue_document("acme", "app", 1, title="early", updated_at="2026-02-01T00:00:00Z")
    (folder / "a.json").write_text(json.dumps(late))
    (folder / "b.json").write_text(json.dumps(early))
    assert invoke("import", str(folder)).exit_code == 0
    assert titles(database_url) == {1: "late"}


DEEP = "[" * 100_000 + "]" * 100_000
PATHOLOGICAL = {
    "deep.json": DEEP,
    "deep_inside.json": json.dumps(issue_document("acme", "app", 50))[:-2] + ', "x": ' + DEEP + "}}",
    "huge_number.json": json.dumps(issue_document("acme", "app", 1)).replace(
        '"number": 1,', '"number": 100000000000000000000000,'
    ),
    "surrogate.json": json.dumps(issue_document("acme", "app", 51)).replace("installer", "install\\ud800er"),
    "bad_utf8.json": b'{"org": "acme", "repo": "app", "issue": {"title": "\xff\xfe"}}'.decode("latin-1"),
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_one_pathological_file_is_named_and_the_rest_imported(tmp_path: Path, database_url: str, name: str) -> None:
    folder = tmp_path / "issues"
    write_issue_files(folder, "acme", "app", 5)
    content = PATHOLOGICAL[name]
    (folder / name).write_bytes(content.encode("latin-1") if name == "bad_utf8.json" else content.encode())
    result = invoke("import", str(folder))
    assert result.exit_code == 1
    assert "Unexpected" not in result.stderr
    assert f"{name}:" in result.stderr
    assert "1 file(s) could not be imported" in result.stderr
    assert "5 new" in result.stdout
    assert sorted(titles(database_url)) == [1, 2, 3, 4, 5]


def test_import_records_label_definitions_for_batch_submit(tmp_path: Path, database_url: str) -> None:
    folder = tmp_path / "issues"
    folder.mkdir()
    labels = [
        {"name": "product::installer", "color": "0e8a16", "description": "Installing and upgrading"},
        {"name": "bug", "color": "d73a4a", "description": "Something is broken"},
    ]
    (folder / "one.json").write_text(json.dumps(issue_document("acme", "app", 1, labels=labels)))
    other = [{"name": "product::cli", "color": None, "description": "The command line"}]
    (folder / "two.json").write_text(json.dumps(issue_document("acme", "app", 2, labels=other)))
    assert invoke("import", str(folder)).exit_code == 0
    store = open_store(database_url)
    try:
        defined = store.issues.repo_labels("acme", "app")
    finally:
        store.close()
    assert [(lb.name, lb.description, lb.color) for lb in defined] == [
        ("bug", "Something is broken", "d73a4a"),
        ("product::cli", "The command line", None),
        ("product::installer", "Installing and upgrading", "0e8a16"),
    ]
    planned = invoke("batch", "submit", "product-labeling", "--org", "acme", "--dry-run", "--json")
    assert planned.exit_code == 0, planned.stderr
    assert json.loads(planned.stdout)["total_issues"] == 2


def test_the_store_refuses_out_of_range_values_in_words(store: object) -> None:
    from datetime import UTC, datetime

    from github_issue_analysis.storage.issue_store import StoreRefused
    from github_issue_analysis.storage.records import IssueRecord
    from github_issue_analysis.storage.store import Store

    assert isinstance(store, Store)
    when = datetime(2026, 1, 1, tzinfo=UTC)
    fine = IssueRecord(org="acme", repo="app", number=1, title="t", state="open", created_at=when, updated_at=when)
    huge = fine.model_copy(update={"number": 10**23})
    with pytest.raises(StoreRefused):
        store.issues.upsert_issues([fine, huge])
    assert store.issues.summary() == []
