"""The apply phase of a triage step: the labels the gate lets through, each at or above its own threshold,
applied by the `labels apply` service (its claim, write-ahead audit, pacing and revert), within the step's
cap on label writes. A person's removal of a label the tool applied, or a rejection in review, always wins
(labels/live.py, labels/plan.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from github_issue_analysis.config import Settings
from github_issue_analysis.domain.label_audit import RunStatus
from github_issue_analysis.evaluation.gate import Gate
from github_issue_analysis.github_client import connect
from github_issue_analysis.labels.apply import ApplyOptions
from github_issue_analysis.labels.label_service import LabelService
from github_issue_analysis.labels.options import LabelSelection
from github_issue_analysis.labels.plan import build_plan
from github_issue_analysis.storage.store import Store

from .triage_reach import Reach

if TYPE_CHECKING:
    from .triage_options import TriageOptions


def repositories(options: TriageOptions, reach: Reach, writable: bool) -> tuple[str | None, ...]:
    """The repositories the token may write (`writable`) or only read: the ones asked for, else the whole
    organization (None) while every listed one is writable."""
    read_only = reach.read_only()
    if not writable:
        return tuple(sorted(read_only))
    named = reach.visible(options.repos)
    if named:
        return tuple(name for name in named if name.lower() not in read_only)
    if options.repos:
        return ()  # every one asked for is invisible
    if not read_only:
        return (None,)
    return tuple(name for name in sorted(reach.permissions) if name.lower() not in read_only)


def selections(
    options: TriageOptions, thresholds: dict[str, float], repos: tuple[str | None, ...] | None = None
) -> list[LabelSelection]:
    """One selection per repository asked for (the organization when none was)."""
    include_closed = "closed" in options.config.states
    return [
        LabelSelection(
            options.org,
            repo,
            min_confidence=1.0,
            label_thresholds=thresholds,
            labels=tuple(sorted(thresholds)),
            include_closed=include_closed,
        )
        for repo in (repos if repos is not None else (options.repos or (None,)))
    ]


def suggestions(store: Store, options: TriageOptions, gate: Gate, reach: Reach) -> int:
    """Recommended labels left for review: every label not applied on its own, at any confidence, and every
    label of a repository the token cannot write."""
    auto = gate.thresholds()
    others = {g.label: 0.0 for g in gate.labels if g.label not in auto and g.state != "off"}
    every = {g.label: 0.0 for g in gate.labels if g.state != "off"}
    chosen = selections(options, others, repositories(options, reach, True)) if others else []
    chosen += selections(options, every, repositories(options, reach, False)) if every else []
    return sum(build_plan(store, s).label_changes for s in chosen)


def apply_gated(
    store: Store,
    settings: Settings,
    options: TriageOptions,
    gate: Gate,
    confirm: Callable[[int], bool],
    reach: Reach,
) -> dict[str, Any] | None:
    """`{run_id, labels_added, issues}`; a dry run counts what the store alone would plan. A write GitHub
    refuses (FORBIDDEN) marks its repository in `reach` instead of failing the phase."""
    chosen = selections(options, gate.thresholds(), repositories(options, reach, True))
    cap = options.config.max_label_writes_per_step
    planned = sum(build_plan(store, s).label_changes for s in chosen)
    if options.dry_run:
        would = planned if cap is None else min(planned, cap)
        return {"run_id": None, "labels_added": would, "issues": None}
    unfinished = any(run.org == options.org for run in store.label_audit.runs(status=RunStatus.RUNNING))
    if (planned == 0 and not unfinished) or (planned and not confirm(planned)):
        return None  # a run a crash left unfinished is finished even when nothing new is planned
    labels = LabelService(store, connect(settings))
    summary: dict[str, Any] = {"run_id": None, "labels_added": 0, "issues": 0, "failed": []}
    for selection in chosen:
        left = None if cap is None else cap - summary["labels_added"]
        if left is not None and left <= 0:
            break
        apply_options = ApplyOptions(selection, comment=options.config.comment, max_label_writes=left)
        report = labels.apply(apply_options)
        summary["run_id"] = report.run_id or summary["run_id"]
        summary["labels_added"] += sum(len(c.add) for c in report.applied)
        summary["issues"] += len(report.applied)
        summary["failed"] += reach.take_refusals([c.as_json() for c in report.failed])
    return summary
