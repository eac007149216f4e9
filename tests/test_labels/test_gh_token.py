"""`labels plan` and `labels apply` reach GitHub the way `collect` does: the token from `--token`, GH_TOKEN,
GITHUB_TOKEN or `gh auth token` (a stand-in `gh` on PATH), and GH_ANALYSIS_READ_TIMEOUT on every request."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.fake_gh import fake_gh, only_gh_has_the_token

from .conftest import ORG, TOKEN, Rig, collect, seed_result

WRONG = "ghp_not_a_token_of_this_world"


def _seed(store: Store, rig: Rig) -> None:
    collect(store, rig)
    seed_result(store, 1, {"product::installer": 0.95})
    seed_result(store, 2, {"product::api": 0.9})


def test_plan_and_apply_use_gh_auth_token(
    rig: Rig, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(store, rig)
    only_gh_has_the_token(tmp_path / "bin", TOKEN, monkeypatch)
    plan = invoke("labels", "plan", "--org", ORG, "--json")
    assert plan.exit_code == 0, plan.stderr
    assert {c["number"] for c in json.loads(plan.stdout)["changes"]} == {1, 2}
    applied = invoke("labels", "apply", "--org", ORG, "--yes", "--json")
    assert applied.exit_code == 0, applied.stderr
    assert {a["number"] for a in json.loads(applied.stdout)["applied"]} == {1, 2}
    assert rig.issue(1).labels == ["bug", "product::installer"]


def test_without_any_token_apply_sends_nothing(
    rig: Rig, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(store, rig)
    only_gh_has_the_token(tmp_path / "bin", TOKEN, monkeypatch)
    fake_gh(tmp_path / "bin", None)  # logged out
    before = rig.emulator.stats.total
    result = invoke("labels", "apply", "--org", ORG, "--yes", "--json")
    assert result.exit_code == 2 and "GITHUB_TOKEN" in result.stderr and "gh auth login" in result.stderr
    assert rig.emulator.stats.total == before


@pytest.mark.parametrize(
    ("option", "gh_token", "github_token", "gh"),
    [
        (TOKEN, WRONG, WRONG, WRONG),
        (None, TOKEN, WRONG, WRONG),
        (None, None, TOKEN, WRONG),
        (None, None, None, TOKEN),
    ],
    ids=["--token", "GH_TOKEN", "GITHUB_TOKEN", "gh auth token"],
)
def test_the_first_token_found_wins(
    rig: Rig,
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    option: str | None,
    gh_token: str | None,
    github_token: str | None,
    gh: str,
) -> None:
    """The right token sits at one source and wrong ones at every later source: only the order makes it work."""
    _seed(store, rig)
    only_gh_has_the_token(tmp_path / "bin", gh, monkeypatch)
    for name, value in (("GH_TOKEN", gh_token), ("GITHUB_TOKEN", github_token)):
        if value is not None:
            monkeypatch.setenv(name, value)
    result = invoke("labels", "plan", "--org", ORG, "--json", *(["--token", option] if option else []))
    assert result.exit_code == 0, result.stderr
    assert {c["number"] for c in json.loads(result.stdout)["changes"]} == {1, 2}


def test_a_wrong_token_first_is_not_passed_over(rig: Rig, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    _seed(store, rig)
    monkeypatch.setenv("GH_TOKEN", WRONG)  # GITHUB_TOKEN holds the right one (the rig sets it)
    result = invoke("labels", "plan", "--org", ORG, "--json")
    assert result.exit_code == 2 and "rejected the credentials" in result.stderr and WRONG not in result.stderr


def test_read_timeout_setting_reaches_labels_apply(rig: Rig, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """GitHub stalls the first request for 6 s: with a 0.5 s read timeout the apply gives up on it, retries
    and finishes well before the stall would have ended."""
    _seed(store, rig)
    monkeypatch.setenv("GH_ANALYSIS_READ_TIMEOUT", "0.5")
    rig.emulator.configure(hang_next_n=1, hang_seconds=6.0)
    started = time.monotonic()
    result = invoke("labels", "apply", "--org", ORG, "--yes", "--json")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.stderr
    assert {a["number"] for a in json.loads(result.stdout)["applied"]} == {1, 2}
    assert elapsed < 4.5, elapsed
