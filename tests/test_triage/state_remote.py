"""A local bare repository as the workflow's `origin` and a clone as its checkout, and triage steps that keep
their state there as the generated workflow does: each step on a fresh runner (its own SQLite file), restoring
the state, running, pushing."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from github_issue_analysis.config import get_settings
from github_issue_analysis.pipeline.triage import TriageStep
from github_issue_analysis.pipeline.triage_config import TriageConfig
from github_issue_analysis.pipeline.triage_options import TriageConfirm, TriageOptions
from github_issue_analysis.pipeline.triage_report import TriageReport
from github_issue_analysis.pipeline.triage_state import StepState, run_step
from github_issue_analysis.storage.schema import label_changes
from github_issue_analysis.storage.store import Store, open_store

from .conftest import ORG, Team

KEY = "a repository secret, typed by a person"
BRANCH = "gh-analysis-state"
ACCEPT = "gh-analysis triage accept-store --org team"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=True).stdout.decode()


@dataclass
class Remote:
    bare: Path
    clone: Path
    runners: Path

    def url(self, name: str) -> str:
        return f"sqlite:///{self.runners / name / 'gh-analysis.db'}"

    def step(
        self,
        team: Team,
        config: TriageConfig,
        runner: str,
        *,
        key: str | None = KEY,
        state_branch: str | None = BRANCH,
        generation_branch: str | None = None,
        **options: Any,
    ) -> TriageReport:
        state = StepState.restore(self.clone, self.url(runner), state_branch, generation_branch, key)
        store = open_store(self.url(runner))
        try:
            clock = options.pop("now", None)
            now = (lambda: clock) if clock else (lambda: datetime.now(UTC))
            triage = TriageOptions(ORG, config=config, now=now, **options)
            step = TriageStep(store, get_settings(), triage, TriageConfirm())
            return run_step(step, state, ACCEPT)
        finally:
            store.close()

    def latest(self, runner: str = "reader") -> Store:
        """The branch's store, unsealed into a fresh file."""
        StepState.restore(self.clone, self.url(runner), BRANCH, None, KEY)
        return open_store(self.url(runner))

    def meta(self) -> dict[str, Any]:
        git(self.clone, "fetch", "-q", "origin", f"+refs/heads/{BRANCH}:refs/remotes/origin/{BRANCH}")
        return dict(json.loads(git(self.clone, "show", f"origin/{BRANCH}:state.json")))

    def commits(self) -> list[str]:
        return git(self.bare, "rev-list", BRANCH).split()

    def objects(self) -> bytes:
        listed = subprocess.run(
            ["git", "cat-file", "--batch-all-objects", "--batch"], cwd=self.bare, capture_output=True, check=True
        )
        return listed.stdout


def make_remote(tmp_path: Path) -> Remote:
    bare, clone = tmp_path / "origin.git", tmp_path / "checkout"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    subprocess.run(["git", "clone", "-q", str(bare), str(clone)], check=True, capture_output=True)
    return Remote(bare, clone, tmp_path / "runners")


def writes(store: Store) -> Counter[tuple[int, str, str]]:
    query = select(label_changes.c.number, label_changes.c.action, label_changes.c.label).where(
        label_changes.c.state == "confirmed"
    )
    with store.engine.connect() as conn:
        return Counter((int(r.number), str(r.action), str(r.label)) for r in conn.execute(query))


def assert_sent_once(team: Team, store: Store) -> None:
    """Every batch line, label and comment exactly once, by the emulators' own counts."""
    emulator = team.sandbox.emulator
    ids = [
        json.loads(line)["custom_id"]
        for batch in emulator.batches.values()
        for line in emulator.files[batch.input_file_id].content.splitlines()
    ]
    assert len(ids) == len(set(ids))
    children = [c for _, group_children in store.jobs.groups() for c in group_children]
    assert team.sandbox.batches() == sum(1 for c in children if c.provider_batch_id)
    done = writes(store)
    assert all(n == 1 for n in done.values()), done
    mutations = team.github.stats.snapshot()["graphql"]["by_mutation"]
    assert mutations.get("addLabelsToLabelable", 0) == len({n for (n, a, _) in done if a == "add"})
    assert mutations.get("addComment", 0) == sum(1 for (_, a, _) in done if a == "comment")
