from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.store import open_store
from tests.conftest import invoke
from tests.factories import issue_document, write_issue_files


def stored(database_url: str) -> list[tuple[str, int, int]]:
    store = open_store(database_url)
    try:
        return [(i.repo, i.number, len(i.comments)) for i in store.issues.select_issues(IssueSelection("acme"))]
    finally:
        store.close()


def test_import_folder_then_status_json(tmp_path: Path, database_url: str) -> None:
    write_issue_files(tmp_path / "issues", "acme", "app", 12, comments=3)
    result = invoke("import", str(tmp_path / "issues"))
    assert result.exit_code == 0, result.stderr
    assert "12 new" in result.stdout
    status = invoke("status", "--json")
    document = json.loads(status.stdout)
    assert document["total_issues"] == 12
    assert document["total_comments"] == 36
    assert document["repositories"] == [{"org": "acme", "repo": "app", "issues": 12, "comments": 36, "labels": 1}]


def test_reimport_updates_in_place(tmp_path: Path, database_url: str) -> None:
    folder = tmp_path / "issues"
    write_issue_files(folder, "acme", "app", 3, comments=1)
    assert invoke("import", str(folder)).exit_code == 0
    changed = issue_document("acme", "app", 2, comments=4, title="Renamed")
    (folder / "acme_app_issue_2.json").write_text(json.dumps(changed))
    result = invoke("import", str(folder))
    assert result.exit_code == 0
    assert "0 new, 3 updated" in result.stdout
    assert stored(database_url) == [("app", 1, 1), ("app", 2, 4), ("app", 3, 1)]


def test_bad_files_are_named_skipped_and_counted(tmp_path: Path, database_url: str) -> None:
    folder = tmp_path / "issues"
    write_issue_files(folder, "acme", "app", 2)
    (folder / "acme_app_issue_90.json").write_text("{not json")
    (folder / "acme_app_issue_91.json").write_text(json.dumps({"org": "acme", "repo": "app"}))
    wrong_type = issue_document("acme", "app", 92)
    wrong_type["issue"]["number"] = "ninety-two"
    (folder / "acme_app_issue_92.json").write_text(json.dumps(wrong_type))
    result = invoke("import", str(folder))
    assert result.exit_code == 1
    assert "acme_app_issue_90.json: not valid JSON" in result.stderr
    assert "acme_app_issue_91.json: issue: Field required" in result.stderr
    assert "acme_app_issue_92.json: issue.number" in result.stderr
    assert "3 file(s) could not be imported" in result.stderr
    assert stored(database_url) == [("app", 1, 2), ("app", 2, 2)]


def test_missing_path_is_a_usage_error_and_writes_nothing(tmp_path: Path) -> None:
    result = invoke("import", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no such file or folder")
    assert not (tmp_path / "data").exists()


def test_status_on_empty_store() -> None:
    result = invoke("status")
    assert result.exit_code == 0
    assert "holds no issues yet" in result.stdout


@pytest.mark.slow
def test_errors_are_one_line_without_traceback_in_a_real_process(tmp_path: Path) -> None:
    env = {"GH_ANALYSIS_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    bad_db = {**env, "GH_ANALYSIS_DATABASE_URL": "nosuchdb://x"}
    for args, environment, code in (
        (["import", str(tmp_path / "missing")], env, 2),
        (["status", "--bogus-option"], env, 2),
        (["status"], bad_db, 2),
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "github_issue_analysis", *args],
            capture_output=True,
            text=True,
            env=environment,
            cwd=tmp_path,
        )
        assert proc.returncode == code, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert proc.stderr.strip()


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("gh-analysis ")


def test_import_400_files_then_status_counts_them_with_comments(tmp_path: Path) -> None:
    write_issue_files(tmp_path / "issues", "acme", "app", 250, comments=3)
    write_issue_files(tmp_path / "issues", "acme", "web", 150, comments=1)
    assert invoke("import", str(tmp_path / "issues")).exit_code == 0
    document = json.loads(invoke("status", "--json").stdout)
    assert (document["total_issues"], document["total_comments"]) == (400, 900)
    assert [(r["repo"], r["issues"], r["comments"]) for r in document["repositories"]] == [
        ("app", 250, 750),
        ("web", 150, 150),
    ]
