"""`gh-analysis label` end to end against the emulators: the JSON contract, continuing a group in flight
without submitting again, Ctrl+C cancelling nothing, bad input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from github_issue_analysis_sandbox.openai_emulator import EmulatorConfig

from github_issue_analysis.storage.store import open_store
from tests.clock import FakeClock
from tests.conftest import invoke

from .conftest import API_KEY, ORG, Emulators, Labelled, label

SANDBOX_ISSUES = 95  # the default world's sandbox-org


def test_json_contract_and_what_the_store_holds(labelled: Labelled) -> None:
    run = labelled.run
    assert set(run) >= {"group_id", "collected", "submitted", "results", "failed", "report"}
    assert run["collected"] == SANDBOX_ISSUES
    assert run["submitted"] == SANDBOX_ISSUES
    assert run["results"] == SANDBOX_ISSUES
    assert run["failed"] == 0
    assert run["resumed"] is False and run["status"] == "completed"
    assert labelled.emulators.batches_created() == 4  # 95 issues in batches of 30
    current = list(labelled.store.results.current(org=ORG))
    assert len(current) == SANDBOX_ISSUES and {r.group_id for r in current} == {run["group_id"]}
    html = labelled.report.read_text()
    assert run["group_id"] in html and "sandbox-org" in html


def test_second_run_submits_nothing_and_collects_incrementally(labelled: Labelled) -> None:
    again = label()
    assert again["group_id"] == labelled.run["group_id"]
    assert again["submitted"] == 0 and again["collected"] == 0
    assert again["results"] == SANDBOX_ISSUES
    assert labelled.emulators.batches_created() == 4


def _wait_for_submitted_group(database_url: str, deadline: float) -> str:
    while time.monotonic() < deadline:
        store = open_store(database_url)
        try:
            jobs = store.jobs.jobs()
            if jobs and all(job.provider_batch_id for job in jobs):
                return jobs[0].group_id
        finally:
            store.close()
        time.sleep(0.1)
    raise AssertionError("label did not submit in time")


def _batch_reads(emulators: Emulators) -> int:
    requests = emulators.openai.stats.requests
    return requests["GET /v1/batches/{batch_id}"] + requests["GET /v1/batches"]


def _wait_for_a_poll(emulators: Emulators, deadline: float) -> None:
    """Until the provider's batches are read again after the group was seen submitted: the watch's poll."""
    seen = _batch_reads(emulators)
    while _batch_reads(emulators) == seen:
        assert time.monotonic() < deadline, "label did not start watching in time"
        time.sleep(0.02)


@pytest.mark.slow
def test_ctrl_c_while_watching_cancels_nothing_and_a_rerun_continues_the_group(
    emulators: Emulators, database_url: str, tmp_path: Path
) -> None:
    clock = FakeClock()  # the provider's time stands still: the batches are running when Ctrl+C comes
    emulators.openai.config = EmulatorConfig(api_key=API_KEY, clock=clock, processing_seconds=60)
    command = [sys.executable, "-m", "github_issue_analysis", "label", "--org", ORG, "--yes", "--poll-seconds", "0.1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        group_id = _wait_for_submitted_group(database_url, time.monotonic() + 60)
        _wait_for_a_poll(emulators, time.monotonic() + 60)  # Ctrl+C once it is watching, not still submitting
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    assert "nothing was cancelled" in stderr and "Traceback" not in stderr
    assert not [route for route in emulators.openai.stats.requests if "cancel" in route]
    assert emulators.batches_created() == 4

    clock.advance(3600)  # the provider finishes the batches
    again = label()
    assert again["group_id"] == group_id and again["resumed"] is True
    assert again["submitted"] == 0 and again["results"] == 95
    assert emulators.batches_created() == 4  # nothing was sent twice


def test_bad_model_is_one_line_and_changes_nothing(emulators: Emulators, database_url: str) -> None:
    result = invoke("label", "--org", ORG, "--model", "nonsense", "--yes")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert emulators.batches_created() == 0


def test_json_without_yes_is_refused(emulators: Emulators) -> None:
    result = invoke("label", "--org", ORG, "--json")
    assert result.exit_code == 2 and "--yes" in result.stderr
    assert result.stdout == ""


def test_without_a_github_token_nothing_is_sent(emulators: Emulators, monkeypatch: object) -> None:
    os.environ.pop("GITHUB_TOKEN", None)
    result = invoke("label", "--org", ORG, "--yes", "--json")
    assert result.exit_code == 2 and "GITHUB_TOKEN" in result.stderr
    assert emulators.batches_created() == 0


def test_label_with_apply_puts_the_planned_labels_on_github(emulators: Emulators, database_url: str) -> None:
    run = label("--apply", "--min-confidence", "0.8")
    store = open_store(database_url)
    try:
        from github_issue_analysis.labels.options import LabelSelection
        from github_issue_analysis.labels.plan import build_plan

        left = build_plan(store, LabelSelection(ORG, min_confidence=0.8))
    finally:
        store.close()
    applied = run["apply"]["applied"]
    assert run["results"] == SANDBOX_ISSUES and run["apply"]["failed"] == []
    assert applied and all(change["add"] for change in applied)
    assert left.changes == []  # everything planned is on GitHub now
    again = label("--apply", "--min-confidence", "0.8")
    assert again["submitted"] == 0 and again["apply"]["applied"] == []  # nothing sent twice


def test_blind_run_is_recorded_blind_and_continued_as_its_own_run(emulators: Emulators, database_url: str) -> None:
    run = label("--blind", "--limit", "10")
    store = open_store(database_url)
    try:
        group = store.jobs.group(run["group_id"])
    finally:
        store.close()
    assert group is not None and group.options.get("blind") is True
    assert run["submitted"] == 10
    again = label("--blind", "--limit", "10")
    assert again["group_id"] == run["group_id"] and again["submitted"] == 0
