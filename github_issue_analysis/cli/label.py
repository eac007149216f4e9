"""`gh-analysis label`: from an organization to labelled issues and a report, in one command."""

from __future__ import annotations

from pathlib import Path

import typer

from github_issue_analysis import defaults

from . import context
from .issue_options import EXAMPLES

LABEL_PROCESSOR = "product-labeling"


def label(
    org: str = typer.Option(..., "--org", help="GitHub organization to collect and label."),
    repo: str | None = typer.Option(None, "--repo", help="Only this repository."),
    model: str | None = typer.Option(
        None, "--model", help=f"PROVIDER:NAME, e.g. openai:gpt-4o-mini (default GH_ANALYSIS_MODEL or {defaults.MODEL})."
    ),
    processor: str = typer.Option(LABEL_PROCESSOR, "--processor", help="Processor name (see `gh-analysis models`)."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Label at most this many issues."),
    blind: bool = typer.Option(False, "--blind", help="Leave the issues' own taxonomy labels out of the prompt."),
    examples: int | None = EXAMPLES,
    min_confidence: float = typer.Option(
        0.8, "--min-confidence", min=0.0, max=1.0, help="Threshold for the label plan (with --apply)."
    ),
    apply: bool = typer.Option(False, "--apply", help="Then put the labels on GitHub (plan shown first)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before submitting or applying."),
    report: Path | None = typer.Option(None, "--report", help="Report file (default: DATA_DIR/reports/GROUP.html)."),
    poll_seconds: float = typer.Option(5.0, "--poll-seconds", min=0.05, help="First polling interval."),
    open_report: bool = typer.Option(False, "--open", help="Open the report in the browser when it is written."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON document and nothing else."),
) -> None:
    """Collect, plan (with cost), submit, watch, collect and report; --apply also labels the issues on GitHub.

    Run it again while its batches run and it continues the same group instead of submitting again.
    Ctrl+C stops watching and cancels nothing."""
    from github_issue_analysis.ai.batch.submit_request import SubmitRequest
    from github_issue_analysis.errors import UsageError
    from github_issue_analysis.pipeline.label_run import LabelRun, LabelRunOptions
    from github_issue_analysis.storage.issue_store import IssueSelection

    from . import label_render as render

    if json_output and not yes:
        raise UsageError("--json asks no questions: add --yes to submit (and apply) without asking")
    selection = IssueSelection(org, repo, None, limit)
    request = SubmitRequest(processor, selection, model=model, blind=blind, examples=examples)
    options = LabelRunOptions(request, min_confidence, apply, report_path=report, poll_seconds=poll_seconds)
    run = LabelRun(context.open_store(), context.settings(), options, render.steps(yes, json_output))
    result = run.collect_and_submit()
    context.remember_ids(groups=[result.group_id] if result.group_id else [])
    try:
        result = run.watch(result)
    except KeyboardInterrupt:
        raise render.stopped(result.group_id) from None
    result = run.finish(result)
    render.finished(result, json_output)
    if open_report and result.report:
        context.open_in_browser(Path(result.report))
    if apply:
        outcome = run.apply(render.confirm_apply(yes, json_output), render.apply_events(json_output))
        render.applied(outcome, json_output, result)
        if outcome.failed:
            raise typer.Exit(1)
    elif json_output:
        context.print_json(result.as_json())
