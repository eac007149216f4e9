"""The triage config is strict and bounded (issue 30, items 3 and 8): a value of the wrong type, an infinite
number or a day count past ten years is refused at load, one line naming the key, exit 2, before anything
runs; what TOML itself gives (an integer for a number, an array for a list) stays valid. And a phase that
fails with an exception none of ours is reported in `failed` while the later phases still run."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy import insert

from github_issue_analysis.config import get_settings
from github_issue_analysis.pipeline.triage import TriageStep
from github_issue_analysis.pipeline.triage_options import TriageConfirm, TriageOptions
from github_issue_analysis.storage.schema import issues, label_changes, label_runs
from tests.conftest import invoke

from .conftest import CONFIG, ORG, UI_TEXT, Team, backlog

REFUSED = [
    ("calibration_sample = true", "calibration_sample"),
    ('comment = "yes"', "comment"),
    ('max_usd_per_step = "1"', "max_usd_per_step"),
    ("min_support = 2.5", "min_support"),
    ('states = "open"', "states"),
    ("include_labels = [1]", "include_labels.0"),
    ("recalibrate_days = inf", "recalibrate_days"),
    ("kept_after_days = 1e9", "kept_after_days"),
    ("kept_after_days = 3651", "kept_after_days"),
    ("max_usd_per_day = nan", "max_usd_per_day"),
]


def _dry_run(tmp_path: Path, text: str) -> tuple[int, str, str]:
    config = tmp_path / "triage.toml"
    config.write_text(text + "\n", encoding="utf-8")
    result = invoke("triage", "--org", ORG, "--config", str(config), "--dry-run", "--json")
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("line", "key"), REFUSED, ids=[line for line, _ in REFUSED])
def test_a_wrong_type_or_an_unbounded_number_is_refused_naming_the_key(
    team: Team, tmp_path: Path, line: str, key: str
) -> None:
    code, stdout, stderr = _dry_run(tmp_path, line)
    assert code == 2, stderr
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr
    assert f": {key}: " in stderr
    assert stdout == ""


def test_what_toml_gives_naturally_is_accepted(team: Team, tmp_path: Path) -> None:
    team.world.add(UI_TEXT)
    text = (
        "max_usd_per_step = 1\nmax_usd_per_day = 3\ntarget_precision = 1\nkept_after_days = 3650\n"
        'recalibrate_days = 0.5\nstates = ["open", "closed"]\nexclude_labels = ["product::security"]\n'
        "calibration_sample = 40\ncomment = false"
    )
    code, stdout, stderr = _dry_run(tmp_path, text)
    assert code == 0, stderr
    assert json.loads(stdout)["failed"] == []


@pytest.mark.parametrize("debug", ["", "1"], ids=["plain", "GH_ANALYSIS_DEBUG"])
def test_an_unexpected_exception_in_a_phase_is_reported_and_the_rest_runs(
    team: Team, monkeypatch: pytest.MonkeyPatch, debug: str
) -> None:
    """An issue row whose labels are bare names instead of `{name, ...}` objects (an edited row, a version that
    wrote another shape), carrying a label the tool applied: deciding what was kept fails with a TypeError, none
    of ours. The repository is gone from GitHub, so no collection rewrites the row. The phases between still run."""
    backlog(team.world)
    now = datetime.now(UTC)
    key = dict(org=ORG, repo="legacy", number=1)
    with team.store.engine.begin() as conn:
        conn.execute(
            insert(label_runs).values(id="r1", kind="apply", status="finished", org=ORG, options={}, started_at=now)
        )
        conn.execute(
            insert(label_changes).values(
                run_id="r1", action="add", label="product::ui", state="confirmed", created_at=now, **key
            )
        )
        conn.execute(
            insert(issues).values(
                title="t",
                body="b",
                state="open",
                labels=["product::ui"],
                created_at=now,
                updated_at=now,
                collected_at=now,
                **key,
            )
        )
    monkeypatch.setenv("GH_ANALYSIS_DEBUG", debug)
    result = invoke("triage", "--org", ORG, "--yes", "--json")
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    assert [failure["phase"] for failure in document["failed"]] == ["kept", "submit"], document["failed"]
    for failure in document["failed"]:  # submit chooses its calibration sample from the people's labels too
        assert failure["error"].startswith("unexpected TypeError: ") and "\n" not in failure["error"]
    assert ("Traceback" in result.stderr) is bool(debug)  # the traceback only when debugging
    assert document["collected"]["issues"] == 40  # the phase before kept ran
    assert {g["label"] for g in document["gate"]} >= {"product::ui", "product::api"}  # and the one after it


def test_a_closed_question_still_ends_the_whole_step(team: Team) -> None:
    """A prompt answered with Ctrl+C or closed (the CLI's `typer.Abort`) is no phase failure: it ends the step,
    the claim released, and the edge reports it (exit 130), as before."""
    backlog(team.world)

    def closed(issues: int, usd: float) -> bool:
        raise typer.Abort()

    confirm = TriageConfirm(submit=closed, stops=(typer.Abort, typer.Exit))
    step = TriageStep(team.store, get_settings(), TriageOptions(ORG, config=CONFIG), confirm)
    with pytest.raises(typer.Abort):
        step.run()
    assert team.sandbox.batches() == 0
    taken, _ = team.store.label_claims.claim(f"triage:{ORG}", "elsewhere:1", "triage", timedelta(minutes=5))
    assert taken  # the claim was released
