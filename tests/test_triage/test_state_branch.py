"""Triage steps keeping their store sealed on a branch of the checkout's origin (a local bare repository):
many hourly steps on fresh runners send each batch line, label and comment once; the branch is one orphan
commit nobody can read without the key; a wrong key changes nothing; two steps racing on the push: the one
that loses the lease sends nothing more."""

from __future__ import annotations

from pathlib import Path

import pytest

from github_issue_analysis.pipeline.triage_config import TriageConfig
from github_issue_analysis.pipeline.triage_state import StepState
from github_issue_analysis.storage.sealed_store import WrongStateKey

from .conftest import API_TEXT, UI_TEXT, Team, backlog, later
from .state_remote import BRANCH, KEY, Remote, assert_sent_once, make_remote

CONFIG = TriageConfig(target_precision=0.8, min_support=5, calibration_sample=40, comment=True)


@pytest.fixture
def remote(tmp_path: Path) -> Remote:
    return make_remote(tmp_path)


def test_hourly_steps_on_the_state_branch_send_everything_once(team: Team, remote: Remote) -> None:
    backlog(team.world)
    new_ui = [team.world.add(UI_TEXT) for _ in range(6)]
    team.world.add(API_TEXT)

    first = remote.step(team, CONFIG, "r1")
    assert first.failed == [] and first.submitted is not None
    assert remote.meta()["generation"] == 1
    team.sandbox.finish_all()
    second = remote.step(team, CONFIG, "r2")
    assert second.failed == [] and second.applied is not None
    assert remote.meta()["generation"] == 2
    team.world.remove_label(new_ui[0], "product::ui")
    newer = [team.world.add(UI_TEXT) for _ in range(2)]
    for hour, runner in enumerate(["r3", "r4", "r5", "r6"], start=1):
        report = remote.step(team, CONFIG, runner, now=later(hour / 24))
        assert report.failed == [], report.failed
        team.sandbox.finish_all()

    latest = remote.latest()
    try:
        assert_sent_once(team, latest)
        assert "product::ui" not in team.world.issue(new_ui[0]).labels  # a person's removal never undone
        assert all("product::ui" in team.world.issue(n).labels for n in newer)
        assert latest.generation.current() == remote.meta()["generation"]
    finally:
        latest.close()
    assert len(remote.commits()) == 1  # one orphan commit: no history growth
    objects = remote.objects()
    assert b"SQLite format 3" not in objects
    assert UI_TEXT[0].encode() not in objects and API_TEXT[1].encode() not in objects


def test_a_wrong_key_is_refused_and_changes_nothing(team: Team, remote: Remote) -> None:
    backlog(team.world)
    assert remote.step(team, CONFIG, "r1").failed == []
    before = remote.commits()
    with pytest.raises(WrongStateKey, match="does not open with GH_ANALYSIS_STATE_KEY"):
        StepState.restore(remote.clone, remote.url("r2"), BRANCH, None, "not the key")
    assert not (remote.runners / "r2" / "gh-analysis.db").exists()
    assert remote.commits() == before


def test_the_step_that_loses_the_lease_sends_nothing(team: Team, remote: Remote) -> None:
    backlog(team.world)
    assert remote.step(team, CONFIG, "r1").failed == []
    team.sandbox.finish_all()
    [team.world.add(UI_TEXT) for _ in range(3)]
    # two runners read the same branch commit; the first one sends and pushes, then the second one runs
    late = StepState.restore(remote.clone, remote.url("late"), BRANCH, None, KEY)
    assert remote.step(team, CONFIG, "early").failed == []
    sent, mutations = team.sandbox.batches(), team.github_writes()

    from github_issue_analysis.config import get_settings
    from github_issue_analysis.pipeline.triage import TriageStep
    from github_issue_analysis.pipeline.triage_options import TriageConfirm, TriageOptions
    from github_issue_analysis.pipeline.triage_state import run_step
    from github_issue_analysis.storage.store import open_store

    store = open_store(remote.url("late"))
    try:
        step = TriageStep(store, get_settings(), TriageOptions("team", config=CONFIG), TriageConfirm())
        report = run_step(step, late, "accept")
    finally:
        store.close()
    assert report.exit_code == 1
    assert any("another triage step pushed the state branch" in f["error"] for f in report.failed), report.failed
    assert team.sandbox.batches() == sent and team.github_writes() == mutations
    latest = remote.latest()
    try:
        assert_sent_once(team, latest)
    finally:
        latest.close()
