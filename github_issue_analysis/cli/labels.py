"""`gh-analysis labels ...`: review decisions, the plan, apply on GitHub (audited), runs and revert."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from . import context
from .labels_doctor import doctor
from .labels_selection import (
    EVAL_GROUP,
    LABEL,
    MIN_CONFIDENCE,
    MIN_PRECISION,
    ORG,
    REPO,
    selection,
    selection_options,
)

if TYPE_CHECKING:
    from rich.console import Console

    from github_issue_analysis.github_client import GitHubConnection
    from github_issue_analysis.labels.options import LabelSelection
    from github_issue_analysis.storage.decision_store import ReviewRow
    from github_issue_analysis.storage.store import Store

app = typer.Typer(
    help="Review recommended labels and put them on GitHub (plan, apply, runs, revert).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

TOKEN = typer.Option(
    None,
    "--token",
    help="GitHub token (default: GH_TOKEN, GITHUB_TOKEN, then `gh auth token`); writes need issues: write.",
)
JSON = typer.Option(False, "--json", help="Print one JSON document.")
YES = typer.Option(False, "--yes", "-y", help="Do it without asking.")
NOTE = typer.Option(None, "--note", help="A note kept with the decision.")
BY = typer.Option(None, "--by", help="Reviewer name (default: your user name).")


def connection(token: str | None) -> GitHubConnection:
    """The one GitHub connection (github_client.connect) for the `labels` commands."""
    from github_issue_analysis.github_client import connect

    return connect(context.settings(), token)


@app.command()
def review(
    org: str = ORG,
    repo: str | None = REPO,
    min_confidence: float | None = MIN_CONFIDENCE,
    label: list[str] | None = LABEL,
    by: str | None = BY,
) -> None:
    """Review pending recommendations one issue at a time: [a]ccept, [r]eject, [e]dit, [s]kip, [q]uit.
    Decisions are kept; the next review starts with what is still pending."""
    from github_issue_analysis.errors import UsageError
    from github_issue_analysis.labels.decisions import review_queue

    chosen = selection(org, repo, min_confidence, labels=label)
    store = context.open_store()
    queue = review_queue(store, chosen)
    out = context.console()
    if not queue:
        out.print("Nothing to review for this selection.")
        return
    try:
        _review_each(out, store, queue, by)
    except typer.Abort:
        if sys.stdin.isatty():
            raise
        raise UsageError(  # `labels review </dev/null`, or a script's input ran out
            "labels review asks about each issue and needs a terminal; without one use `gh-analysis labels accept "
            "--org ORG --min-confidence X` (or accept REF...), or review in the browser with `gh-analysis serve`"
        ) from None


def _review_each(out: Console, store: Store, queue: list[ReviewRow], by: str | None) -> None:
    from github_issue_analysis.labels.decisions import record

    from .labels_render import review_card

    for index, row in enumerate(queue, 1):
        review_card(out, row, index, len(queue))
        key = typer.prompt("[a]ccept [r]eject [e]dit [s]kip [q]uit", default="s").strip().lower()[:1]
        if key == "q":
            break
        if key in ("a", "r"):
            record(store, [row], "accepted" if key == "a" else "rejected", by=by)
        elif key == "e":
            answer = typer.prompt("Final labels (comma-separated)", default="")
            record(store, [row], "edited", by=by, labels=[x.strip() for x in answer.split(",") if x.strip()])


@app.command()
def accept(
    refs: list[str] | None = typer.Argument(None, help="org/repo#N, or repo#N with --org."),
    org: str | None = typer.Option(None, "--org", help="Organization (for repo#N, or bulk accept)."),
    repo: str | None = REPO,
    min_confidence: float | None = typer.Option(
        None, "--min-confidence", help="Bulk: accept every pending result with a label at or above this."
    ),
    min_precision: float | None = MIN_PRECISION,
    eval_group: str | None = EVAL_GROUP,
    note: str | None = NOTE,
    by: str | None = BY,
    json_output: bool = JSON,
) -> None:
    """Accept the recommendations of the given issues, or in bulk with --org and --min-confidence."""
    from github_issue_analysis.errors import UsageError
    from github_issue_analysis.labels.decisions import accept_above, decide

    store = context.open_store()
    if refs:
        count = len(decide(store, refs, "accepted", org=org, by=by, note=note))
    elif org is not None and (min_confidence is not None or min_precision is not None or eval_group is not None):
        chosen = selection(org, repo, min_confidence, min_precision=min_precision, eval_group=eval_group)
        count = accept_above(store, chosen, by=by, note=note)
    else:
        raise UsageError(
            "give issue references, or --org with --min-confidence (or --min-precision --eval GROUP) for a bulk accept"
        )
    _decided("accepted", count, json_output)


@app.command()
def reject(
    refs: list[str] = typer.Argument(..., help="org/repo#N, or repo#N with --org."),
    org: str | None = typer.Option(None, "--org", help="Organization for repo#N references."),
    note: str | None = NOTE,
    by: str | None = BY,
    json_output: bool = JSON,
) -> None:
    """Reject the recommendations of the given issues (they are never applied)."""
    from github_issue_analysis.labels.decisions import decide

    count = len(decide(context.open_store(), refs, "rejected", org=org, by=by, note=note))
    _decided("rejected", count, json_output)


@app.command()
def edit(
    ref: str = typer.Argument(..., help="org/repo#N, or repo#N with --org."),
    label: list[str] = typer.Option(..., "--label", help="A label of the final set (repeat)."),
    org: str | None = typer.Option(None, "--org", help="Organization for a repo#N reference."),
    note: str | None = NOTE,
    by: str | None = BY,
    json_output: bool = JSON,
) -> None:
    """Set the final taxonomy labels of one issue (applied instead of the recommendation)."""
    from github_issue_analysis.labels.decisions import decide

    count = len(decide(context.open_store(), [ref], "edited", org=org, by=by, note=note, labels=label))
    _decided("edited", count, json_output)


def _decided(decision: str, count: int, json_output: bool) -> None:
    if json_output:
        context.print_json({"decision": decision, "count": count})
    else:
        context.console().print(f"{decision.capitalize()}: {count} result(s).")


@app.command()
@selection_options
def plan(
    chosen: LabelSelection,
    offline: bool = typer.Option(False, "--offline", help="From the store only (no GitHub read)."),
    token: str | None = TOKEN,
    json_output: bool = JSON,
) -> None:
    """Show the labels that apply would add (and remove) per issue, and every skipped issue with its reason.
    Reads GitHub's live labels (nothing is written) unless --offline."""
    from github_issue_analysis.labels.label_service import LabelService
    from github_issue_analysis.labels.plan import build_plan

    from .labels_render import render_plan

    store = context.open_store()
    result = build_plan(store, chosen) if offline else LabelService(store, connection(token)).live_plan(chosen)
    if json_output:
        context.print_json(result.as_json())
    else:
        render_plan(context.console(), result)


@app.command()
@selection_options
def apply(
    chosen: LabelSelection,
    comment: bool = typer.Option(False, "--comment", help="Post one comment per changed issue explaining it."),
    comment_template: Path | None = typer.Option(
        None, "--comment-template", help="str.format template file for the comment (fields: see README)."
    ),
    writes_per_minute: int = typer.Option(80, "--writes-per-minute", help="Pace writes below this (GitHub: 80)."),
    token: str | None = TOKEN,
    yes: bool = YES,
    json_output: bool = JSON,
) -> None:
    """Apply the plan on GitHub: re-read live labels, record every change, send it, mark it confirmed.
    A killed run is finished by the next apply; nothing is sent twice. Exit 1 if any change failed."""
    from github_issue_analysis.github_client.pacing import WriteLimits
    from github_issue_analysis.labels.apply import ApplyOptions

    from .labels_actions import confirm_plan, run_apply

    limits = WriteLimits(per_minute=max(1, writes_per_minute), per_hour=max(writes_per_minute, 500))
    options = ApplyOptions(chosen, comment, comment_template, limits)
    github = connection(token)
    if not yes:
        confirm_plan(chosen, github, json_output)
    report = run_apply(options, github, json_output)
    if report.failed:
        raise typer.Exit(1)


@app.command()
def runs(json_output: bool = JSON) -> None:
    """List apply and revert runs with their counts."""
    from .labels_render import render_runs

    render_runs(context.open_store().label_audit.runs(), json_output)


@app.command()
def revert(
    run_id: str = typer.Argument(..., help="The apply run to undo (a unique prefix is enough)."),
    token: str | None = TOKEN,
    yes: bool = YES,
    json_output: bool = JSON,
) -> None:
    """Remove exactly the labels a run added and restore those it removed, skipping (and reporting) labels
    a person changed since."""
    from .labels_actions import run_revert

    failed = run_revert(run_id, connection(token), yes, json_output)
    if failed:
        raise typer.Exit(1)


app.command("doctor")(doctor)
