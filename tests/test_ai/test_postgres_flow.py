"""The group workflow end to end with the store on PostgreSQL (runs when GH_ANALYSIS_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import json

import pytest

from github_issue_analysis.storage.store import open_store
from tests.conftest import POSTGRES_URL, fresh_postgres_database, invoke
from tests.test_ai.conftest import Sandbox, seed

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.mark.skipif(not POSTGRES_URL, reason="GH_ANALYSIS_TEST_POSTGRES_URL is not set")
def test_split_submit_retry_and_collect_on_postgres(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    url = fresh_postgres_database()
    monkeypatch.setenv("GH_ANALYSIS_DATABASE_URL", url)
    store = open_store(url)
    try:
        seed(store, 61)
        sandbox.config.line_failure_rate = 0.3
        group = json.loads(invoke("batch", "submit", "product-labeling", "--org", "acme", "--yes", "--json").stdout)
        assert group["total_batches"] == 3
        sandbox.finish_all()
        collected = json.loads(invoke("batch", "group-collect", group["group_id"], "--json").stdout)
        assert collected["failed"] > 0
        sandbox.config.line_failure_rate = 0.0
        assert invoke("batch", "group-retry", group["group_id"], "--failed-only").exit_code == 0
        sandbox.finish_all()
        invoke("batch", "group-collect", group["group_id"])
        status = json.loads(invoke("batch", "status", group["group_id"][:12], "--json").stdout)
        assert (status["status"], status["completed_issues"]) == ("completed", 61)
        assert len(invoke("results", "export", "--format", "jsonl").stdout.splitlines()) == 61
    finally:
        store.close()


@pytest.mark.skipif(not POSTGRES_URL, reason="GH_ANALYSIS_TEST_POSTGRES_URL is not set")
def test_submit_in_chunks_stopped_then_resumed_on_postgres(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """A group planned in chunks (plan_stream.py), stopped after its first chunk, resumed: every issue once."""
    from tests.test_ai.test_submit_in_chunks import ISSUES, _stopped_after, assert_whole

    url = fresh_postgres_database()
    monkeypatch.setenv("GH_ANALYSIS_DATABASE_URL", url)
    store = open_store(url)
    try:
        seed(store, ISSUES)
        group_id = _stopped_after(store, 1)
        assert invoke("batch", "submit", "product-labeling", "--resume", group_id, "--yes").exit_code == 0
        assert_whole(store, group_id, sandbox)
    finally:
        store.close()
