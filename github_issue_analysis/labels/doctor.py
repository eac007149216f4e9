"""`labels doctor`: per taxonomy label, what helps or hurts its automatic labelling.

For each label of the organization's taxonomy: how many issues people gave it (`support`, in the
selection), whether it has a description and how long, its blind precision, recall and F1 with 95% Wilson
intervals (from `--eval GROUP`, else the organization's newest evaluated blind group), the labels it is most
often confused with (an issue people gave it, the model gave the other), whether the model never predicted
it, and one plain recommendation. The F1 interval is the F1 of the precision and recall intervals' bounds."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from github_issue_analysis import defaults
from github_issue_analysis.ai.processors.taxonomy import Taxonomy
from github_issue_analysis.errors import UsageError
from github_issue_analysis.evaluation.wilson import wilson
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.store import Store

MIN_SUPPORT = 5  # fewer people-labelled issues: too few to measure (or to learn from)
MIN_DESCRIPTION_CHARS = 20
MIN_PRECISION = 0.8  # below it: keep out of automatic apply; a lower bound below it: measure more
CONFUSIONS_SHOWN = 3


@dataclass(frozen=True)
class DoctorOptions:
    org: str | None = None
    eval_group: str | None = None


def _interval(successes: int, trials: int) -> tuple[float, float] | None:
    """The 95% Wilson interval (evaluation/wilson.py, the one copy); None without trials."""
    if trials <= 0:
        return None
    found = wilson(successes, trials)
    return found.low, found.high


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def diagnose(store: Store, options: DoctorOptions) -> dict[str, Any]:
    """The `labels doctor --json` document."""
    eval_group, figures, org = _evaluation(store, options)
    group = store.jobs.group(eval_group) if eval_group else None
    taxonomy = Taxonomy.of_group_options(group.options) if group else Taxonomy(defaults.LABEL_PREFIX)
    support, descriptions = _support_and_descriptions(store, org, taxonomy)
    scored = {entry["label"]: entry for entry in (figures or {}).get("per_label", [])}
    confusions = (figures or {}).get("confusions", [])
    names = sorted(set(support) | set(descriptions) | set(scored))
    rows = [_row(name, support.get(name, 0), descriptions.get(name), scored.get(name), confusions) for name in names]
    return {"org": org, "eval_group": eval_group, "labels": rows}


def _evaluation(store: Store, options: DoctorOptions) -> tuple[str | None, dict[str, Any] | None, str]:
    if options.eval_group is not None:
        group_id = store.ids.group(options.eval_group)
        group = store.jobs.group(group_id)
        figures = store.evaluations.latest(group_id)
        if group is None or figures is None:
            raise UsageError(f"group {options.eval_group} has no evaluation yet: run `gh-analysis eval` on it first")
        org = options.org or str(group.selection.get("org", ""))
        return group_id, figures, org
    if options.org is None:
        raise UsageError("--org or --eval GROUP is required")
    latest = store.evaluations.latest_blind(options.org)
    return (latest[0], latest[1], options.org) if latest else (None, None, options.org)


def _support_and_descriptions(store: Store, org: str, taxonomy: Taxonomy) -> tuple[Counter[str], dict[str, str]]:
    support: Counter[str] = Counter()
    repos: set[str] = set()
    for _id, key, labels in store.issues.select_issue_labels(IssueSelection(org)):
        repos.add(key.split("#")[0].split("/", 1)[1])
        support.update(taxonomy.of(labels))
    descriptions: dict[str, str] = {}
    for repo in sorted(repos):
        for label in store.issues.repo_labels(org, repo):
            if label.name in taxonomy and not descriptions.get(label.name):
                descriptions[label.name] = (label.description or "").strip()
    return support, descriptions


def _row(
    name: str, support: int, description: str | None, scored: dict[str, Any] | None, confusions: list[dict[str, Any]]
) -> dict[str, Any]:
    measured = _measured(scored)
    confused = sorted(
        ((c["predicted"], int(c["count"])) for c in confusions if c.get("true") == name and c.get("predicted")),
        key=lambda pair: (-pair[1], pair[0]),
    )[:CONFUSIONS_SHOWN]
    never = None if scored is None else int(scored.get("predicted", 0)) == 0
    row = {
        "label": name,
        "support": support,
        "has_description": bool(description),
        "description_chars": len(description or ""),
        **measured,
        "confused_with": [{"label": label, "count": count} for label, count in confused],
        "never_predicted": never,
    }
    row["recommendation"] = recommend(row)
    return row


def _measured(scored: dict[str, Any] | None) -> dict[str, Any]:
    if scored is None:
        return {"precision": None, "recall": None, "f1": None, "intervals": None}
    truth, predicted = int(scored.get("support", 0)), int(scored.get("predicted", 0))
    hits = round(float(scored.get("recall", 0.0)) * truth)
    precision, recall = _interval(hits, predicted), _interval(hits, truth)
    f1 = (_f1(precision[0], recall[0]), _f1(precision[1], recall[1])) if precision and recall else None
    return {
        "precision": scored.get("precision") if predicted else None,
        "recall": scored.get("recall") if truth else None,
        "f1": scored.get("f1"),
        "intervals": {
            "precision": _bounds(precision),
            "recall": _bounds(recall),
            "f1": _bounds(f1),
        },
    }


def _bounds(interval: tuple[float, float] | None) -> dict[str, float] | None:
    return {"low": interval[0], "high": interval[1]} if interval else None


def recommend(row: dict[str, Any]) -> str:
    """One plain sentence: what to do first for this label."""
    advice = []
    if row["support"] < MIN_SUPPORT:
        advice.append(f"too few examples to measure ({row['support']} of {MIN_SUPPORT}): label more issues by hand")
    if row["description_chars"] < MIN_DESCRIPTION_CHARS:
        advice.append("add a description" if not row["has_description"] else "write a longer description")
    if row["never_predicted"]:
        advice.append("never predicted: describe it in the words issues use")
    intervals = row["intervals"] or {}
    low = (intervals.get("precision") or {}).get("low")
    if row["precision"] is not None and row["precision"] < MIN_PRECISION:
        advice.append(f"keep out of automatic apply (precision {row['precision']:.0%})")
    elif low is not None and low < MIN_PRECISION:
        advice.append("measure on a larger sample before applying it automatically")
    return "; ".join(advice) if advice else "ok"
