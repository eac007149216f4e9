"""`gh-analysis triage` at the edge (CliRunner): no --yes without a terminal stops before anything is paid or
written, a dry run stores and sends nothing, a step finding another holding the organization does nothing,
bad config is one line; and the spend caps hold to the cent of the estimate."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from github_issue_analysis.pipeline.triage_config import TriageConfig
from github_issue_analysis.storage.schema import metadata
from tests.conftest import invoke

from .conftest import ORG, UI_TEXT, Team


def _rows(team: Team) -> dict[str, int]:
    with team.store.engine.connect() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in metadata.tables.values()
        }


def test_without_yes_and_without_a_terminal_nothing_happens(team: Team) -> None:
    team.world.add(UI_TEXT)
    result = invoke("triage", "--org", ORG)
    assert result.exit_code == 2
    assert "--yes" in result.stderr and "Traceback" not in result.stderr
    assert team.sandbox.batches() == 0
    assert _rows(team)["batch_groups"] == 0


def test_a_dry_run_sends_and_stores_nothing(team: Team) -> None:
    for _ in range(3):
        team.world.add(UI_TEXT)
    assert invoke("collect", "--org", ORG).exit_code == 0
    before = _rows(team)
    result = invoke("triage", "--org", ORG, "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["dry_run"] is True
    assert document["submitted"] is None or document["submitted"]["group_id"] is None
    assert _rows(team) == before
    assert team.sandbox.batches() == 0


def test_a_second_step_finds_the_organization_held(team: Team) -> None:
    team.world.add(UI_TEXT)
    taken, _ = team.store.label_claims.claim(f"triage:{ORG}", "elsewhere:4242", "triage", timedelta(minutes=5))
    assert taken
    result = invoke("triage", "--org", ORG, "--yes", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert "elsewhere:4242" in document["held_by"]
    assert document["submitted"] is None
    assert team.sandbox.batches() == 0
    assert _rows(team)["issues"] == 0  # not even collected


def test_bad_config_is_one_line(team: Team, tmp_path: Path) -> None:
    config = tmp_path / "triage.toml"
    config.write_text("target_precision = 2\n", encoding="utf-8")
    result = invoke("triage", "--org", ORG, "--config", str(config), "--yes")
    assert result.exit_code == 2
    assert "target_precision" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    config.write_text('colour = "blue"\n', encoding="utf-8")
    assert "colour" in invoke("triage", "--org", ORG, "--config", str(config), "--yes").stderr


@pytest.fixture
def quarter_dollar_issues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Input free, output priced so that each issue's estimate (250 output tokens) is exactly $0.25."""
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"gpt-4o-mini": {"input": 0.0, "output": 1000.0}}), encoding="utf-8")
    monkeypatch.setenv("GH_ANALYSIS_PRICES_FILE", str(prices))


@pytest.mark.usefixtures("quarter_dollar_issues")
def test_the_spend_caps_hold_to_the_cent(team: Team) -> None:
    numbers = [team.world.add(UI_TEXT) for _ in range(10)]
    first = team.step(TriageConfig(max_usd_per_step=0.99, max_usd_per_day=1.74))
    assert first.submitted is not None, json.dumps(first.as_json())
    assert (first.submitted["issues"], first.submitted["estimated_usd"], first.deferred_by_cap) == (3, 0.75, 7)
    sent = team.store.triage.sent_fingerprints(list(range(1, 100)))
    newest = {n for n in numbers[-3:]}
    assert {team.store.issues.issues_by_id([i])[0].number for i in sent} == newest  # the newest first
    second = team.step(TriageConfig(max_usd_per_step=1.00, max_usd_per_day=1.74))
    assert second.submitted is not None
    assert (second.submitted["issues"], second.deferred_by_cap) == (3, 4)  # $0.99 of the day left
    third = team.step(TriageConfig(max_usd_per_step=1.00, max_usd_per_day=1.75))
    assert third.submitted is not None and third.submitted["issues"] == 1  # the last cent of the day
    assert third.deferred_by_cap == 3
