"""Several groups (say two models on the same sample) side by side on the issues they all answered, with the
paired difference in micro-F1 against the first group and its bootstrap interval."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from . import bootstrap
from .metrics import issue_counts, score
from .outcomes import IssueOutcome


@dataclass(frozen=True)
class Contender:
    group_id: str
    model: str
    outcomes: list[IssueOutcome]
    threshold: float
    cost_usd: float | None


def compare(contenders: Sequence[Contender]) -> dict[str, Any]:
    shared = set.intersection(*(set(o.issue_id for o in c.outcomes) for c in contenders))
    if not shared:
        return {"shared_issues": 0, "baseline": contenders[0].group_id, "groups": [], "differences": []}
    on_shared = [sorted((o for o in c.outcomes if o.issue_id in shared), key=lambda o: o.issue_id) for c in contenders]
    resamples = bootstrap.Resamples(len(shared))  # the same draws for every group: a paired bootstrap
    counts = [issue_counts(rows, c.threshold) for c, rows in zip(contenders, on_shared, strict=True)]
    f1s = [resamples.each(partial(bootstrap.micro_f1, c)) for c in counts]
    groups = [_side(c, rows) for c, rows in zip(contenders, on_shared, strict=True)]
    differences = [
        {
            "group_id": c.group_id,
            "baseline": contenders[0].group_id,
            "micro_f1_difference": groups[i]["micro"]["f1"] - groups[0]["micro"]["f1"],
            "interval": list(bootstrap.interval(f1s[i] - f1s[0])),
        }
        for i, c in enumerate(contenders)
        if i > 0
    ]
    return {
        "shared_issues": len(shared),
        "baseline": contenders[0].group_id,
        "groups": groups,
        "differences": differences,
    }


def _side(contender: Contender, rows: list[IssueOutcome]) -> dict[str, Any]:
    scores = score(rows, contender.threshold)
    return {
        "group_id": contender.group_id,
        "model": contender.model,
        "issues": len(rows),
        "micro": scores.micro.as_dict(),
        "macro": scores.macro.as_dict(),
        "exact_match": scores.exact_match,
        "coverage": scores.coverage,
        "cost_usd": contender.cost_usd,
    }
