"""Once `labels apply` has put the model's labels on GitHub (and the store follows), they are not ground
truth: evaluations and samples still see only the labels people gave. GitHub and OpenAI emulators, real SDKs."""

from __future__ import annotations

import json

import pytest

from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox
from tests.test_labels.conftest import ORG, TAXONOMY, Rig, collect


def run(*args: str) -> dict:
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return dict(json.loads(result.stdout))


def people_label(rig: Rig) -> None:
    """Issue text names one area; people labelled 1-6 (issue 5 with another area), not 7 and 8."""
    for n in range(1, 9):
        area = TAXONOMY[n % 4]
        word = area.split("::")[1]
        issue = rig.issue(n)
        issue.title, issue.body = f"The {word} is broken", f"Something in the {word} fails for us."
        issue.labels = ["bug", TAXONOMY[(n + 1) % 4] if n == 5 else area] if n <= 6 else ["bug"]


def submit_and_collect(sandbox: Sandbox, *extra: str) -> str:
    submitted = run("batch", "submit", "product-labeling", "--org", ORG, "--yes", *extra)
    sandbox.finish_all()
    assert invoke("batch", "group-collect", submitted["group_id"]).exit_code == 0
    return str(submitted["group_id"])


@pytest.mark.slow
def test_applied_labels_are_not_ground_truth(rig: Rig, sandbox: Sandbox, seeded: Store) -> None:
    people_label(rig)
    collect(seeded, rig)
    submit_and_collect(sandbox)  # every issue, so 7 and 8 get recommendations too
    blind = submit_and_collect(sandbox, "--blind", "--sample", "6")
    before = run("eval", blind)["evaluations"][0]
    assert before["issues_scored"] == 6
    assert before["micro"]["f1"] < 1.0  # issue 5's people label is not the area its text names

    applied = run("labels", "apply", "--org", ORG, "--min-confidence", "0.1", "--yes")
    touched = {a["number"] for a in applied["applied"]}
    assert {5, 7, 8} <= touched
    stored = {i.number: i.labels for i in seeded.issues.select_issues(IssueSelection(ORG, "app"))}
    assert set(stored[5]) > {"bug", TAXONOMY[2]} and any(lb in TAXONOMY for lb in stored[7])  # the store follows

    after = run("eval", blind)["evaluations"][0]
    for key in ("issues_scored", "micro", "macro", "per_label", "exact_match"):
        assert after[key] == before[key], key
    sample = run("batch", "submit", "product-labeling", "--org", ORG, "--blind", "--sample", "8", "--dry-run")
    assert sample["total_issues"] == 6  # 7 and 8 carry only the tool's labels: not candidates
