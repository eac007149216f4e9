"""`eval`: score one or more groups' answers against the taxonomy labels people gave, store the figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from github_issue_analysis.errors import UnknownId

from . import bootstrap
from .calibration import calibrate
from .comparison import Contender, compare
from .cost import group_cost
from .evaluation_errors import NoLabelsToScore, NotBlind, NothingToScore
from .kept import kept_figures
from .label_thresholds import DEFAULT_TARGET_PRECISION, LabelThreshold, label_thresholds
from .metrics import Scores, issue_counts, score
from .outcomes import IssueOutcome, Taxonomy, outcome, scorable
from .threshold_search import ThresholdSearch, search

if TYPE_CHECKING:
    from github_issue_analysis.domain.groups import BatchGroup
    from github_issue_analysis.storage.store import Store

LEAK_WARNING = "not a blind run: the model saw the issues' current labels, so these figures overstate its accuracy"


@dataclass(frozen=True)
class EvalOptions:
    min_confidence: float = 0.0
    target_precision: float | None = None
    allow_leak: bool = False
    save: bool = True


def evaluate(store: Store, group_refs: Sequence[str], options: EvalOptions) -> dict[str, Any]:
    """`{evaluations: [...], comparison}` as `eval --json` prints it; each evaluation is stored."""
    _check_options(options)
    groups = [resolve_group(store, ref) for ref in dict.fromkeys(group_refs)]
    groups = list({g.group_id: g for g in groups}.values())
    for group in groups:
        _check(group, options)
    examples = example_keys(groups)
    scored = [(group, *_outcomes(store, group, examples)) for group in groups]
    evaluations = [
        _evaluate(store, g, outcomes, answered, seen, options, len(examples)) for g, outcomes, answered, seen in scored
    ]
    comparison = None
    if len(scored) > 1:
        comparison = compare(
            [
                Contender(g.group_id, g.model, outcomes, options.min_confidence, figures["cost_usd"])
                for (g, outcomes, *_), figures in zip(scored, evaluations, strict=True)
            ]
        )
    return {"evaluations": evaluations, "comparison": comparison, "examples_excluded": len(examples)}


def example_keys(groups: Sequence[BatchGroup]) -> frozenset[str]:
    """org/repo#number of every issue that served as a prompt example in any of the groups: left out of every
    figure, since a model that saw an issue's labels in its prompt is not measured on it."""
    return frozenset(
        f"{ref['org']}/{ref['repo']}#{ref['number']}"
        for group in groups
        for ref in group.options.get("example_issues") or ()
    )


def _check_options(options: EvalOptions) -> None:
    from github_issue_analysis.errors import InvalidOption

    if not 0 <= options.min_confidence <= 1:
        raise InvalidOption("min_confidence", options.min_confidence, "must be between 0 and 1")
    if options.target_precision is not None and not 0 <= options.target_precision <= 1:
        raise InvalidOption("target_precision", options.target_precision, "must be between 0 and 1")


def resolve_group(store: Store, ref: str) -> BatchGroup:
    """The group an id or unique prefix names (a child job's id names its group), through the store's one
    id lookup: UnknownId and AmbiguousId as every command raises them."""
    group = store.jobs.group(store.ids.group(ref))
    if group is None:  # removed between the lookup and the read
        raise UnknownId(ref, "group")
    return group


def _check(group: BatchGroup, options: EvalOptions) -> None:
    if not group.options.get("blind") and not options.allow_leak:
        raise NotBlind(group.group_id)


def outcomes_of(store: Store, group: BatchGroup) -> list[IssueOutcome]:
    """The group's scorable outcomes (NothingToScore, NoLabelsToScore when it has none)."""
    return _outcomes(store, group)[0]


def _outcomes(
    store: Store, group: BatchGroup, examples: frozenset[str] = frozenset()
) -> tuple[list[IssueOutcome], int, dict[str, Any]]:
    """The scorable outcomes (issues that served as examples left out), how many issues the group answered in
    all, and which results it had (read first: results that arrive meanwhile make the evaluation look older,
    never newer)."""
    seen = store.evaluations.results_seen(group.group_id)
    taxonomy = Taxonomy.of_group_options(group.options)
    answers = store.evaluations.group_answers(group.group_id)
    if answers and not any("recommended_labels" in a.analysis for a in answers):
        raise NoLabelsToScore(group.group_id, group.processor)
    outcomes = scorable(
        [
            outcome(a.issue_id, key, a.labels, a.analysis, taxonomy)
            for a in answers
            if (key := f"{a.org}/{a.repo}#{a.number}") not in examples
        ]
    )
    if not outcomes:
        raise NothingToScore(
            f"nothing to score in {group.group_id}: of its {len(answers)} answered issue(s), none carries a label "
            "from its taxonomy given by people (collect the results first, or sample labelled issues)"
        )
    return outcomes, len(answers), seen


def _evaluate(
    store: Store,
    group: BatchGroup,
    outcomes: list[IssueOutcome],
    answered: int,
    seen: dict[str, Any],
    options: EvalOptions,
    examples_excluded: int = 0,
) -> dict[str, Any]:
    scores = score(outcomes, options.min_confidence)
    per_label = label_thresholds(
        outcomes,
        [label.label for label in scores.per_label],
        options.target_precision if options.target_precision is not None else DEFAULT_TARGET_PRECISION,
        min_confidence=options.min_confidence,
    )
    resamples = bootstrap.Resamples(len(outcomes))
    counts = issue_counts(outcomes, options.min_confidence)
    target = options.target_precision
    found = search(outcomes, target, resamples) if target is not None else None
    cost = group_cost(group.model, store.evaluations.group_usage(group.group_id))
    figures = {
        "group_id": group.group_id,
        "model": group.model,
        "provider": group.provider,
        "processor": group.processor,
        "blind": bool(group.options.get("blind")),
        "sample": group.selection.get("sample"),
        "seed": group.selection.get("seed"),
        "issues_scored": len(outcomes),
        "issues_answered": answered,
        "issues_sent": group.total_issues,
        "examples_excluded": examples_excluded,  # issues left out: examples in any compared group
        "results_seen": seen,
        **_scores(scores, per_label),
        "intervals": {
            "micro_f1": list(bootstrap.interval(resamples.each(lambda i: bootstrap.micro_f1(counts, i)))),
            "precision": list(bootstrap.interval(resamples.each(lambda i: bootstrap.micro_precision(counts, i)))),
        },
        **_calibration(outcomes),
        "cost_usd": cost.cost_usd,
        "input_tokens": cost.input_tokens,
        "output_tokens": cost.output_tokens,
        "cost_per_correct_label": cost.per_correct_label(scores.correct_labels),
        **_threshold(found),
        "kept": kept_figures(store, group.selection.get("org")),
    }
    if not figures["blind"]:
        figures["warning"] = LEAK_WARNING
    if options.save:
        _save(store, group, figures, options)
    return figures


def _scores(scores: Scores, thresholds: dict[str, LabelThreshold]) -> dict[str, Any]:
    return {
        "min_confidence": scores.threshold,
        "micro": scores.micro.as_dict(),
        "macro": scores.macro.as_dict(),
        "exact_match": scores.exact_match,
        "coverage": scores.coverage,
        "correct_labels": scores.correct_labels,
        "per_label": [_label(label.as_dict(), thresholds[label.label]) for label in scores.per_label],
        "confusions": [{"true": t, "predicted": p, "count": n} for t, p, n in scores.confusions],
    }


def _label(figures: dict[str, Any], found: LabelThreshold) -> dict[str, Any]:
    """A label's scores with its Wilson intervals and its own threshold for the target precision."""
    extra = found.as_dict()
    return {
        **figures,
        "precision_interval": extra["precision_interval"],
        "recall_interval": extra["recall_interval"],
        "threshold": extra["threshold"],
    }


def _calibration(outcomes: list[IssueOutcome]) -> dict[str, Any]:
    calibration = calibrate(outcomes)
    return {"calibration": [b.as_dict() for b in calibration.bins], "ece": calibration.ece}


def _threshold(found: ThresholdSearch | None) -> dict[str, Any]:
    if found is None:
        return {"target_precision": None, "threshold": None, "threshold_search": None}
    return {
        "target_precision": found.target_precision,
        "threshold": found.threshold,
        "threshold_search": found.as_dict(),
    }


def _save(store: Store, group: BatchGroup, figures: dict[str, Any], options: EvalOptions) -> None:
    from github_issue_analysis.storage.evaluation_store import NewEvaluation

    store.evaluations.save(
        NewEvaluation(
            group_id=group.group_id,
            model=group.model,
            blind=figures["blind"],
            min_confidence=options.min_confidence,
            target_precision=options.target_precision,
            threshold=figures["threshold"],
            issues_scored=figures["issues_scored"],
            micro_f1=figures["micro"]["f1"],
            figures=figures,
        )
    )
