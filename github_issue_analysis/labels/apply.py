"""Applying the label plan on GitHub, holding the organization's claim throughout: first finish any run a crash
left unfinished, then re-read the live labels, recompute the diff, record every intended change (pending) with
the run, and carry it out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from github_issue_analysis.domain.label_audit import ChangeState, RunStatus
from github_issue_analysis.github_client import GitHubConnection
from github_issue_analysis.github_client.pacing import WriteLimits
from github_issue_analysis.storage.label_audit_store import NewChange
from github_issue_analysis.storage.store import Store

from .claim import OrgClaim
from .comments import load_template, render
from .executor import RunOutcome, execute_run
from .live import LiveState, check_live
from .options import LabelSelection
from .plan import LabelPlan, PlannedChange, Skipped, build_plan
from .session import EventHook, LabelSession


@dataclass(frozen=True)
class ApplyOptions:
    selection: LabelSelection
    comment: bool = False
    comment_template: Path | None = None
    limits: WriteLimits = field(default_factory=WriteLimits)
    max_label_writes: int | None = None  # label additions and removals this run may send (None: all)


@dataclass
class IssueChange:
    org: str
    repo: str
    number: int
    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        if self.error is not None:
            return {"org": self.org, "repo": self.repo, "number": self.number, "error": self.error}
        return {"org": self.org, "repo": self.repo, "number": self.number, "add": self.add, "remove": self.remove}


@dataclass
class ApplyReport:
    run_id: str | None
    applied: list[IssueChange] = field(default_factory=list)
    failed: list[IssueChange] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    resumed_runs: list[str] = field(default_factory=list)
    requests: int = 0
    mutation_requests: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "applied": [c.as_json() for c in self.applied],
            "failed": [c.as_json() for c in self.failed],
            "skipped": [s.as_json() for s in self.skipped],
            "resumed_runs": self.resumed_runs,
            "requests": self.requests,
            "mutation_requests": self.mutation_requests,
        }


def new_run_id() -> str:
    return "run_" + uuid.uuid4().hex[:12]


async def live_plan(store: Store, connection: GitHubConnection, selection: LabelSelection) -> LabelPlan:
    """The plan checked against GitHub (reads only)."""
    plan = build_plan(store, selection)
    async with LabelSession(connection, WriteLimits()) as session:
        checked, _ = await check_live(plan, session.reader, store.label_audit.history(c.key for c in plan.changes))
    return checked


async def apply_labels(
    store: Store, connection: GitHubConnection, options: ApplyOptions, on_event: EventHook | None = None
) -> ApplyReport:
    """Raises LabelsBusy when another process writes the organization's labels now."""
    template = load_template(options.comment_template) if options.comment else None
    org = options.selection.org
    run_id = new_run_id()
    unfinished = [run.id for run in store.label_audit.runs(status=RunStatus.RUNNING) if run.org == org]
    async with (
        OrgClaim(store.label_claims, org, "apply", run_id=(unfinished or [run_id])[0]) as claim,
        LabelSession(connection, options.limits, on_event, fence=claim.check) as session,
    ):
        report = ApplyReport(None)
        await _resume(store, session, claim, org, report)
        plan = build_plan(store, options.selection)
        history = store.label_audit.history(c.key for c in plan.changes)
        checked, state = await check_live(plan, session.reader, history)
        checked = capped(checked, options.max_label_writes)
        report.skipped = checked.skipped
        if checked.changes:
            login = await session.reader.viewer_login()
            intents = [i for change in checked.changes for i in _intents(run_id, change, template)]
            claim.working_on(run_id)
            store.label_audit.start_run(run_id, "apply", org, login, _options_json(options), intents)
            _collect(store, await execute_run(store, session, run_id, state, resumed=False), report)
        report.run_id = report.run_id or (report.resumed_runs[-1] if report.resumed_runs else None)
        report.requests, report.mutation_requests = session.requests, session.mutation_requests
    return report


async def _resume(store: Store, session: LabelSession, claim: OrgClaim, org: str, report: ApplyReport) -> None:
    """Finish the organization's runs that a crash left unfinished (this process holds their changes now)."""
    for run in store.label_audit.runs(status=RunStatus.RUNNING):
        if run.org == org:
            claim.working_on(run.id)
            outcome = await execute_run(store, session, run.id, LiveState(), resumed=True)
            report.resumed_runs.append(run.id)
            _collect(store, outcome, report)


def capped(plan: LabelPlan, max_label_writes: int | None) -> LabelPlan:
    """The plan cut to whole issues whose label writes fit the cap; the rest skipped (`write_cap`)."""
    if max_label_writes is None:
        return plan
    kept = LabelPlan(plan.selection, skipped=list(plan.skipped))
    writes = 0
    for change in plan.changes:
        size = len(change.add) + len(change.remove)
        if writes + size <= max_label_writes:
            kept.changes.append(change)
            writes += size
        else:
            kept.skipped.append(Skipped(change.org, change.repo, change.number, "write_cap"))
    return kept


def _intents(run_id: str, change: PlannedChange, template: str | None) -> list[NewChange]:
    common = {"org": change.org, "repo": change.repo, "number": change.number}
    source = {"result_id": change.result_id, "model": change.model, "labels_before": list(change.labels_before)}
    rows = [NewChange(**common, action="add", label=lb, **source) for lb in change.add]  # type: ignore[arg-type]
    rows += [NewChange(**common, action="remove", label=lb, **source) for lb in change.remove]  # type: ignore[arg-type]
    if template is not None:
        rows.append(NewChange(**common, action="comment", body=render(template, run_id, change), **source))  # type: ignore[arg-type]
    return rows


def _collect(store: Store, outcome: RunOutcome, report: ApplyReport) -> None:
    """The run's confirmed label changes per issue (applied) and its failures (one line per issue)."""
    report.run_id = outcome.run_id
    by_issue: dict[tuple[str, str, int], IssueChange] = {}
    for c in store.label_audit.changes(outcome.run_id, ChangeState.CONFIRMED):
        if c.action in ("add", "remove") and c.issue not in outcome.errors:
            entry = by_issue.setdefault(c.issue, IssueChange(c.org, c.repo, c.number))
            (entry.add if c.action == "add" else entry.remove).append(str(c.label))
    known = {(c.org, c.repo, c.number) for c in report.applied}
    report.applied += [c for key, c in by_issue.items() if key not in known]
    report.failed += [IssueChange(o, r, n, error=e) for (o, r, n), e in outcome.errors.items()]


def _options_json(options: ApplyOptions) -> dict[str, Any]:
    return {
        "selection": options.selection.as_dict(),
        "comment": options.comment,
        "comment_template": str(options.comment_template) if options.comment_template else None,
    }
