"""Undoing an apply run: remove exactly the labels it added and restore those it removed, skipping (and
reporting) every label a person changed since: one whose state differs from what the run left, and one whose
last change on the issue's timeline was not the tool's (removed and added back by a person, say). The revert
is itself an audited run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from github_issue_analysis.domain.label_audit import ChangeState
from github_issue_analysis.errors import UsageError
from github_issue_analysis.github_client import GitHubConnection
from github_issue_analysis.github_client.issue_aliases import IssueKey
from github_issue_analysis.github_client.label_timeline import LabelTimeline, label_timelines
from github_issue_analysis.github_client.pacing import WriteLimits
from github_issue_analysis.storage.label_audit_store import ChangeRow, NewChange, RunRow
from github_issue_analysis.storage.store import Store

from .apply import ApplyReport, _collect, new_run_id
from .claim import OrgClaim
from .executor import execute_run
from .live import LiveState
from .session import EventHook, LabelSession


class UnknownRun(UsageError):
    """No apply run has this id (or prefix)."""


@dataclass(frozen=True)
class RevertSkip:
    org: str
    repo: str
    number: int
    label: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"org": self.org, "repo": self.repo, "number": self.number, "label": self.label, "reason": self.reason}


@dataclass
class RevertPlan:
    run: RunRow
    changes: list[NewChange] = field(default_factory=list)
    skipped: list[RevertSkip] = field(default_factory=list)


def find_run(store: Store, run_id: str) -> RunRow:
    matches = store.label_audit.resolve(run_id)
    if len(matches) != 1:
        what = "no label run" if not matches else f"{len(matches)} label runs"
        raise UnknownRun(f"{what} match '{run_id}'; see `gh-analysis labels runs`")
    run = store.label_audit.run(matches[0])
    assert run is not None
    if run.kind != "apply":
        raise UnknownRun(f"{run.id} is a {run.kind} run; only apply runs can be reverted")
    return run


async def revert_run(
    store: Store, connection: GitHubConnection, run_id: str, on_event: EventHook | None = None, dry_run: bool = False
) -> tuple[RevertPlan, ApplyReport]:
    """Unless a dry run, holds the organization's claim (LabelsBusy when another process has it)."""
    run = find_run(store, run_id)
    if dry_run:
        return await _revert(store, connection, run, on_event, None)
    async with OrgClaim(store.label_claims, run.org, "revert", run_id=new_run_id()) as claim:
        return await _revert(store, connection, run, on_event, claim)


async def _revert(
    store: Store, connection: GitHubConnection, run: RunRow, on_event: EventHook | None, claim: OrgClaim | None
) -> tuple[RevertPlan, ApplyReport]:
    """Without a claim: the plan only."""
    done = [c for c in store.label_audit.changes(run.id, ChangeState.CONFIRMED) if c.action in ("add", "remove")]
    fence = claim.check if claim is not None else None
    async with LabelSession(connection, WriteLimits(), on_event, fence=fence) as session:
        state = LiveState()
        keys = list(dict.fromkeys(c.issue for c in done))
        await state.load(session.reader, keys)
        login = await session.reader.viewer_login() if done else None
        timelines = await label_timelines(session.reader.api, keys) if done else {}
        plan = _plan(run, done, state, timelines, {name for name in (login, run.login) if name})
        report = ApplyReport(None)
        if plan.changes and claim is not None:
            revert_id = str(claim.run_id)
            options = {"reverts": run.id}
            claim.working_on(revert_id)
            store.label_audit.start_run(revert_id, "revert", run.org, login, options, plan.changes, run.id)
            _collect(store, await execute_run(store, session, revert_id, state, resumed=False), report)
        report.requests, report.mutation_requests = session.requests, session.mutation_requests
    return plan, report


def _plan(
    run: RunRow,
    done: list[ChangeRow],
    state: LiveState,
    timelines: dict[IssueKey, LabelTimeline | None],
    tool_logins: set[str],
) -> RevertPlan:
    plan = RevertPlan(run)
    for c in done:
        live = state.issues.get(c.issue)
        label = str(c.label)
        if live is None:
            plan.skipped.append(RevertSkip(c.org, c.repo, c.number, label, "the issue no longer exists"))
        elif live.has_label(label) != (c.action == "add"):
            why = "a person removed it since" if c.action == "add" else "a person added it back since"
            plan.skipped.append(RevertSkip(c.org, c.repo, c.number, label, why))
        elif other := _changed_by_someone_else(timelines.get(c.issue), label, tool_logins):
            plan.skipped.append(RevertSkip(c.org, c.repo, c.number, label, other))
        else:
            action = "remove" if c.action == "add" else "add"
            plan.changes.append(
                NewChange(c.org, c.repo, c.number, action, label, c.result_id, c.model, None, list(live.labels))
            )
    return plan


def _changed_by_someone_else(timeline: LabelTimeline | None, label: str, tool_logins: set[str]) -> str | None:
    """Why the label's last change on the timeline was not the tool's, or None when it was."""
    last = timeline.last_change(label) if timeline is not None else None
    if last is None:
        return "its last change is not on the issue's timeline (kept, to be safe)"
    if last.actor is None or last.actor.lower() not in {login.lower() for login in tool_logins}:
        who = f"@{last.actor}" if last.actor else "a deleted account"
        return f"{who} {'added' if last.added else 'removed'} it last (kept as they left it)"
    return None
