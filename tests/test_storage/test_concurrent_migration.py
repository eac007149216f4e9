"""Two commands opening a new store at once: the migration runs once, under the database's lock, and both work
(issue 30 item 12)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from github_issue_analysis.storage.database import create_store_engine, current_revision
from github_issue_analysis.storage.migrations import HEAD_REVISION
from github_issue_analysis.storage.opening import open_checked_store
from tests.conftest import POSTGRES_URL, fresh_postgres_database

ROUNDS = 5

# A real `gh-analysis` process that imports everything first, then runs `status` on each data folder it reads
# from stdin, so that both processes of a round start migrating the same new store within a millisecond.
WORKER = """
import os, sys
import alembic.command, sqlalchemy  # noqa: F401 - imported before the round starts
from github_issue_analysis.cli.context import run_app
from github_issue_analysis.cli.main import app
from github_issue_analysis.config import get_settings
print("ready", flush=True)
for line in sys.stdin:
    os.environ["GH_ANALYSIS_DATA_DIR"] = line.strip()
    get_settings.cache_clear()
    print(f"exit={run_app(app, ['status'])}", flush=True)
"""


def _open_at_once(urls: list[str], errors: list[BaseException]) -> None:
    barrier = threading.Barrier(len(urls))

    def open_one(url: str) -> None:
        barrier.wait()
        try:
            open_checked_store(url).close()
        except BaseException as error:  # collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=open_one, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_threads_opening_a_new_store_at_once_migrate_it_once(tmp_path: Path) -> None:
    for round_ in range(ROUNDS):
        url = f"sqlite:///{tmp_path / f'round-{round_}' / 'gh-analysis.db'}"
        errors: list[BaseException] = []
        _open_at_once([url] * 3, errors)
        assert errors == []
        assert current_revision(create_store_engine(url)) == HEAD_REVISION


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="GH_ANALYSIS_TEST_POSTGRES_URL is not set")
def test_threads_opening_a_new_postgres_store_at_once_migrate_it_once() -> None:
    for _ in range(3):
        url = fresh_postgres_database()
        errors: list[BaseException] = []
        _open_at_once([url] * 3, errors)
        assert errors == []
        engine = create_store_engine(url)
        assert current_revision(engine) == HEAD_REVISION
        engine.dispose()


def _worker() -> subprocess.Popen[str]:
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GH_ANALYSIS_DEBUG": ""},
    )
    assert worker.stdout is not None
    assert worker.stdout.readline().strip() == "ready"
    return worker


def _exit_code(worker: subprocess.Popen[str]) -> int:
    assert worker.stdout is not None
    for line in worker.stdout:
        if line.startswith("exit="):
            return int(line.removeprefix("exit="))
    raise AssertionError(f"the worker ended: {worker.stderr.read() if worker.stderr else ''}")


@pytest.mark.slow
def test_two_processes_running_status_on_a_new_store_at_once_both_work(tmp_path: Path) -> None:
    workers = [_worker(), _worker()]
    try:
        for round_ in range(ROUNDS):
            folder = tmp_path / f"round-{round_}"
            for worker in workers:
                assert worker.stdin is not None
                worker.stdin.write(f"{folder}\n")
                worker.stdin.flush()
            assert [_exit_code(worker) for worker in workers] == [0, 0]
            assert current_revision(create_store_engine(f"sqlite:///{folder / 'gh-analysis.db'}")) == HEAD_REVISION
    finally:
        for worker in workers:
            if worker.stdin is not None:
                worker.stdin.close()
            worker.wait(timeout=30)
