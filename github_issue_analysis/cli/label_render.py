"""What `gh-analysis label` shows: collection, the plan with its cost and a question, live progress, summary."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from . import context

if TYPE_CHECKING:
    from github_issue_analysis.ai.batch.planner import PlannedSubmission
    from github_issue_analysis.ai.batch.watcher import WatchProgress
    from github_issue_analysis.labels.apply import ApplyReport
    from github_issue_analysis.labels.plan import LabelPlan
    from github_issue_analysis.labels.session import EventHook
    from github_issue_analysis.pipeline.label_run import LabelRunResult, LabelRunSteps


def steps(yes: bool, json_output: bool) -> LabelRunSteps:
    from github_issue_analysis.pipeline.label_run import LabelRunSteps

    if json_output:
        return LabelRunSteps()
    from .batch_watch import show_progress
    from .progress import progress_reporter

    reporter = progress_reporter()
    watch_progress = show_progress(reporter)

    def progress(update: WatchProgress) -> None:
        watch_progress(update)
        if update.status.status.value not in ("pending", "processing"):
            reporter.close()

    return LabelRunSteps(
        collected=lambda report: reporter.note(
            f"Collected {report.issues} issue(s) from {report.org} ({len(report.repositories)} repositories)."
        ),
        confirm_submit=lambda planned: _confirm_submit(planned, yes),
        resuming=lambda group_id: reporter.note(
            f"Group {group_id} of this run is still in flight: continuing it (nothing new is submitted)."
        ),
        watching=lambda group_id: reporter.note(f"Watching {group_id} (Ctrl+C stops watching; nothing is cancelled)."),
        progress=progress,
    )


def _confirm_submit(planned: PlannedSubmission, yes: bool) -> None:
    from . import submit_render

    submit_render.plan(planned)
    if yes:
        return
    _ask(f"Submit {planned.plan.total_issues} issue(s) in {planned.plan.total_batches} batch(es)?")


def _ask(question: str) -> None:
    from github_issue_analysis.errors import UsageError

    if not sys.stdin.isatty():
        raise UsageError("not at a terminal: pass --yes to go ahead without a question")
    if not typer.confirm(question):
        raise typer.Abort()


def stopped(group_id: str | None) -> typer.Exit:
    return context.stopped(
        f"Stopped watching {group_id}; nothing was cancelled. Run the same `gh-analysis label` command again "
        "to continue it."
    )


def finished(result: LabelRunResult, json_output: bool) -> None:
    if json_output:
        return
    from .safe_text import safe

    out = context.console()
    if result.group_id is None:
        out.print("Nothing to label: every selected issue already has a result and no earlier run was found.")
        return
    state = result.status.status.value if result.status else "unknown"
    out.print(
        f"Group {result.group_id}: {state}. {result.submitted} submitted, {result.results} with results, "
        f"{result.failed} failed."
    )
    for problem in result.failures:
        out.print(f"[yellow]{safe(problem)}[/yellow]")
    if result.report:
        out.print(f"Report: {safe(result.report)}")
        out.print("Review in the browser: gh-analysis serve --open")


def confirm_apply(yes: bool, json_output: bool) -> Callable[[LabelPlan], None]:
    def confirm(plan: LabelPlan) -> None:
        if not json_output:
            from .labels_render import render_plan

            render_plan(context.console(), plan)
        if not yes and plan.changes:
            _ask(f"Apply {plan.label_changes} label change(s) to {len(plan.changes)} issue(s) on GitHub?")

    return confirm


def apply_events(json_output: bool) -> EventHook | None:
    from .labels_render import event_printer
    from .progress import progress_reporter

    return None if json_output else event_printer(progress_reporter())


def applied(report: ApplyReport, json_output: bool, result: LabelRunResult) -> None:
    if json_output:
        context.print_json({**result.as_json(), "apply": report.as_json()})
        return
    from .labels_render import render_apply

    render_apply(report, json_output)
