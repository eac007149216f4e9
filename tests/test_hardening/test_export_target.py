"""`results export --output F --force` replaces only a regular file: a symlink (whatever it points to), a FIFO
or a device is refused in one line and left as it was, and so is its target."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from tests.cli_errors import one_error_line
from tests.conftest import invoke
from tests.factories import write_issue_files


@pytest.fixture(autouse=True)
def filled_store(tmp_path: Path) -> None:
    write_issue_files(tmp_path / "issues", "acme", "app", 2)
    assert invoke("import", str(tmp_path / "issues")).exit_code == 0


def export(target: Path, *extra: str) -> tuple[int, str]:
    result = invoke("results", "export", "--output", str(target), *extra)
    return result.exit_code, result.stderr


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_symlink_to_a_file_is_refused_and_neither_is_replaced(tmp_path: Path, force: list[str]) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    link = tmp_path / "out.jsonl"
    link.symlink_to(precious)
    code, stderr = export(link, *force)
    assert code == 2
    assert "symbolic link" in one_error_line(stderr)
    assert link.is_symlink() and os.readlink(link) == str(precious)
    assert precious.read_text() == "keep me"


def test_a_dangling_symlink_is_refused_and_nothing_is_created(tmp_path: Path) -> None:
    link = tmp_path / "out.jsonl"
    link.symlink_to(tmp_path / "nowhere.txt")
    code, stderr = export(link, "--force")
    assert code == 2 and "symbolic link" in one_error_line(stderr)
    assert link.is_symlink() and not (tmp_path / "nowhere.txt").exists()


def test_a_fifo_is_refused_with_force(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, stderr = export(fifo, "--force")
    assert code == 2 and "not a regular file" in one_error_line(stderr)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_socket_is_refused_with_force(tmp_path: Path) -> None:
    """Stands in for a device such as /dev/null (never used here: a broken build run as root would replace it)."""
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(path))
        code, stderr = export(path, "--force")
    assert code == 2 and "not a regular file" in one_error_line(stderr)
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_a_regular_file_is_still_replaced_with_force(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    assert export(target, "--force")[0] == 0
    assert target.read_text() != "old\n" and not target.is_symlink()
