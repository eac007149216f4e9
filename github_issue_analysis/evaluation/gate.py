"""The gate: per label, what the model may do on its own, from measurement. A label is `auto` (applied at or
above its own threshold) when the latest scored blind evaluation of the same setup gives it a threshold (the
Wilson 95% lower bound of its precision reaches the target with at least `min_support` predictions) and what
people undid does not contradict it (the Wilson upper bound of its kept rate, over at least `min_support`
decided applications, stays at or above the target). Otherwise it is `suggest`, or `off` when excluded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .evaluation_service import outcomes_of, resolve_group
from .label_thresholds import LabelThreshold, label_thresholds
from .setup import group_fingerprint
from .wilson import wilson

if TYPE_CHECKING:
    from github_issue_analysis.storage.store import Store

GateState = Literal["auto", "suggest", "off"]


@dataclass(frozen=True)
class GatePolicy:
    target_precision: float = 0.9
    min_support: int = 10
    apply: GateState = "auto"  # the most any label may do
    include_labels: tuple[str, ...] = ()  # empty: every label of the taxonomy
    exclude_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class LabelGate:
    label: str
    state: GateState
    reason: str
    precision_low: float | None = None
    support: int = 0
    threshold: float | None = None
    kept_rate: float | None = None
    kept_support: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "state": self.state,
            "reason": self.reason,
            "precision_low": None if self.precision_low is None else round(self.precision_low, 4),
            "support": self.support,
            "threshold": self.threshold,
            "kept_rate": None if self.kept_rate is None else round(self.kept_rate, 4),
            "kept_support": self.kept_support,
        }


@dataclass
class Gate:
    evaluation_group: str | None
    labels: list[LabelGate] = field(default_factory=list)

    def thresholds(self) -> dict[str, float]:
        """label -> minimum confidence, for the labels that are `auto`."""
        return {g.label: float(g.threshold) for g in self.labels if g.state == "auto" and g.threshold is not None}

    @property
    def demoted(self) -> list[str]:
        return [g.label for g in self.labels if g.reason.startswith("demoted")]


def matching_evaluation(store: Store, org: str, fingerprint: str) -> str | None:
    """The newest blind group of the organization whose setup matches and which has a stored evaluation: a
    triage calibration sample, or a `batch submit --blind --sample` run (its setup computed from its stored
    request), or None."""
    stored = store.triage.setups(org=org)
    by_group = {s.group_id: s.fingerprint for s in stored}
    for group, _ in store.jobs.groups():  # newest first
        if group.selection.get("org") != org or not group.options.get("blind"):
            continue
        figures = store.evaluations.latest(group.group_id)
        if figures is None:
            continue
        found = by_group.get(group.group_id) or group_fingerprint(store, group)
        if found == fingerprint:
            return group.group_id
    return None


def build_gate(store: Store, org: str, evaluation_group: str | None, labels: Sequence[str], policy: GatePolicy) -> Gate:
    """Each label's state; `labels` is the taxonomy (names) the step labels with."""
    found: dict[str, LabelThreshold] = {}
    if evaluation_group is not None:
        outcomes = outcomes_of(store, resolve_group(store, evaluation_group))
        names = sorted(set(labels) | {name for o in outcomes for name, _ in o.recommended})
        found = label_thresholds(outcomes, names, policy.target_precision, policy.min_support)
    kept = store.triage.kept_counts(org)
    gate = Gate(evaluation_group)
    for label in sorted(set(labels) | set(found)):
        gate.labels.append(decide_label(label, found.get(label), kept.get(label, (0, 0)), evaluation_group, policy))
    return gate


def decide_label(
    label: str, measured: LabelThreshold | None, kept: tuple[int, int], group: str | None, policy: GatePolicy
) -> LabelGate:
    kept_n, removed_n = kept
    decided = kept_n + removed_n
    rate = kept_n / decided if decided else None
    common: dict[str, Any] = {"kept_rate": rate, "kept_support": decided}
    if measured is not None:
        common.update(precision_low=measured.precision_low, support=measured.support, threshold=measured.threshold)
    lowered = label.lower()
    if lowered in {x.lower() for x in policy.exclude_labels} or (
        policy.include_labels and lowered not in {x.lower() for x in policy.include_labels}
    ):
        return LabelGate(label, "off", "excluded by the configuration", **common)
    if policy.apply == "off":
        return LabelGate(label, "off", "the configuration turns applying off", **common)
    if group is None:
        return LabelGate(label, "suggest", "no scored blind evaluation of this setup yet (calibrating)", **common)
    if measured is None or measured.threshold is None:
        why = (
            f"precision lower bound {measured.precision_low:.2f} over {measured.support} prediction(s) does not "
            f"reach {policy.target_precision:g} with at least {policy.min_support}"
            if measured is not None
            else "never predicted in the evaluation"
        )
        return LabelGate(label, "suggest", why, **common)
    if decided >= policy.min_support and wilson(kept_n, decided).high < policy.target_precision:
        why = f"demoted: people kept {kept_n} of {decided} applied; the kept rate's upper bound is below the target"
        return LabelGate(label, "suggest", why, **common)
    if policy.apply == "suggest":
        return LabelGate(label, "suggest", "the configuration applies nothing on its own", **common)
    why = f"precision lower bound {measured.precision_low:.2f} >= {policy.target_precision:g} at {measured.threshold:g}"
    return LabelGate(label, "auto", why, **common)
