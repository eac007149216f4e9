"""The plan checked against GitHub as it is now: live labels (a person's additions and removals win), closed,
locked, archived, deleted labels and edits after the analysis. Reads only; nothing is sent."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from github_issue_analysis.domain.label_audit import ChangeState
from github_issue_analysis.github_client import GitHubNotFound
from github_issue_analysis.github_client.issue_aliases import IssueKey
from github_issue_analysis.github_client.label_reads import LabelReader, LiveIssue, RepoLabels
from github_issue_analysis.storage.label_audit_store import ChangeRow

from .plan import LabelPlan, PlannedChange, Skipped, analysed_at


@dataclass
class LiveState:
    issues: dict[IssueKey, LiveIssue | None] = field(default_factory=dict)
    repos: dict[tuple[str, str], RepoLabels] = field(default_factory=dict)

    async def load(self, reader: LabelReader, keys: list[IssueKey], with_comments: bool = False) -> None:
        for owner, repo, _ in keys:
            if (owner, repo) not in self.repos:
                try:
                    self.repos[(owner, repo)] = await reader.repo_labels(owner, repo)
                except GitHubNotFound:  # deleted or renamed: its issues are then not found one by one
                    self.repos[(owner, repo)] = RepoLabels(archived=False)
        missing = [k for k in keys if k not in self.issues or with_comments]
        if missing:
            self.issues.update(await reader.issues(missing, with_comments))


async def check_live(
    plan: LabelPlan, reader: LabelReader, history: dict[IssueKey, list[ChangeRow]], state: LiveState | None = None
) -> tuple[LabelPlan, LiveState]:
    state = state or LiveState()
    await state.load(reader, [c.key for c in plan.changes])
    checked = LabelPlan(plan.selection, skipped=list(plan.skipped))
    for change in plan.changes:
        outcome = refine(change, plan, state, history.get(change.key, []))
        if isinstance(outcome, PlannedChange):
            checked.changes.append(outcome)
        else:
            checked.skipped.append(outcome)
    return checked, state


def refine(
    change: PlannedChange, plan: LabelPlan, state: LiveState, history: list[ChangeRow]
) -> PlannedChange | Skipped:
    live = state.issues.get(change.key)
    selection = plan.selection
    if live is None:
        return _skip(change, "not_found")
    if live.archived:
        return _skip(change, "archived")
    if live.state.upper() == "CLOSED" and not selection.include_closed:
        return _skip(change, "closed")
    if live.locked and not selection.include_locked:
        return _skip(change, "locked")
    edited = live.last_edited_at
    if edited and change.analysed_at and edited > analysed_at(change.analysed_at, history):
        return _skip(change, "changed_after_analysis", "the issue was edited on GitHub after the analysis")
    removed_by_person = [lb for lb in change.add if _removed_by_person(lb, live, history)]
    repo_labels = state.repos[(change.org, change.repo)]
    missing = [lb for lb in change.add if repo_labels.id_of(lb) is None]
    add = tuple(lb for lb in change.add if not live.has_label(lb) and lb not in removed_by_person + missing)
    remove = tuple(lb for lb in change.remove if live.has_label(lb))
    if add or remove:
        reasons = tuple(r for r in change.reasons if r.label in add)
        return replace(change, add=add, remove=remove, labels_before=live.labels, reasons=reasons)
    if removed_by_person:
        return _skip(change, "person_changed", f"a person removed {', '.join(removed_by_person)} after it was added")
    if missing:
        return _skip(change, "label_missing", f"label missing in the repository: {', '.join(missing)}")
    return _skip(change, "already_labelled")


def _removed_by_person(label: str, live: LiveIssue, history: list[ChangeRow]) -> bool:
    """This tool added the label (its last confirmed action on it) and it is gone now."""
    ours = [c for c in history if c.state is ChangeState.CONFIRMED and c.label and c.label.lower() == label.lower()]
    return bool(ours) and ours[-1].action == "add" and not live.has_label(label)


def _skip(change: PlannedChange, reason: str, detail: str = "") -> Skipped:
    return Skipped(change.org, change.repo, change.number, reason, detail)
