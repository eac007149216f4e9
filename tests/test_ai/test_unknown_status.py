"""A job row whose status this version does not know: listings show the rest and flag it; commands on it
say so in one line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox, seed, submit


def test_one_unknown_status_is_flagged_and_the_rest_listed(sandbox: Sandbox, seeded: Store, tmp_path: Path) -> None:
    seed(seeded, 6)
    group = submit("--batch-size", "2")
    bad_job = group["job_ids"][1]
    with sqlite3.connect(tmp_path / "data" / "gh-analysis.db") as conn:
        conn.execute("UPDATE batch_jobs SET status = 'teleported' WHERE id = ?", (bad_job,))
    for args in (("batch", "list", "--json"), ("batch", "list", "--groups", "--json"), ("batch", "list")):
        result = invoke(*args)
        assert result.exit_code == 1, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Unexpected" not in lines[0]
        assert bad_job in lines[0] and "teleported" in lines[0]
        if args[-1] == "--json":
            json.loads(result.stdout)
    listed = json.loads(invoke("batch", "list", "--json").stdout)
    assert sorted(job["job_id"] for job in listed) == sorted(set(group["job_ids"]) - {bad_job})
    status = invoke("batch", "status", bad_job)
    assert status.exit_code == 1
    assert "teleported" in status.stderr and "Unexpected" not in status.stderr
