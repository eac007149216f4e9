"""Two triage steps started together against one store (a cron overlap): one holds the organization, the other
exits 0 naming it and sends nothing; nothing is sent twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ORG, UI_TEXT, Team, backlog

CLI = "from github_issue_analysis.cli.main import run; run()"


@pytest.mark.slow
def test_two_steps_at_once_send_nothing_twice(team: Team, tmp_path: Path) -> None:
    backlog(team.world)
    for _ in range(5):
        team.world.add(UI_TEXT)
    team.github.config.latency_ms = 300  # the first step is still collecting when the second starts
    command = [sys.executable, "-c", CLI, "triage", "--org", ORG, "--yes", "--json"]
    steps = [
        subprocess.Popen(command, cwd=os.getcwd(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [step.communicate(timeout=120) for step in steps]
    assert [step.returncode for step in steps] == [0, 0], [err for _, err in outputs]
    documents = [json.loads(out) for out, _ in outputs]
    held = [d for d in documents if d["held_by"]]
    worked = [d for d in documents if not d["held_by"]]
    assert len(worked) == 1 and len(held) == 1  # the first holds the organization for its whole step
    for document in held:
        assert document["submitted"] is None and document["calibration"] is None
    emulator = team.sandbox.emulator
    ids = [
        json.loads(line)["custom_id"]
        for batch in emulator.batches.values()
        for line in emulator.files[batch.input_file_id].content.splitlines()
    ]
    assert len(ids) == len(set(ids)) == 45  # the sample of 40 and the 5 open issues, once each
    assert len(team.store.jobs.groups()) == 2
