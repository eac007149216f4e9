"""A full disk is reported as a full disk (SQLITE_FULL), not as a damaged store; moving the store away is
advised only when SQLite's integrity check fails. The errors are SQLite's own, raised by a real database."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from github_issue_analysis.cli.failures import known_failure
from github_issue_analysis.storage.opening import explain
from tests.cli_errors import one_error_line
from tests.conftest import invoke
from tests.factories import issue_document, write_issue_files


def _sqlite_full(path: Path) -> sqlite3.OperationalError:
    """SQLite's own SQLITE_FULL: a database that may not grow past its pages, then written to."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.commit()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    try:
        conn.execute("INSERT INTO t VALUES (?)", ("x" * 100_000,))
    except sqlite3.OperationalError as error:
        return error
    finally:
        conn.close()
    raise AssertionError("the write did not fill the database")


def test_a_full_disk_is_named_as_such(tmp_path: Path) -> None:
    database = tmp_path / "gh-analysis.db"
    error = OperationalError("INSERT INTO issues ...", {}, _sqlite_full(database))
    for message in (str(explain(error, database)), str(known_failure(error))):
        assert "full" in message and "SQLITE_FULL" in message
        assert "damaged" not in message and "move it away" not in message and "DATABASE_URL" not in message


def test_an_io_error_on_a_healthy_store_never_advises_moving_it(tmp_path: Path) -> None:
    assert invoke("import", *map(str, write_issue_files(tmp_path / "issues", "acme", "app", 3))).exit_code == 0
    database = tmp_path / "data" / "gh-analysis.db"
    error = OperationalError("SELECT ...", {}, sqlite3.OperationalError("disk I/O error"))
    message = str(explain(error, database))
    assert "disk I/O error" in message
    assert "damaged" not in message and "move it away" not in message


def test_a_damaged_store_is_still_called_damaged(tmp_path: Path) -> None:
    database = tmp_path / "gh-analysis.db"
    database.write_bytes(b"this is not a database at all" * 200)
    error = OperationalError("SELECT ...", {}, sqlite3.DatabaseError("file is not a database"))
    assert "damaged" in str(explain(error, database))


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("mount"), reason="mounting a small disk needs root")
def test_a_full_disk_through_the_command(tmp_path: Path) -> None:
    """The store on a 600 KB file system that fills up during an import: the one line says the disk is full."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(disk)], check=False).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        files = []
        for number in range(1, 9):  # 8 issues of ~200 KB each: more than the disk holds
            files.append(tmp_path / f"issue_{number}.json")
            big = issue_document("acme", "app", number, body=f"log line {number}\n" * 15_000)
            files[-1].write_text(json.dumps(big))
        env = {**os.environ, "GH_ANALYSIS_DATA_DIR": str(disk / "data")}
        command = [sys.executable, "-m", "github_issue_analysis", "import", *map(str, files)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=60)
        assert done.returncode == 1
        line = one_error_line(done.stderr)
        assert "full" in line and "SQLITE_FULL" in line
        assert "damaged" not in line and "move it away" not in line and "DATABASE_URL" not in line
    finally:
        subprocess.run(["umount", str(disk)], check=False)
