"""An id of 100,000 characters is one short line, whatever the store holds."""

from __future__ import annotations

from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox, seed, submit


def test_a_huge_id_is_one_short_line(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    submit("--batch-size", "2")
    huge = "a" * 100_000
    for args in (("batch", "status", huge), ("batch", "remove", huge), ("batch", "collect", huge)):
        result = invoke(*args)
        assert result.exit_code == 2, result.stderr[:300]
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Unexpected" not in lines[0]
        assert len(lines[0]) <= 420
