"""`serve` beyond loopback: refused without `--allow-remote` (exit 2, one line); with it, a warning and the Host
check stays on (this machine's names and the given host only), so DNS rebinding cannot reach the app."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.cli_errors import one_error_line
from tests.conftest import invoke
from tests.factories import write_issue_files


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "example.internal"])
def test_binding_beyond_loopback_needs_allow_remote(host: str) -> None:
    result = invoke("serve", "--host", host)
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert "--allow-remote" in line and host in line


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def remote_server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    write_issue_files(tmp_path / "issues", "acme", "app", 1)
    assert invoke("import", str(tmp_path / "issues")).exit_code == 0
    port = free_port()
    command = [sys.executable, "-m", "github_issue_analysis", "serve", "--host", "0.0.0.0", "--allow-remote"]
    server = subprocess.Popen(
        [*command, "--port", str(port)], stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"}
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.1)
        yield url, server
    finally:
        server.terminate()
        server.wait(10)


def test_allow_remote_warns_and_keeps_the_host_check(remote_server: tuple[str, subprocess.Popen[str]]) -> None:
    url, server = remote_server
    port = url.rsplit(":", 1)[1]
    for host in ("127.0.0.1", "localhost", socket.gethostname()):
        answer = httpx.get(url, headers={"Host": f"{host}:{port}"}, timeout=5)
        assert answer.status_code == 200, host
    for host in ("rebound.attacker.example", "0.0.0.0", "evil"):
        answer = httpx.get(url, headers={"Host": f"{host}:{port}"}, timeout=5)
        assert answer.status_code == 400, host
    server.terminate()
    server.wait(10)
    assert server.stderr is not None
    warning = server.stderr.read()
    assert "Warning" in warning and "other machines" in warning, warning
