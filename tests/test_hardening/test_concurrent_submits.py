"""Submissions running at the same time never send an issue twice: each claims its issues in the store before
recording them, skips what another run holds or recorded meanwhile, says so and lists them
(`skipped_in_flight`). Two stores on one database play two machines; on PostgreSQL too when it is set up."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest

from github_issue_analysis.ai.batch.batch_service import BatchService
from github_issue_analysis.ai.batch.submit_request import SubmitRequest
from github_issue_analysis.config import get_settings
from github_issue_analysis.errors import NothingToSubmit
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.store import Store, open_store
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox, seed, submit

PROCESSOR = "product-labeling"


def _url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


@pytest.fixture
def machines(any_store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Store]]:
    """Three stores on one database, as three machines sharing it would open it."""
    monkeypatch.setenv("GH_ANALYSIS_DATABASE_URL", _url(any_store))
    opened = [open_store(_url(any_store)) for _ in range(3)]
    yield opened
    for store in opened:
        store.close()


def _request(repo: str | None = None) -> SubmitRequest:
    return SubmitRequest(processor=PROCESSOR, selection=IssueSelection("acme", repo))


def _sent_custom_ids(sandbox: Sandbox) -> Counter[str]:
    return Counter(custom_id for batch in sandbox.sent_batches() for custom_id in batch)


def test_runs_planned_at_the_same_time_send_each_issue_once(sandbox: Sandbox, machines: list[Store]) -> None:
    seed(machines[0], 10, repo="app")
    seed(machines[0], 5, repo="web")
    get_settings.cache_clear()
    first, second, third = (BatchService(store, get_settings()) for store in machines)
    plans = [first.plan(_request("app")), second.plan(_request()), third.plan(_request())]  # before any records
    assert [p.plan.total_issues for p in plans] == [10, 15, 15]
    sent = first.submit(plans[0])
    assert sent.planned is not None and sent.planned.plan.total_issues == 10 and sent.skipped_in_flight == []
    later = second.submit(plans[1])
    assert later.planned is not None and later.planned.plan.total_issues == 5
    assert sorted(later.skipped_in_flight) == [("acme", "app", n) for n in range(1, 11)]
    with pytest.raises(NothingToSubmit):
        third.submit(plans[2])
    sent_ids = _sent_custom_ids(sandbox)
    assert len(sent_ids) == 15 and set(sent_ids.values()) == {1}
    assert sandbox.batches() == 2


def test_issues_another_run_holds_are_skipped_and_listed(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 6)
    ids = {issue.number: issue.id for issue in seeded.issues.select_issues(IssueSelection("acme"))}
    held = seeded.issue_claims
    held.take([ids[1], ids[2]], PROCESSOR, "other-machine:4242", "run-elsewhere", timedelta(minutes=10))
    held.take([ids[3]], PROCESSOR, "other-machine:4243", "run-that-died", timedelta(seconds=-1))  # lease ran out
    document = submit()
    assert document["skipped_in_flight"] == [
        {"org": "acme", "repo": "app", "number": 1},
        {"org": "acme", "repo": "app", "number": 2},
    ]
    assert document["total_issues"] == 4
    assert len(_sent_custom_ids(sandbox)) == 4
    # the run's own claims are gone once its group is recorded; the other run's are untouched
    assert set(held.held_by_others(list(ids.values()), PROCESSOR, owner="")) == {ids[1], ids[2]}


def test_a_second_run_after_the_first_recorded_says_everything_is_in_flight(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 4)
    submit()
    result = invoke("batch", "submit", PROCESSOR, "--org", "acme", "--yes", "--json")
    assert result.exit_code == 1 and "4 are in flight" in result.stderr
    assert sandbox.batches() == 1


@pytest.mark.slow
def test_three_submits_started_at_once_send_each_issue_once(sandbox: Sandbox, seeded: Store) -> None:
    """The reported case: three `batch submit --yes` processes started together (a thread-free race between
    real processes on one SQLite store); every issue goes out once in all."""
    import os
    import subprocess
    import sys

    seed(seeded, 45)
    command = [sys.executable, "-m", "github_issue_analysis", "batch", "submit", PROCESSOR, "--org", "acme"]
    runs = [
        subprocess.Popen(
            [*command, "--yes", "--json", "--batch-size", "5"],
            env=dict(os.environ),
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    outcomes = [(run.wait(timeout=90), *run.communicate()) for run in runs]
    assert any(code == 0 for code, _, _ in outcomes), outcomes
    sent = _sent_custom_ids(sandbox)
    assert len(sent) == 45 and set(sent.values()) == {1}, outcomes
    assert sandbox.batches() == 9  # 45 issues in batches of 5, not 27
