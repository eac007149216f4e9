"""Issue text reaches a terminal harmless: control characters shown as escapes, Rich markup shown literally;
`--json` keeps the text as it is."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from github_issue_analysis.cli.safe_text import safe, visible
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.records import LabelRecord
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import issue

CLEAR = "\x1b[2J"
LINK = "\x1b]8;;http://x\x1b\\"
ALT_SCREEN = "\x1b[?1049h"
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"
MARKUP = "[link=https://x]click[/link]"
BAD_LABEL = "product::kurl[/]"
EVIL_LABEL = f"product::evil{CLEAR}"
RAW_CONTROLS = ("\x1b", "\x07", "\x9b")


def seed_evil(store: Store) -> None:
    labels = [LabelRecord(name=BAD_LABEL), LabelRecord(name=EVIL_LABEL)]
    body = f"Body {LINK}here{ALT_SCREEN} {CLIPBOARD} \x9b2J {MARKUP}"
    hostile = issue(1, comments=0).model_copy(update={"title": f"Title {CLEAR}{MARKUP}", "body": body})
    store.issues.upsert_issues([hostile])
    store.issues.replace_repo_labels("acme", "app", labels)
    [issue_id] = store.issues.select_issue_ids(IssueSelection("acme", "app", 1))
    analysis = {
        "recommended_labels": [
            {"label": BAD_LABEL, "confidence": 0.95, "reasoning": f"because {CLEAR}{MARKUP}"},
            {"label": EVIL_LABEL, "confidence": 0.9, "reasoning": f"also {CLIPBOARD}"},
        ],
        "current_labels_assessment": [],
        "confidence": 0.95,
        "summary": f"Summary {ALT_SCREEN}{MARKUP}",
        "reasoning": "r",
    }
    store.results.record_live(issue_id, "product-labeling", "gpt-4o-mini", analysis, 0.95, None, json.dumps(analysis))


def assert_harmless(text: str) -> None:
    for raw in RAW_CONTROLS:
        assert raw not in text
    assert "\\x1b" in text


def test_visible_writes_every_control_character_as_an_escape() -> None:
    assert visible(f"a{CLEAR}b\x07\x00\x7f\x9b\tc\r\nd") == "a\\x1b[2Jb\\x07\\x00\\x7f\\x9b\\tc\\r\\nd"
    assert visible("line one\nline two\ttab", multiline=True) == "line one\nline two\\ttab"
    assert visible("plain text, ünïcode ✓") == "plain text, ünïcode ✓"
    assert safe(f"{BAD_LABEL} {CLEAR}") == "product::kurl\\[/] \\x1b[2J"


def test_results_show_prints_escapes_and_markup_literally(store: Store) -> None:
    seed_evil(store)
    shown = invoke("results", "show", "acme/app#1")
    assert shown.exit_code == 0, shown.stderr
    assert_harmless(shown.stdout)
    assert "\\x1b[2J" in shown.stdout and "\\x1b]8;;http://x\\x1b\\" in shown.stdout
    assert "\\x1b[?1049h" in shown.stdout and "\\x1b]52;c;cm0gLXJmIH4=\\x07" in shown.stdout
    assert "\\x9b2J" in shown.stdout
    assert MARKUP in shown.stdout and BAD_LABEL in shown.stdout
    document = json.loads(invoke("results", "show", "acme/app#1", "--json").stdout)
    assert CLEAR in document["prompt"]["issue"] and CLIPBOARD in document["prompt"]["issue"]
    assert document["labels"][0]["label"] == BAD_LABEL


def test_labels_doctor_shows_a_markup_like_label_name(store: Store) -> None:
    seed_evil(store)
    result = invoke("labels", "doctor", "--org", "acme")
    assert result.exit_code == 0, result.stderr
    assert BAD_LABEL in result.stdout and "product::evil\\x1b[2J" in result.stdout
    assert_harmless(result.stdout)
    document = json.loads(invoke("labels", "doctor", "--org", "acme", "--json").stdout)
    assert {BAD_LABEL, EVIL_LABEL} <= {row["label"] for row in document["labels"]}


def test_labels_plan_shows_labels_literally(store: Store) -> None:
    seed_evil(store)
    result = invoke("labels", "plan", "--org", "acme", "--offline", "--min-confidence", "0.5")
    assert result.exit_code == 0, result.stderr
    assert_harmless(result.stdout)
    assert BAD_LABEL in result.stdout and "product::evil\\x1b[2J" in result.stdout
    planned = invoke("labels", "plan", "--org", "acme", "--offline", "--min-confidence", "0.5", "--json")
    assert set(json.loads(planned.stdout)["changes"][0]["add"]) == {BAD_LABEL, EVIL_LABEL}


def test_labels_review_card_shows_title_labels_and_summary_literally(store: Store) -> None:
    seed_evil(store)
    result = invoke("labels", "review", "--org", "acme", input="s\n")
    assert result.exit_code == 0, result.stderr
    assert_harmless(result.stdout)
    assert f"Title \\x1b[2J{MARKUP}" in result.stdout
    assert BAD_LABEL in result.stdout and f"because \\x1b[2J{MARKUP}" in result.stdout
    assert f"Summary \\x1b[?1049h{MARKUP}" in result.stdout


def test_eval_and_triage_views_show_data_literally(capsys: pytest.CaptureFixture[str]) -> None:
    from github_issue_analysis.cli import eval_render, triage_render
    from github_issue_analysis.pipeline.triage_report import TriageReport

    figures = {"label": BAD_LABEL, "support": 1, "predicted": 1, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    buffer = io.StringIO()
    Console(file=buffer, width=200).print(
        eval_render._per_label({"per_label": [figures, {**figures, "label": EVIL_LABEL}]})
    )
    shown = buffer.getvalue()
    assert_harmless(shown)
    assert BAD_LABEL in shown and "product::evil\\x1b[2J" in shown
    report = TriageReport(org="acme", dry_run=False)
    report.gate.append({"label": BAD_LABEL, "state": "held", "reason": f"{MARKUP}{CLEAR}"})
    report.failed.append({"phase": "apply", "error": f"GitHub said {CLIPBOARD}[/red]"})
    triage_render.finished(report, json_output=False)
    printed = capsys.readouterr().out
    assert_harmless(printed)
    assert f"{BAD_LABEL}: held ({MARKUP}\\x1b[2J)" in printed and "\\x07[/red]" in printed


def test_batch_job_view_shows_provider_text_literally(capsys: pytest.CaptureFixture[str]) -> None:
    from github_issue_analysis.cli import batch_render
    from github_issue_analysis.domain.jobs import JobStatus
    from tests.factories import batch_job

    job = batch_job(status=JobStatus.FAILED, raw_status=f"failed{CLEAR}", error=f"provider said {MARKUP}{CLIPBOARD}")
    batch_render.job_status(job, json_output=False)
    batch_render.cancelled([job], json_output=False)
    printed = capsys.readouterr().out
    assert_harmless(printed)
    assert f"provider said {MARKUP}\\x1b]52;c;" in printed and "failed\\x1b[2J" in printed


def test_the_error_line_shows_escapes() -> None:
    result = invoke("results", "show", f"acme/app#1{CLEAR}")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\\x1b[2J" in result.stderr
