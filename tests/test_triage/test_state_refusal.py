"""A step given a store older than the last recorded generation, or an empty one after steps that paid, refuses
its paid and writing phases with one line and exit 1, sending nothing; after `triage accept-store` it goes on
without sending what was sent. Shown with `sqlite-cache`'s generation branch (the store restored by a cache,
the generation on a branch) and with the state branch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from github_issue_analysis.pipeline.state_branch import StateBranch
from github_issue_analysis.pipeline.triage_config import TriageConfig
from github_issue_analysis.pipeline.triage_state import StepState
from github_issue_analysis.storage.sealed_store import restore, snapshot
from github_issue_analysis.storage.store import open_store
from tests.conftest import invoke

from .conftest import UI_TEXT, Team, backlog
from .state_remote import BRANCH, KEY, Remote, assert_sent_once, make_remote

CONFIG = TriageConfig(target_precision=0.8, min_support=5, calibration_sample=40)
GENERATIONS = "gh-analysis-generation"


@pytest.fixture
def remote(tmp_path: Path) -> Remote:
    return make_remote(tmp_path)


def _cached_step(team: Team, remote: Remote, runner: str) -> object:
    return remote.step(team, CONFIG, runner, key=None, state_branch=None, generation_branch=GENERATIONS)


def _db(remote: Remote, runner: str) -> Path:
    return remote.runners / runner / "gh-analysis.db"


def test_an_older_or_empty_cache_is_refused_until_accepted(team: Team, remote: Remote) -> None:
    backlog(team.world)
    [team.world.add(UI_TEXT) for _ in range(4)]
    assert _cached_step(team, remote, "cache").failed == []  # type: ignore[attr-defined]
    restore(_db(remote, "old"), snapshot(_db(remote, "cache")))  # the cache entry a later step never replaced
    team.sandbox.finish_all()
    second = _cached_step(team, remote, "cache")
    assert second.failed == [] and second.applied  # type: ignore[attr-defined]
    later_ones = [team.world.add(UI_TEXT) for _ in range(3)]  # a batch the old store never hears of
    third = _cached_step(team, remote, "cache")
    assert third.failed == [] and third.submitted  # type: ignore[attr-defined]
    team.sandbox.finish_all()
    assert _cached_step(team, remote, "cache").failed == []  # type: ignore[attr-defined]
    assert all("product::ui" in team.world.issue(n).labels for n in later_ones)
    sent, mutations = team.sandbox.batches(), team.github_writes()

    older = "the store is at generation 1, older than generation 4"
    for runner, words in (("fresh", "the store is empty, but"), ("old", older)):
        refused = _cached_step(team, remote, runner)
        assert refused.exit_code == 1  # type: ignore[attr-defined]
        [failure] = refused.failed  # type: ignore[attr-defined]
        assert failure["phase"] == "state" and failure["error"].startswith(words), failure
        assert "triage accept-store --org team" in failure["error"]
        assert team.sandbox.batches() == sent and team.github_writes() == mutations

    state = StepState.restore(remote.clone, remote.url("old"), None, GENERATIONS, None)
    store = open_store(remote.url("old"))
    try:
        state.attach(store)
        assert state.accept() == (1, 4)
    finally:
        store.close()
    accepted = _cached_step(team, remote, "old")
    assert accepted.failed == [], accepted.failed  # type: ignore[attr-defined]
    assert accepted.submitted is None  # type: ignore[attr-defined]  # labelled on GitHub: taken as sent
    assert team.sandbox.batches() == sent and team.github_writes() == mutations  # nothing sent again
    store = open_store(remote.url("old"))
    try:
        assert store.generation.current() == 4  # nothing paid: the generation stays
        assert not store.generation.accepted()  # settled by the step's submit
    finally:
        store.close()


def _three_paid_steps_and_no_store(team: Team, remote: Remote, monkeypatch: pytest.MonkeyPatch) -> None:
    """The state branch says three steps paid, but holds no store; the test runs in the checkout."""
    backlog(team.world)
    branch = StateBranch(remote.clone, BRANCH)
    branch.read()
    branch.write(3, None)
    monkeypatch.chdir(remote.clone)


def test_the_command_refuses_an_empty_store_on_the_state_branch(
    team: Team, remote: Remote, monkeypatch: pytest.MonkeyPatch
) -> None:
    _three_paid_steps_and_no_store(team, remote, monkeypatch)
    env = {"GH_ANALYSIS_STATE_KEY": KEY}
    result = invoke("triage", "--org", "team", "--yes", "--json", "--state-branch", BRANCH, env=env)
    assert result.exit_code == 1, result.stderr
    failed = json.loads(result.stdout)["failed"]
    assert failed[0]["phase"] == "state" and "the store is empty, but the state branch" in failed[0]["error"]
    assert team.sandbox.batches() == 0 and team.github_writes() == 0

    accepted = invoke("triage", "accept-store", "--org", "team", "--state-branch", BRANCH, env=env)
    assert accepted.exit_code == 0, accepted.stderr
    assert "generation 0 -> 3" in accepted.stdout
    wrong = invoke("triage", "--org", "team", "--yes", "--state-branch", BRANCH, env={"GH_ANALYSIS_STATE_KEY": "x"})
    assert wrong.exit_code == 2 and "does not open with GH_ANALYSIS_STATE_KEY" in wrong.stderr
    latest = remote.latest()
    try:
        assert_sent_once(team, latest)
    finally:
        latest.close()


def test_check_mode_names_a_stale_store_and_a_wrong_key(
    team: Team, remote: Remote, monkeypatch: pytest.MonkeyPatch
) -> None:
    _three_paid_steps_and_no_store(team, remote, monkeypatch)
    before = remote.commits()
    checked = invoke(
        "triage", "--org", "team", "--check", "--json", "--state-branch", BRANCH, env={"GH_ANALYSIS_STATE_KEY": KEY}
    )
    assert checked.exit_code == 1, checked.stderr
    checks = {c["check"]: c for c in json.loads(checked.stdout)["checks"]}
    assert checks["state"]["ok"] and "generation 3 recorded" in checks["state"]["detail"]
    assert not checks["store current"]["ok"] and "the store is empty, but" in checks["store current"]["detail"]
    wrong = invoke(
        "triage", "--org", "team", "--check", "--json", "--state-branch", BRANCH, env={"GH_ANALYSIS_STATE_KEY": ""}
    )
    assert wrong.exit_code == 1
    state = {c["check"]: c for c in json.loads(wrong.stdout)["checks"]}["state"]
    assert not state["ok"] and "GH_ANALYSIS_STATE_KEY" in state["detail"]
    assert remote.commits() == before  # nothing pushed
    assert team.sandbox.batches() == 0 and team.github_writes() == 0
