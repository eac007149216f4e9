"""`threshold_for`: the minimum confidence that labels commands use for a target precision, read from a blind
group's stored evaluation while it is fresh, else from a new one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .evaluation_errors import NotBlind, ThresholdUnreachable
from .evaluation_service import EvalOptions, evaluate, resolve_group

if TYPE_CHECKING:
    from github_issue_analysis.storage.store import Store


def threshold_for(store: Store, group_ref: str, target_precision: float) -> float:
    """The minimum confidence that gives `target_precision` according to a blind group's evaluation: the
    stored one for that target while the group's results are still those it scored, else a new evaluation
    (stored too). Raises ThresholdUnreachable, NotBlind (a leaked run's threshold would be too optimistic),
    UnknownId, AmbiguousId and NothingToScore."""
    group = resolve_group(store, group_ref)
    if not group.options.get("blind"):
        raise NotBlind(group.group_id)
    stored = store.evaluations.latest(group.group_id, target_precision)
    if stored is None or stored.get("results_seen") != store.evaluations.results_seen(group.group_id):
        report = evaluate(store, [group.group_id], EvalOptions(target_precision=target_precision))
        stored = report["evaluations"][0]
    threshold = stored.get("threshold")
    if threshold is None:
        raise ThresholdUnreachable(group.group_id, target_precision)
    return float(threshold)
