"""Empty means unset: an Actions variable that does not exist expands to "", and every setting read from the
environment then behaves as when it is not set at all (issue 29)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import AliasChoices

from github_issue_analysis.config import Settings
from github_issue_analysis.storage.store import open_store
from tests.conftest import invoke
from tests.test_ai.conftest import seed

from .conftest import ORG, UI_TEXT, Team


def test_an_empty_model_is_the_default_model_for_triage_and_submit(team: Team) -> None:
    for _ in range(3):
        team.world.add(UI_TEXT)
    assert invoke("collect", "--org", ORG).exit_code == 0
    unset = invoke("triage", "--org", ORG, "--yes", "--dry-run", "--json")
    empty = invoke("triage", "--org", ORG, "--yes", "--dry-run", "--json", env={"GH_ANALYSIS_MODEL": ""})
    assert empty.exit_code == unset.exit_code == 0, empty.stderr
    assert json.loads(empty.stdout)["submitted"] == json.loads(unset.stdout)["submitted"]
    submit = ("batch", "submit", "product-labeling", "--org", ORG, "--dry-run", "--json")
    unset_plan, empty_plan = invoke(*submit), invoke(*submit, env={"GH_ANALYSIS_MODEL": ""})
    assert empty_plan.exit_code == unset_plan.exit_code == 0, empty_plan.stderr
    assert json.loads(empty_plan.stdout)["plan"] == json.loads(unset_plan.stdout)["plan"]


def _every_variable() -> list[str]:
    names: list[str] = []
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        names += [str(c) for c in alias.choices] if isinstance(alias, AliasChoices) else [str(alias)]
    return names


def test_every_setting_empty_behaves_as_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names = _every_variable()
    assert len(names) == len(set(names)) >= 20
    for name in names:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # where the default data folder goes
    store = open_store(Settings().resolved_database_url())
    assert str(tmp_path / "xdg") in Settings().resolved_database_url()
    seed(store, 4)
    store.close()
    commands = [("status", "--json"), ("batch", "submit", "product-labeling", "--org", "acme", "--dry-run", "--json")]
    for command in commands:
        unset = invoke(*command)
        empty = invoke(*command, env=dict.fromkeys(names, ""))
        assert empty.exit_code == unset.exit_code == 0, (command, empty.stderr)
        assert json.loads(empty.stdout) == json.loads(unset.stdout)
    assert json.loads(invoke(*commands[1]).stdout)["total_issues"] == 4
