"""`gh-analysis report`: one self-contained file, every row in its compact JSON, escaping, evaluation figures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from github_issue_analysis.report.builder import ReportScope, build_report
from github_issue_analysis.report.render import render_report
from github_issue_analysis.storage.evaluation_store import NewEvaluation
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.records import IssueRecord
from github_issue_analysis.storage.timeutil import utcnow
from tests.conftest import invoke

from .conftest import ORG, Labelled


def rows_of(html: str) -> list[list]:
    found = re.search(r'<script type="application/json" id="report-rows">(.*?)</script>', html, re.S)
    assert found is not None
    return list(json.loads(found.group(1))["rows"])


def test_report_command_writes_one_offline_file_with_every_issue(labelled: Labelled, tmp_path: Path) -> None:
    output = tmp_path / "out" / "report.html"
    result = invoke("report", labelled.run["group_id"][:10], "--output", str(output))
    assert result.exit_code == 0, result.stderr
    html = output.read_text()
    assert len(rows_of(html)) == 95
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html)  # nothing loaded from elsewhere
    assert "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html


def test_org_report_and_group_report_agree(labelled: Labelled, tmp_path: Path) -> None:
    by_org = build_report(labelled.store, ReportScope(org=ORG))
    by_group = build_report(labelled.store, ReportScope(group=labelled.run["group_id"]))
    assert by_org.summary.issues == by_group.summary.issues == 95
    assert by_org.summary.batches == 4 and by_org.summary.failures == []
    assert by_org.summary.actual_cost is not None and by_org.summary.actual_cost > 0
    assert sum(bar.value for bar in by_org.label_chart.bars) >= 95
    assert sum(column.value for column in by_org.confidence_chart.columns) == 95


@pytest.mark.slow
def test_issue_text_is_escaped(labelled: Labelled) -> None:
    issue = labelled.store.issues.select_issues(IssueSelection(ORG))[0]
    hostile = "</script><script>alert(1)</script> & <b>bold</b>"
    record = IssueRecord(
        org=issue.org,
        repo=issue.repo,
        number=issue.number,
        title=hostile,
        state=issue.state,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    labelled.store.issues.upsert_issues([record])
    html = render_report(build_report(labelled.store, ReportScope(org=ORG)))
    assert "<script>alert(1)" not in html and "<b>bold" not in html
    assert hostile in [row[2] for row in rows_of(html)]  # intact in the data the page renders as text


def test_evaluation_figures_appear_when_the_group_was_evaluated(labelled: Labelled) -> None:
    group_id = labelled.run["group_id"]
    before = render_report(build_report(labelled.store, ReportScope(group=group_id)))
    assert "No evaluation yet" in before
    figures = {
        "group_id": group_id,
        "model": "gpt-4o-mini",
        "blind": True,
        "issues_scored": 40,
        "micro": {"precision": 0.8125, "recall": 0.75, "f1": 0.78},
        "macro": {"precision": 0.7, "recall": 0.6, "f1": 0.65},
        "per_label": [{"label": "product::kots", "support": 9, "precision": 0.9, "recall": 0.8, "f1": 0.847}],
        "calibration": [{"low": 0.7, "high": 0.8, "count": 10, "precision": 0.6}],
        "ece": 0.042,
        "cost_usd": 0.01,
        "threshold": 0.85,
    }
    labelled.store.evaluations.save(_evaluation(group_id, figures))
    after = render_report(build_report(labelled.store, ReportScope(group=group_id)))
    assert "81.2%" in after and "0.042" in after and "product::kots" in after and "60%" in after


def _evaluation(group_id: str, figures: dict) -> NewEvaluation:
    return NewEvaluation(
        group_id=group_id,
        model="gpt-4o-mini",
        blind=True,
        min_confidence=0.5,
        target_precision=None,
        threshold=0.85,
        issues_scored=40,
        micro_f1=0.78,
        figures=figures,
    )


def test_bad_input_is_one_line(labelled: Labelled, tmp_path: Path) -> None:
    missing = invoke("report", "group_nope", "--output", str(tmp_path / "x.html"))
    both = invoke("report", labelled.run["group_id"], "--org", ORG, "--output", str(tmp_path / "y.html"))
    neither = invoke("report", "--output", str(tmp_path / "z.html"))
    for result in (missing, both, neither):
        assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert not list(tmp_path.glob("*.html"))
