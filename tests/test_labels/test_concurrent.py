"""Two `labels apply` processes on the same organization at once, against the GitHub emulator in a process of
its own: whichever claims the organization first does the work, the other refuses with one line naming the
run (exit 1); every label write and every comment reaches GitHub exactly once (the emulator's counts)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time

import pytest

from github_issue_analysis.github_client import CollectRequest, GitHubConnection, collect_issues
from github_issue_analysis.storage.store import Store

from .conftest import ORG, TOKEN, seed_result
from .processes import ISSUES, answer_delay, kill_after, mutations, run_apply, start_apply, world_state

ONCE_EACH = {"addLabelsToLabelable": ISSUES, "addComment": ISSUES}


def _seed(store: Store, url: str) -> None:
    asyncio.run(collect_issues(store.issues, CollectRequest(org=ORG), GitHubConnection(url, TOKEN)))
    for number in range(1, ISSUES + 1):
        seed_result(store, number, {"product::installer": 0.9, "product::docs": 0.85})


def _finish(*processes: subprocess.Popen[bytes]) -> list[tuple[int, str, str]]:
    outcomes = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        outcomes.append((process.returncode, out.decode(), err.decode()))
    return outcomes


def _one_worked_one_refused(outcomes: list[tuple[int, str, str]]) -> dict:  # type: ignore[type-arg]
    """The report of the process that did the work; the other was refused naming that run (or, had it started
    after the first finished, found nothing left to do)."""
    worked = [json.loads(out) for code, out, _ in outcomes if code == 0 and json.loads(out)["applied"]]
    assert len(worked) == 1, outcomes
    (report,) = worked
    for code, out, err in outcomes:
        if code == 1:
            assert out == "" and len(err.strip().splitlines()) == 1, err
            assert f"run {report['run_id']} (apply, process " in err and f"is writing {ORG}'s labels now" in err
        else:
            assert code == 0 and json.loads(out)["failed"] == [], (code, err)
    return report


def _exactly_once(store: Store, url: str) -> None:
    assert mutations(url) == ONCE_EACH
    for number, (labels, comments) in world_state(url).items():
        assert labels == ["bug", "product::docs", "product::installer"], number
        assert len(comments) == 1 and "gh-analysis:labels" in comments[0], (number, comments)
    assert {r.status for r in store.label_audit.runs()} == {"completed"}
    assert store.label_claims.holder(ORG).owner is None  # released
    again = run_apply()
    assert again.returncode == 0 and json.loads(again.stdout)["applied"] == [], again.stderr
    assert mutations(url) == ONCE_EACH


@pytest.mark.slow
def test_a_second_apply_while_the_first_works_is_refused_naming_its_run(served: str, store: Store) -> None:
    _seed(store, served)
    answer_delay(served, 4_000)  # the first apply takes several seconds
    first = start_apply()
    deadline = time.monotonic() + 30
    while store.label_claims.holder(ORG).owner is None:
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.02)
    second = start_apply()
    refused, worked = _finish(second, first)
    assert refused[0] == 1, refused
    assert worked[0] == 0, worked[2]
    _one_worked_one_refused([refused, worked])
    _exactly_once(store, served)


@pytest.mark.slow
def test_two_applies_started_together_send_each_write_once(served: str, store: Store) -> None:
    _seed(store, served)
    answer_delay(served, 2_000)
    report = _one_worked_one_refused(_finish(start_apply(), start_apply()))
    assert len(report["applied"]) == ISSUES
    _exactly_once(store, served)


@pytest.mark.slow
def test_two_processes_resuming_the_same_interrupted_run_send_nothing_twice(served: str, store: Store) -> None:
    _seed(store, served)
    answer_delay(served, 10_000)
    kill_after(served, "addLabelsToLabelable", ISSUES)  # the labels are on GitHub; the comments are not
    (interrupted,) = store.label_audit.runs()
    assert interrupted.status == "running"
    answer_delay(served, 2_000)  # each comment request is answered after two seconds: resuming takes a while
    report = _one_worked_one_refused(_finish(start_apply(), start_apply()))  # refused naming the interrupted run
    assert report["run_id"] == interrupted.id and report["resumed_runs"] == [interrupted.id]
    _exactly_once(store, served)
