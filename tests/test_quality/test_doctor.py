"""`labels doctor`: its figures match an independent computation over a fixture scored by the emulator."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from scipy.stats import binomtest

from github_issue_analysis.storage.records import LabelRecord
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox, submit

from .test_examples import LABELS, seed_labelled

DESCRIPTIONS = {
    "product::kots": "Admin console and installer for KOTS applications",
    "product::vendor": "",
    "product::troubleshoot": "Support bundles",
    "product::unused": "A label nobody uses on any issue so far",
}


def evaluated_group(seeded: Store, sandbox: Sandbox) -> str:
    seed_labelled(seeded)
    labels = [LabelRecord(name=name, description=text or None) for name, text in DESCRIPTIONS.items()]
    seeded.issues.replace_repo_labels("acme", "app", labels)
    group = submit("--sample", "12", "--blind")["group_id"]
    sandbox.finish_all()
    assert invoke("batch", "group-collect", group).exit_code == 0
    evaluated = invoke("eval", group, "--json")
    assert evaluated.exit_code == 0, evaluated.stderr
    return str(group)


def independent_counts(seeded: Store, group: str) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """(true, predicted, correct) per label, read straight from the stored results and issues."""
    truth, predicted, correct = Counter[str](), Counter[str](), Counter[str]()
    with seeded.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT i.labels, r.analysis FROM results r JOIN issues i ON i.id = r.issue_id WHERE r.group_id = ?",
            (group,),
        ).all()
    for labels, analysis in rows:
        people = {label["name"] for label in json.loads(labels)} & set(DESCRIPTIONS)
        said = {r["label"] for r in json.loads(analysis)["recommended_labels"]}
        truth.update(people)
        predicted.update(said)
        correct.update(people & said)
    return truth, predicted, correct


def test_doctor_matches_an_independent_computation(sandbox: Sandbox, seeded: Store) -> None:
    group = evaluated_group(seeded, sandbox)
    result = invoke("labels", "doctor", "--org", "acme", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["eval_group"] == group
    rows = {row["label"]: row for row in document["labels"]}
    assert set(rows) >= set(DESCRIPTIONS)
    truth, predicted, correct = independent_counts(seeded, group)
    for label in LABELS:
        row = rows[label]
        assert row["support"] == 6  # people gave it to 6 issues of the organization
        assert row["description_chars"] == len(DESCRIPTIONS[label])
        assert row["has_description"] is bool(DESCRIPTIONS[label])
        if truth[label]:
            assert row["recall"] == pytest.approx(correct[label] / truth[label])
            low, high = binomtest(correct[label], truth[label]).proportion_ci(method="wilson")
            assert row["intervals"]["recall"] == {"low": pytest.approx(low), "high": pytest.approx(high)}
        if predicted[label]:
            assert row["precision"] == pytest.approx(correct[label] / predicted[label])
            low, high = binomtest(correct[label], predicted[label]).proportion_ci(method="wilson")
            assert row["intervals"]["precision"] == {"low": pytest.approx(low), "high": pytest.approx(high)}
        assert row["never_predicted"] is (predicted[label] == 0)
    assert "add a description" in rows["product::vendor"]["recommendation"]
    assert "write a longer description" in rows["product::troubleshoot"]["recommendation"]
    assert rows["product::unused"]["support"] == 0
    assert "too few examples" in rows["product::unused"]["recommendation"]
    shown = invoke("labels", "doctor", "--eval", group)
    assert shown.exit_code == 0 and "product::vendor" in shown.stdout and "add a description" in shown.stdout


def test_the_html_report_shows_the_doctors_table(sandbox: Sandbox, seeded: Store, tmp_path: Path) -> None:
    group = evaluated_group(seeded, sandbox)
    page = tmp_path / "report.html"
    assert invoke("report", "--org", "acme", "--output", str(page)).exit_code == 0
    html = page.read_text()
    assert 'id="label-doctor"' in html and f"blind group {group}" in html
    table = html.split('id="label-doctor"')[1].split("</section>")[0]
    assert "product::unused" in table and "add a description" in table


def test_doctor_without_an_evaluation_still_reports_support(sandbox: Sandbox, seeded: Store) -> None:
    seed_labelled(seeded, per_label=2)
    document = json.loads(invoke("labels", "doctor", "--org", "acme", "--json").stdout)
    assert document["eval_group"] is None
    assert {row["label"]: row["support"] for row in document["labels"]} == dict.fromkeys(LABELS, 2)
    assert all(row["precision"] is None and row["never_predicted"] is None for row in document["labels"])
    refused = invoke("labels", "doctor", "--json")
    assert refused.exit_code == 2 and "--org" in refused.stderr
