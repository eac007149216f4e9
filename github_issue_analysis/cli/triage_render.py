"""What `gh-analysis triage` asks and prints: the questions before paying and writing (a terminal only), the
step's summary (Rich) or its JSON document."""

from __future__ import annotations

import sys

import typer

from github_issue_analysis.errors import UsageError
from github_issue_analysis.pipeline.triage_options import TriageConfirm
from github_issue_analysis.pipeline.triage_report import TriageReport

from . import context
from .safe_text import safe

NO_TERMINAL = "not at a terminal: pass --yes to let the step submit and apply without a question"


def confirmations(yes: bool, json_output: bool) -> TriageConfirm:
    """Without --yes: at a terminal, a question before submitting and before applying; otherwise (cron, or
    --json, which asks nothing) stop with exit code 2 before anything paid or written to GitHub."""
    if yes:
        return TriageConfirm()
    if json_output or not sys.stdin.isatty():
        raise UsageError(NO_TERMINAL if not json_output else "--json asks no questions: add --yes")

    def submit(issues: int, usd: float) -> bool:
        return typer.confirm(f"Submit {issues} issue(s) (estimated ${usd:.2f})?")

    def apply(labels: int) -> bool:
        return typer.confirm(f"Apply {labels} label(s) on GitHub?")

    return TriageConfirm(submit, apply, stops=(typer.Abort, typer.Exit))  # the edge reports them


def finished(report: TriageReport, json_output: bool) -> None:
    if json_output:
        context.print_json(report.as_json())
        return
    out = context.console()
    if report.held_by:
        out.print(f"Another triage step holds {safe(report.org)} ({safe(report.held_by)}); this one did nothing.")
        return
    prefix = "Dry run: " if report.dry_run else ""
    out.print(f"{prefix}collected {report.collected['issues']} issue(s) in {report.collected['requests']} request(s)")
    for group in report.refreshed:
        out.print(f"  group {safe(group['group_id'])}: {safe(group['status'])}")
    out.print(f"{report.results_collected} result(s) collected")
    if report.calibration:
        calibration = report.calibration
        out.print(f"calibration {safe(calibration['group_id'] or '(planned)')}: {safe(calibration['status'])}")
    for gate in report.gate:
        out.print(f"  {safe(gate['label'])}: {safe(gate['state'])} ({safe(gate['reason'])})")
    if report.applied:
        out.print(f"applied {report.applied['labels_added']} label(s) (run {safe(report.applied['run_id'])})")
    out.print(f"{report.suggested} suggestion(s) left for review")
    if report.submitted:
        sub = report.submitted
        sub_group = safe(sub["group_id"])
        out.print(f"submitted {sub['issues']} issue(s) as {sub_group} (estimated ${sub['estimated_usd']:.2f})")
    if report.deferred_by_cap:
        out.print(f"{report.deferred_by_cap} issue(s) deferred by the spend cap")
    for failure in report.failed:
        out.print(f"[red]{safe(failure['phase'])} failed: {safe(failure['error'])}[/red]")
