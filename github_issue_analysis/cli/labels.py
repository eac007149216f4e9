"""`gh-analysis labels ...`: review decisions, the plan, apply on GitHub (audited), runs and revert."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from . import context

if TYPE_CHECKING:
    from github_issue_analysis.github_client import GitHubConnection
    from github_issue_analysis.labels.options import LabelSelection

app = typer.Typer(
    help="Review recommended labels and put them on GitHub (plan, apply, runs, revert).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

ORG = typer.Option(..., "--org", help="GitHub organization of the issues.")
REPO = typer.Option(None, "--repo", help="Only this repository.")
MIN_CONFIDENCE = typer.Option(
    None, "--min-confidence", help="Minimum confidence of a recommended label (0-1; default 0.8)."
)
MIN_PRECISION = typer.Option(
    None, "--min-precision", help="Instead of --min-confidence: the threshold reaching this precision in --eval."
)
EVAL_GROUP = typer.Option(None, "--eval", metavar="GROUP", help="Blind evaluated group giving --min-precision.")
ACCEPTED_ONLY = typer.Option(False, "--accepted-only", help="Only results accepted (or edited) in review.")
REMOVE_WRONG = typer.Option(
    False, "--remove-wrong", help="Also remove taxonomy labels the model judged wrong (overall confidence >= min)."
)
INCLUDE_CLOSED = typer.Option(False, "--include-closed", help="Also label closed issues.")
INCLUDE_LOCKED = typer.Option(False, "--include-locked", help="Also label locked issues.")
LABEL = typer.Option(None, "--label", help="Only this recommended label (repeat).")
TOKEN = typer.Option(None, "--token", help="GitHub token (default: GITHUB_TOKEN); writes need issues: write.")
JSON = typer.Option(False, "--json", help="Print one JSON document.")
YES = typer.Option(False, "--yes", "-y", help="Do it without asking.")


def selection(
    org: str,
    repo: str | None,
    min_confidence: float | None,
    accepted_only: bool = False,
    remove_wrong: bool = False,
    include_closed: bool = False,
    include_locked: bool = False,
    labels: list[str] | None = None,
    min_precision: float | None = None,
    eval_group: str | None = None,
) -> LabelSelection:
    """The one selection object every labels command builds (threshold sources plug in here)."""
    from github_issue_analysis.labels.options import LabelSelection

    return LabelSelection(
        org=org,
        repo=repo,
        min_confidence=_min_confidence(min_confidence, min_precision, eval_group),
        accepted_only=accepted_only,
        remove_wrong=remove_wrong,
        include_closed=include_closed,
        include_locked=include_locked,
        labels=tuple(labels or ()),
    )


def _min_confidence(min_confidence: float | None, min_precision: float | None, eval_group: str | None) -> float:
    """--min-confidence as given, or the threshold an evaluation found for --min-precision."""
    from github_issue_analysis.errors import UsageError
    from github_issue_analysis.labels.options import DEFAULT_MIN_CONFIDENCE

    if min_precision is None and eval_group is None:
        value = DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence
        if not 0 <= value <= 1:
            raise UsageError(f"--min-confidence must be between 0 and 1, not {value}")
        return value
    if min_precision is None or eval_group is None:
        raise UsageError("--min-precision and --eval GROUP go together (the precision measured on that group)")
    if min_confidence is not None:
        raise UsageError("give --min-confidence or --min-precision with --eval, not both")
    if not 0 <= min_precision <= 1:
        raise UsageError(f"--min-precision must be between 0 and 1, not {min_precision}")
    return _evaluated_threshold(eval_group, min_precision)


def _evaluated_threshold(eval_group: str, min_precision: float) -> float:
    from github_issue_analysis.errors import OperationFailed, UsageError
    from github_issue_analysis.evaluation.errors import NotBlind, ThresholdUnreachable
    from github_issue_analysis.evaluation.thresholds import threshold_for

    try:
        return threshold_for(context.open_store(), eval_group, min_precision)
    except NotBlind as error:
        raise UsageError(f"{error}; use a `batch submit --blind` run's group with --eval") from None
    except ThresholdUnreachable as error:
        raise OperationFailed(f"{error}; ask for a lower --min-precision, or give --min-confidence") from None


def connection(token: str | None) -> GitHubConnection:
    from github_issue_analysis.errors import UsageError
    from github_issue_analysis.github_client import GitHubConnection

    settings = context.settings()
    secret = settings.github_token
    value = token or (secret.get_secret_value() if secret else None)
    if not value:
        raise UsageError("no GitHub token: set GITHUB_TOKEN or pass --token (fine-grained: issues: write)")
    return GitHubConnection(api_url=settings.github_api_url, token=value)


@app.command()
def review(
    org: str = ORG,
    repo: str | None = REPO,
    min_confidence: float | None = MIN_CONFIDENCE,
    label: list[str] | None = LABEL,
    by: str | None = typer.Option(None, "--by", help="Reviewer name (default: your user name)."),
) -> None:
    """Review pending recommendations one issue at a time: [a]ccept, [r]eject, [e]dit, [s]kip, [q]uit.
    Decisions are kept; the next review starts with what is still pending."""
    from github_issue_analysis.labels.decisions import record, review_queue

    from .labels_render import review_card

    chosen = selection(org, repo, min_confidence, labels=label)
    store = context.open_store()
    queue = review_queue(store, chosen)
    out = context.console()
    if not queue:
        out.print("Nothing to review for this selection.")
        return
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
    note: str | None = typer.Option(None, "--note", help="A note kept with the decision."),
    by: str | None = typer.Option(None, "--by", help="Reviewer name (default: your user name)."),
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
    note: str | None = typer.Option(None, "--note", help="A note kept with the decision."),
    by: str | None = typer.Option(None, "--by", help="Reviewer name (default: your user name)."),
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
    note: str | None = typer.Option(None, "--note", help="A note kept with the decision."),
    by: str | None = typer.Option(None, "--by", help="Reviewer name (default: your user name)."),
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
def plan(
    org: str = ORG,
    repo: str | None = REPO,
    min_confidence: float | None = MIN_CONFIDENCE,
    min_precision: float | None = MIN_PRECISION,
    eval_group: str | None = EVAL_GROUP,
    accepted_only: bool = ACCEPTED_ONLY,
    remove_wrong: bool = REMOVE_WRONG,
    include_closed: bool = INCLUDE_CLOSED,
    include_locked: bool = INCLUDE_LOCKED,
    label: list[str] | None = LABEL,
    offline: bool = typer.Option(False, "--offline", help="From the store only (no GitHub read)."),
    token: str | None = TOKEN,
    json_output: bool = JSON,
) -> None:
    """Show the labels that apply would add (and remove) per issue, and every skipped issue with its reason.
    Reads GitHub's live labels (nothing is written) unless --offline."""
    import asyncio

    from github_issue_analysis.labels.apply import live_plan
    from github_issue_analysis.labels.plan import build_plan

    from .labels_actions import translated
    from .labels_render import render_plan

    chosen = selection(
        org,
        repo,
        min_confidence,
        accepted_only,
        remove_wrong,
        include_closed,
        include_locked,
        label,
        min_precision,
        eval_group,
    )
    store = context.open_store()
    try:
        result = build_plan(store, chosen) if offline else asyncio.run(live_plan(store, connection(token), chosen))
    except Exception as error:
        raise translated(error) from error
    if json_output:
        context.print_json(result.as_json())
    else:
        render_plan(context.console(), result)


@app.command()
def apply(
    org: str = ORG,
    repo: str | None = REPO,
    min_confidence: float | None = MIN_CONFIDENCE,
    min_precision: float | None = MIN_PRECISION,
    eval_group: str | None = EVAL_GROUP,
    accepted_only: bool = ACCEPTED_ONLY,
    remove_wrong: bool = REMOVE_WRONG,
    include_closed: bool = INCLUDE_CLOSED,
    include_locked: bool = INCLUDE_LOCKED,
    label: list[str] | None = LABEL,
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

    chosen = selection(
        org,
        repo,
        min_confidence,
        accepted_only,
        remove_wrong,
        include_closed,
        include_locked,
        label,
        min_precision,
        eval_group,
    )
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
