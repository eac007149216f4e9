"""The GitHub-facing steps of `labels apply` and `labels revert`: confirmation and running (GitHub failures
are domain errors; cli/messages.py words them)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from . import context

if TYPE_CHECKING:
    from github_issue_analysis.github_client import GitHubConnection
    from github_issue_analysis.labels.apply import ApplyOptions, ApplyReport
    from github_issue_analysis.labels.options import LabelSelection


def _ask(question: str, json_output: bool) -> None:
    from github_issue_analysis.errors import UsageError

    if json_output or not sys.stdin.isatty():
        raise UsageError("add --yes to write to GitHub without a prompt")
    if not typer.confirm(question, default=False):
        raise typer.Abort()


def confirm_plan(selection: LabelSelection, github: GitHubConnection, json_output: bool) -> None:
    from github_issue_analysis.labels.label_service import LabelService

    from .labels_render import render_plan

    if json_output or not sys.stdin.isatty():
        _ask("", json_output)
    plan = LabelService(context.open_store(), github).live_plan(selection)
    render_plan(context.console(), plan)
    if not plan.changes:
        return
    _ask(f"Apply {plan.label_changes} label change(s) to {len(plan.changes)} issue(s) on GitHub?", json_output)


def run_apply(options: ApplyOptions, github: GitHubConnection, json_output: bool) -> ApplyReport:
    from github_issue_analysis.labels.label_service import LabelService

    from .labels_render import event_printer, render_apply
    from .progress import progress_reporter

    store = context.open_store()
    try:
        with progress_reporter() as reporter:
            report = LabelService(store, github).apply(options, event_printer(reporter))
    finally:
        store.close()
    context.remember_ids(runs=[report.run_id] if report.run_id else [])
    render_apply(report, json_output)
    return report


def run_revert(run_id: str, github: GitHubConnection, yes: bool, json_output: bool) -> bool:
    """True when any change failed."""
    from github_issue_analysis.labels.label_service import LabelService

    from .labels_render import event_printer, render_revert
    from .progress import ProgressReporter

    store = context.open_store()
    labels = LabelService(store, github)
    hook = event_printer(ProgressReporter())  # a revert is short: plain lines, and its question needs no pause
    try:
        if not yes:
            preview, _ = labels.revert(run_id, hook, dry_run=True)
            render_revert(preview, None, False)
            if not preview.changes:
                return False
            _ask(f"Revert {len(preview.changes)} label change(s) of {preview.run.id}?", json_output)
        plan, report = labels.revert(run_id, hook)
    finally:
        store.close()
    render_revert(plan, report, json_output)
    return bool(report.failed)
