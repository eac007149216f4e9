"""The terminal review (keys), comment templates from a file, and usage errors."""

from __future__ import annotations

from pathlib import Path

from github_issue_analysis.storage.decision_store import RowFilter
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke

from .conftest import ORG, Rig, collect, seed_result


def test_review_keys_record_decisions_and_resume(rig: Rig, store: Store) -> None:
    collect(store, rig)
    for number in (1, 2, 3, 4):
        seed_result(store, number, {"product::ui": 0.9})
    first = invoke("labels", "review", "--org", ORG, "--by", "ana", input="a\nr\ne\nproduct::docs, product::api\nq\n")
    assert first.exit_code == 0, first.stderr
    assert "labs/app#1" in first.stdout and "product::ui  0.90" in first.stdout
    decided = {r.number: r.decision for r in store.decisions.rows(RowFilter(org=ORG))}
    assert decided[1] is not None and decided[1].decision == "accepted" and decided[1].decided_by == "ana"
    assert decided[2] is not None and decided[2].decision == "rejected"
    assert decided[3] is not None and decided[3].labels == ["product::api", "product::docs"]
    assert decided[4] is None
    again = invoke("labels", "review", "--org", ORG, input="s\n")
    assert "1/1  labs/app#4" in again.stdout  # resumes with what is still pending


def test_comment_template_from_a_file(rig: Rig, store: Store, tmp_path: Path) -> None:
    collect(store, rig)
    seed_result(store, 1, {"product::ui": 0.9})
    template = tmp_path / "comment.txt"
    template.write_text("Added {added} ({confidence:.1f}) by {model}.")
    result = invoke("labels", "apply", "--org", ORG, "--yes", "--comment", "--comment-template", str(template))
    assert result.exit_code == 0, result.stderr
    body = rig.issue(1).comments[-1].body
    assert body.startswith("Added product::ui (0.9) by gpt-4o-mini.") and "gh-analysis:labels" in body
    template.write_text("{nonsense}")
    bad = invoke("labels", "apply", "--org", ORG, "--yes", "--comment", "--comment-template", str(template))
    assert bad.exit_code == 2 and "nonsense" in bad.stderr


def test_usage_errors_are_one_line(rig: Rig, store: Store) -> None:
    collect(store, rig)
    no_yes = invoke("labels", "apply", "--org", ORG, "--json")
    assert no_yes.exit_code == 2 and "--yes" in no_yes.stderr and no_yes.stdout == ""
    bad_confidence = invoke("labels", "plan", "--org", ORG, "--min-confidence", "3")
    assert bad_confidence.exit_code == 2 and "between 0 and 1" in bad_confidence.stderr
    unknown_run = invoke("labels", "revert", "run_nope", "--yes")
    assert unknown_run.exit_code == 2 and "labels runs" in unknown_run.stderr
    assert rig.stats()["graphql"]["mutations"] == 0
