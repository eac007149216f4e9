"""The local baseline (`--model local:tfidf-logreg`): trained on people-labelled issues outside its group,
answered at once through the same result path, compared side by side with an LLM group by `eval`; and
`eval` leaving out the issues that served as examples."""

from __future__ import annotations

import json
from pathlib import Path

from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox, submit

from .test_examples import LABELS, seed_labelled

LOCAL = ("--model", "local:tfidf-logreg")


def sample_keys(store: Store, group: str) -> set[str]:
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT i.org, i.repo, i.number FROM job_items j JOIN batch_jobs b ON b.id = j.job_id"
            " JOIN issues i ON i.id = j.issue_id WHERE b.group_id = ?",
            (group,),
        ).all()
    return {f"{org}/{repo}#{number}" for org, repo, number in rows}


def test_the_baseline_never_learns_from_its_test_issues(sandbox: Sandbox, seeded: Store, tmp_path: Path) -> None:
    seed_labelled(seeded, per_label=8)
    local = submit(*LOCAL, "--sample", "9", "--blind", "--batch-size", "5")
    assert local["total_batches"] == 2  # two batches: neither learns from the other's issues either
    assert invoke("batch", "group-collect", local["group_id"]).exit_code == 0  # complete at once
    records = [json.loads(p.read_text()) for p in (tmp_path / "data" / "local-batches").glob("*.json")]
    held_out = sample_keys(seeded, local["group_id"])
    assert len(records) == 2 and len(held_out) == 9
    for record in records:
        assert set(record["trained_on"]).isdisjoint(held_out) and len(record["trained_on"]) == 24 - 9
    status = json.loads(invoke("batch", "status", local["group_id"], "--json").stdout)
    assert status["status"] == "completed" and status["actual_cost_usd"] == 0
    with seeded.engine.connect() as conn:
        answers = [json.loads(a) for (a,) in conn.exec_driver_sql("SELECT analysis FROM results").all()]
    assert len(answers) == 9
    for answer in answers:
        assert answer["recommended_labels"] and all(r["label"] in LABELS for r in answer["recommended_labels"])
        assert all(0 <= r["confidence"] <= 1 for r in answer["recommended_labels"])


def test_eval_compares_the_baseline_with_an_llm_group_on_the_same_sample(sandbox: Sandbox, seeded: Store) -> None:
    seed_labelled(seeded, per_label=8)
    llm = submit("--sample", "9", "--blind")["group_id"]
    local = submit(*LOCAL, "--sample", "9", "--blind")["group_id"]
    sandbox.finish_all()
    for group in (llm, local):
        assert invoke("batch", "group-collect", group).exit_code == 0
    assert sample_keys(seeded, llm) == sample_keys(seeded, local)
    result = invoke("eval", llm, local, "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    comparison = document["comparison"]
    assert comparison["shared_issues"] == 9 and [g["group_id"] for g in comparison["groups"]] == [llm, local]
    assert comparison["groups"][1]["cost_usd"] == 0
    assert document["examples_excluded"] == 0
    # the baseline learns the fixture's vocabulary: it beats chance clearly
    assert comparison["groups"][1]["micro"]["f1"] > 0.5


def test_eval_leaves_out_the_issues_that_served_as_examples(sandbox: Sandbox, seeded: Store) -> None:
    seed_labelled(seeded, per_label=8)
    everything = submit("--blind")["group_id"]  # answers all 24 issues
    with_examples = submit("--sample", "6", "--blind", "--examples", "1")
    sandbox.finish_all()
    for group in (everything, with_examples["group_id"]):
        assert invoke("batch", "group-collect", group).exit_code == 0
    examples = {f"{e['org']}/{e['repo']}#{e['number']}" for e in with_examples["examples"]}
    assert len(examples) == 3
    document = json.loads(invoke("eval", everything, with_examples["group_id"], "--json").stdout)
    assert document["examples_excluded"] == 3
    first = document["evaluations"][0]
    assert first["issues_scored"] == 24 - 3 and first["examples_excluded"] == 3
    shown = invoke("eval", everything, with_examples["group_id"])
    assert "3 issue(s) that served as prompt examples are left out" in shown.stdout
