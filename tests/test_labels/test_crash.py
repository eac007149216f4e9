"""Apply killed with SIGKILL while GitHub has done a write but not yet answered, then run again: exactly the
planned labels, one comment per issue, no mutation sent twice. The emulator runs as its own process."""

from __future__ import annotations

import asyncio
import json

import pytest

from github_issue_analysis.github_client import CollectRequest, GitHubConnection, collect_issues
from github_issue_analysis.storage.store import Store

from .conftest import ORG, TOKEN, seed_result
from .processes import ISSUES, answer_delay, kill_after, mutations, run_apply, world_state


@pytest.mark.slow
def test_killed_apply_finishes_on_the_next_run_without_sending_twice(served: str, store: Store) -> None:
    asyncio.run(collect_issues(store.issues, CollectRequest(org=ORG), GitHubConnection(served, TOKEN)))
    for number in range(1, ISSUES + 1):
        seed_result(store, number, {"product::installer": 0.9, "product::docs": 0.85})
    answer_delay(served, 10_000)
    kill_after(served, "addLabelsToLabelable", ISSUES)  # GitHub added the labels; the answer never came
    assert store.label_audit.runs()[0].status == "running"
    kill_after(served, "addComment", ISSUES)  # the resumed run posted the comments; killed again
    answer_delay(served, 0)
    final = run_apply()
    assert final.returncode == 0, final.stderr
    assert mutations(served) == {"addLabelsToLabelable": ISSUES, "addComment": ISSUES}
    state = world_state(served)
    for number in range(1, ISSUES + 1):
        labels, comments = state[number]
        assert labels == ["bug", "product::docs", "product::installer"]
        assert len(comments) == 1 and "gh-analysis:labels" in comments[0]
    assert [r.status for r in store.label_audit.runs()] == ["completed"]
    again = run_apply()
    assert json.loads(again.stdout)["applied"] == []
    assert mutations(served) == {"addLabelsToLabelable": ISSUES, "addComment": ISSUES}
