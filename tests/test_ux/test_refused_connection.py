"""A GitHub address where nothing listens is reported at once: retries are for answers that ask for them."""

from __future__ import annotations

import time

import pytest

from tests.conftest import invoke


def test_refused_connection_to_github_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")  # the discard port: nothing listens on loopback
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_test_token")
    assert invoke("status").exit_code == 0  # the store exists and the modules are loaded: time only the call
    started = time.monotonic()
    result = invoke("collect", "--org", "foo", "--json")
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, result.stderr
    assert result.exit_code == 1
    assert "connection refused" in result.stderr and "GITHUB_API_URL" in result.stderr
    assert result.stderr.count("\n") == 1 and "retrying" not in result.stderr
