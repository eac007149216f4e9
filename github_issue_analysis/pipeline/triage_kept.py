"""Learning from what people undo: every label the tool applied is decided at a later collection — gone
without a removal by the tool means a person removed it; still there `kept_after_days` after it was applied
means kept. The gate reads the counts (evaluation/gate.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from github_issue_analysis.storage.store import Store
from github_issue_analysis.storage.triage_store import ToolAddition


def decide_kept(store: Store, org: str, now: datetime, kept_after_days: float, save: bool = True) -> dict[str, int]:
    """Decide what can be decided now (from the labels the last collection saw); counts by outcome."""
    undecided = store.triage.undecided_additions(org)
    labels = store.triage.issue_labels([(a.org, a.repo, a.number) for a in undecided])
    decided: list[tuple[ToolAddition, str]] = []
    for addition in undecided:
        outcome = _outcome(addition, labels.get((addition.org, addition.repo, addition.number)), now, kept_after_days)
        if outcome is not None:
            decided.append((addition, outcome))
    if save:
        store.triage.decide(decided)
    return {name: sum(outcome == name for _, outcome in decided) for name in ("kept", "removed")}


def _outcome(addition: ToolAddition, current: set[str] | None, now: datetime, kept_after_days: float) -> str | None:
    if current is None:
        return None  # the issue is not in the store (yet)
    if addition.removed_by_tool:
        return "reverted"  # the tool took it back itself (revert, --remove-wrong): no verdict either way
    if addition.label.lower() not in current:
        return "removed"
    if now - addition.applied_at >= timedelta(days=kept_after_days):
        return "kept"
    return None
