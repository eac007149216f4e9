"""The collector is paused while a command loads and skips what the command built at exit (cli/gc_pause.py);
Python's own thresholds come back at the first collection."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from github_issue_analysis.cli.gc_pause import STARTUP_THRESHOLD, pause_during_startup


def test_the_first_collection_brings_back_pythons_thresholds() -> None:
    before = gc.get_threshold()
    callbacks = len(gc.callbacks)
    pause_during_startup()
    pause_during_startup()  # a second call (launch.py, then main.run) changes nothing more
    try:
        assert gc.get_threshold() == (max(STARTUP_THRESHOLD, before[0]), *before[1:])
        assert len(gc.callbacks) == callbacks + 1
    finally:
        gc.collect()
    assert gc.get_threshold() == before
    assert len(gc.callbacks) == callbacks


def test_a_command_run_as_the_console_script_exits_frozen_with_its_output_whole() -> None:
    code = (
        "import atexit, gc, sys; sys.argv = ['gh-analysis', '--version']; "
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0)); "
        "from github_issue_analysis.cli.launch import run; run()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    assert lines[0].startswith("gh-analysis ")
    assert lines[1] == "frozen True"  # atexit handlers still run, after the freeze


def test_the_database_file_is_whole_after_a_command(tmp_path: Path) -> None:
    """The command closes its store itself (the collector no longer does it at exit): SQLite folds the
    write-ahead log into the file, so copying the file alone copies everything."""
    env = {**os.environ, "GH_ANALYSIS_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"}
    code = "import sys; sys.argv = ['gh-analysis', 'status']; from github_issue_analysis.cli.launch import run; run()"
    subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=True)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["store.db"]
