"""The options that choose which results become label changes (`labels plan`, `apply`, `review`, `accept`),
and `selection_options`, which gives a command all of them and hands it the `LabelSelection` they make."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typer

from . import context

if TYPE_CHECKING:
    from github_issue_analysis.labels.options import LabelSelection

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
    from github_issue_analysis.evaluation.evaluation_errors import NotBlind, ThresholdUnreachable
    from github_issue_analysis.evaluation.thresholds import threshold_for

    try:
        return threshold_for(context.open_store(), eval_group, min_precision)
    except NotBlind as error:
        raise UsageError(f"{error}; use a `batch submit --blind` run's group with --eval") from None
    except ThresholdUnreachable as error:
        raise OperationFailed(f"{error}; ask for a lower --min-precision, or give --min-confidence") from None


_SELECTION_PARAMETERS = [
    inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation)
    for name, annotation, default in (
        ("org", str, ORG),
        ("repo", str | None, REPO),
        ("min_confidence", float | None, MIN_CONFIDENCE),
        ("min_precision", float | None, MIN_PRECISION),
        ("eval_group", str | None, EVAL_GROUP),
        ("accepted_only", bool, ACCEPTED_ONLY),
        ("remove_wrong", bool, REMOVE_WRONG),
        ("include_closed", bool, INCLUDE_CLOSED),
        ("include_locked", bool, INCLUDE_LOCKED),
        ("label", list[str] | None, LABEL),
    )
]


def selection_options(command: Callable[..., None]) -> Callable[..., None]:
    """`command(chosen, ...)` as a Typer command taking every selection option (before its own options)
    and called with `chosen`, the `LabelSelection` they make."""
    own = [param for param in inspect.signature(command).parameters.values() if param.name != "chosen"]

    @functools.wraps(command)
    def with_selection(**options: Any) -> None:
        picked = {param.name: options.pop(param.name) for param in _SELECTION_PARAMETERS}
        label = picked.pop("label")
        command(chosen=selection(**picked, labels=label), **options)

    signature = inspect.Signature([*_SELECTION_PARAMETERS, *own])
    setattr(with_selection, "__signature__", signature)  # noqa: B010 - what Typer reads the options from
    with_selection.__annotations__ = {param.name: param.annotation for param in signature.parameters.values()}
    return with_selection
