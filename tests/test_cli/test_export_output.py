"""`results export --output`: never over the store, never over a file unless --force, one line for every
file-system failure."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_errors import one_error_line
from tests.conftest import invoke
from tests.factories import write_issue_files


@pytest.fixture
def filled_store(tmp_path: Path) -> Path:
    write_issue_files(tmp_path / "issues", "acme", "app", 3)
    assert invoke("import", str(tmp_path / "issues")).exit_code == 0
    return tmp_path / "data" / "gh-analysis.db"


def content(database: Path) -> list[str]:
    with sqlite3.connect(database) as conn:
        return list(conn.iterdump())


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_refuses_the_store_database_and_its_companions(filled_store: Path, suffix: str) -> None:
    before = content(filled_store)
    target = str(filled_store) + suffix
    for extra in ([], ["--force"]):
        result = invoke("results", "export", "--output", target, *extra)
        assert result.exit_code == 2
        assert "store's own database" in one_error_line(result.stderr)
    assert content(filled_store) == before
    assert invoke("status", "--json").exit_code == 0


def test_refuses_the_store_through_another_path(filled_store: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.db"
    link.symlink_to(filled_store)
    relative = os.path.relpath(filled_store, tmp_path / "data")
    os.chdir(tmp_path / "data")
    for target in (str(link), relative, f"./{relative}"):
        result = invoke("results", "export", "--output", target, "--force")
        assert result.exit_code == 2, target
    assert invoke("status", "--json").exit_code == 0


def test_existing_file_needs_force(filled_store: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("keep me\n")
    refused = invoke("results", "export", "--output", str(target))
    assert refused.exit_code == 2
    assert "already exists; pass --force" in one_error_line(refused.stderr)
    assert target.read_text() == "keep me\n"
    assert invoke("results", "export", "--output", str(target), "--force").exit_code == 0
    assert target.read_text() == ""


@pytest.mark.parametrize(
    ("name", "expected"),
    [("missing/out.jsonl", "does not exist"), (".", "is a folder"), ("a-file/out.jsonl", "does not exist")],
)
def test_bad_targets_are_one_line(filled_store: Path, tmp_path: Path, name: str, expected: str) -> None:
    (tmp_path / "a-file").write_text("x")
    result = invoke("results", "export", "--output", str(tmp_path / name))
    assert result.exit_code == 2
    assert expected in one_error_line(result.stderr)


@pytest.mark.slow
def test_a_failed_write_is_one_line_and_leaves_the_old_file(filled_store: Path, tmp_path: Path) -> None:
    """A file-size limit makes writes fail as a full disk does (the write raises OSError mid-way)."""
    target = tmp_path / "out.csv"
    target.write_text("old export\n")

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20, 20))

    code = "from github_issue_analysis.cli.main import run; run()"
    # The limit counts every file, the store's too: a reader holding the store open keeps its -wal and -shm
    # files in place (SQLite would have to create them), so only the export's own write fails.
    with contextlib.closing(sqlite3.connect(filled_store)) as holder:
        holder.execute("SELECT count(*) FROM issues").fetchone()
        done = subprocess.run(
            [sys.executable, "-c", code, "results", "export", "--format", "csv", "--output", str(target), "--force"],
            capture_output=True,
            text=True,
            preexec_fn=small_files,
            timeout=60,
        )
    assert done.returncode == 1, done.stderr
    assert "cannot write" in one_error_line(done.stderr)
    assert target.read_text() == "old export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.csv")] == []
