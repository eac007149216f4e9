"""`gh-analysis eval`: how good a group's labels are, against the labels people gave."""

from __future__ import annotations

import typer

from . import context


def evaluate(
    groups: list[str] = typer.Argument(..., metavar="GROUP", help="Batch group ids (a unique prefix is enough)."),
    min_confidence: float = typer.Option(
        0.0, "--min-confidence", min=0.0, max=1.0, help="Score only recommendations at or above this confidence."
    ),
    target_precision: float | None = typer.Option(
        None, "--target-precision", min=0.0, max=1.0, help="Find the lowest confidence threshold reaching this."
    ),
    allow_leak: bool = typer.Option(
        False, "--allow-leak", help="Also score a run that was not --blind (its figures overstate accuracy)."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON document and nothing else."),
) -> None:
    """Score blind runs against the taxonomy labels people gave: per-label and averaged precision, recall and
    F1, calibration, cost, 95% intervals; several groups are compared on the issues they share."""
    from github_issue_analysis.errors import UsageError
    from github_issue_analysis.evaluation.evaluation_errors import NotBlind
    from github_issue_analysis.evaluation.evaluation_service import EvalOptions
    from github_issue_analysis.evaluation.evaluation_service import evaluate as run

    from . import eval_render

    options = EvalOptions(min_confidence, target_precision, allow_leak)
    try:
        report = run(context.open_store(), groups, options)
    except NotBlind as error:
        raise UsageError(f"{error}; evaluate a `batch submit --blind` run, or pass --allow-leak") from None
    eval_render.report(report, json_output)
