"""Ctrl+C ends a command with exit code 130 and one line on stderr, no traceback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def test_ctrl_c_exits_130_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as silent:  # accepts connections and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        env = {
            **os.environ,
            "GH_ANALYSIS_DATA_DIR": str(tmp_path / "data"),
            "GITHUB_API_URL": f"http://127.0.0.1:{silent.getsockname()[1]}",
            "GITHUB_TOKEN": "t",
        }
        env.pop("GH_ANALYSIS_DEBUG", None)
        proc = subprocess.Popen(
            [sys.executable, "-m", "github_issue_analysis", "collect", "--org", "acme"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # wait until the request is sent
            silent.settimeout(0.5)
            try:
                connection, _ = silent.accept()
                break
            except TimeoutError:
                continue
        connection.settimeout(30)
        assert connection.recv(1024)  # the request has arrived: collect now waits for an answer that never comes
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
        connection.close()
    assert proc.returncode == 130, stderr
    lines = stderr.strip().splitlines()
    assert lines == ["Error: interrupted (Ctrl+C)"], stderr
