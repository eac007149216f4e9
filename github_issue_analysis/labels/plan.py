"""The label plan: from current results, decisions and what the store knows of each issue, the labels to add
(and, with `remove_wrong`, to remove) per issue, and every skipped issue with its reason. Nothing is sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from github_issue_analysis.ai.processors.taxonomy import Taxonomy
from github_issue_analysis.storage.decision_store import ReviewRow, RowFilter
from github_issue_analysis.storage.label_audit_store import ChangeRow, IssueKey
from github_issue_analysis.storage.store import Store

from .decisions import Recommendation, recommendations
from .options import LabelSelection

REASONS = {
    "rejected": "the recommendation was rejected in review",
    "not_accepted": "not accepted in review (--accepted-only)",
    "closed": "the issue is closed",
    "locked": "the issue is locked",
    "archived": "the repository is archived",
    "changed_after_analysis": "the issue changed on GitHub after the analysis",
    "below_threshold": "no recommended label reaches the confidence threshold",
    "label_missing": "the label does not exist in the repository",
    "already_labelled": "the issue already has these labels",
    "person_changed": "a person changed these labels on GitHub",
    "not_found": "the issue no longer exists on GitHub",
    "write_cap": "the step's cap on label writes is reached; the next step applies it",
}


@dataclass(frozen=True)
class PlannedChange:
    org: str
    repo: str
    number: int
    add: tuple[str, ...]
    remove: tuple[str, ...]
    confidence: float
    result_id: int
    model: str
    title: str = ""
    url: str | None = None
    labels_before: tuple[str, ...] = ()
    reasons: tuple[Recommendation, ...] = ()
    summary: str = ""
    analysed_at: datetime | None = None

    @property
    def key(self) -> IssueKey:
        return (self.org, self.repo, self.number)

    def as_json(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "repo": self.repo,
            "number": self.number,
            "add": list(self.add),
            "remove": list(self.remove),
            "confidence": round(self.confidence, 4),
        }


@dataclass(frozen=True)
class Skipped:
    org: str
    repo: str
    number: int
    reason: str
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "repo": self.repo,
            "number": self.number,
            "reason": self.reason,
            "detail": self.detail or REASONS.get(self.reason, self.reason),
        }


@dataclass
class LabelPlan:
    selection: LabelSelection
    changes: list[PlannedChange] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"changes": [c.as_json() for c in self.changes], "skipped": [s.as_json() for s in self.skipped]}

    @property
    def label_changes(self) -> int:
        return sum(len(c.add) + len(c.remove) for c in self.changes)


def build_plan(store: Store, selection: LabelSelection) -> LabelPlan:
    """The plan from the store alone (no GitHub request); `live.check_live` refines it against GitHub."""
    rows = _latest_per_issue(store.decisions.rows(RowFilter(org=selection.org, repo=selection.repo)))
    history = store.label_audit.history(_key(r) for r in rows)
    repo_labels: dict[tuple[str, str], set[str] | None] = {}
    plan = LabelPlan(selection)
    for row in rows:
        if (row.org, row.repo) not in repo_labels:
            known = {lb.name.lower() for lb in store.issues.repo_labels(row.org, row.repo)}
            repo_labels[(row.org, row.repo)] = known or None
        outcome = plan_row(row, selection, repo_labels[(row.org, row.repo)], history.get(_key(row), []))
        if isinstance(outcome, PlannedChange):
            plan.changes.append(outcome)
        else:
            plan.skipped.append(outcome)
    return plan


def plan_row(
    row: ReviewRow, selection: LabelSelection, repo_labels: set[str] | None, history: list[ChangeRow]
) -> PlannedChange | Skipped:
    early = _early_skip(row, selection, history)
    if early is not None:
        return early
    wanted = _wanted(row, selection)
    if not wanted and not selection.remove_wrong:
        return _skip(row, "below_threshold")
    current = {lb.lower() for lb in row.issue_labels}
    add = [rec for rec in wanted if rec.label.lower() not in current]
    missing = [rec.label for rec in add if repo_labels is not None and rec.label.lower() not in repo_labels]
    add = [rec for rec in add if rec.label not in missing]
    remove = _to_remove(row, selection, {rec.label.lower() for rec in wanted}) if selection.remove_wrong else []
    if not add and not remove:
        if missing:
            return _skip(row, "label_missing", f"label missing in the repository: {', '.join(missing)}")
        return _skip(row, "already_labelled" if wanted else "below_threshold")
    confidence = min((rec.confidence for rec in add), default=float(row.analysis.get("confidence") or 0.0))
    return PlannedChange(
        org=row.org,
        repo=row.repo,
        number=row.number,
        add=tuple(rec.label for rec in add),
        remove=tuple(remove),
        confidence=confidence,
        result_id=row.result_id,
        model=row.model,
        title=row.title,
        url=row.url,
        labels_before=tuple(row.issue_labels),
        reasons=tuple(add),
        summary=str(row.analysis.get("summary") or ""),
        analysed_at=row.result_created_at,
    )


def _early_skip(row: ReviewRow, selection: LabelSelection, history: list[ChangeRow]) -> Skipped | None:
    if row.status == "rejected":
        return _skip(row, "rejected")
    if selection.accepted_only and row.status not in ("accepted", "edited"):
        return _skip(row, "not_accepted")
    if row.state.lower() == "closed" and not selection.include_closed:
        return _skip(row, "closed")
    if row.issue_updated_at > analysed_at(row.result_created_at, history):
        return _skip(row, "changed_after_analysis", _changed_detail(row))
    return None


def analysed_at(result_created_at: datetime, history: list[ChangeRow]) -> datetime:
    """The time after which a change on GitHub is someone else's: the result, or this tool's last write."""
    return max([result_created_at, *(c.confirmed_at or c.created_at for c in history)])


def _changed_detail(row: ReviewRow) -> str:
    return (
        f"the issue changed on GitHub ({row.issue_updated_at:%Y-%m-%d %H:%M}Z) after the analysis "
        f"({row.result_created_at:%Y-%m-%d %H:%M}Z); analyse it again"
    )


def _wanted(row: ReviewRow, selection: LabelSelection) -> list[Recommendation]:
    recs = recommendations(row)
    only = {label.lower() for label in selection.labels}
    if row.decision is not None and row.decision.decision == "edited":
        taxonomy = Taxonomy.of_group_options(row.group_options)
        by_name = {rec.label.lower(): rec for rec in recs}
        chosen = [lb for lb in row.decision.labels or [] if lb in taxonomy]
        return [by_name.get(lb.lower(), Recommendation(lb, 1.0, "chosen in review")) for lb in chosen]
    if row.status == "accepted":
        return [rec for rec in recs if not only or rec.label.lower() in only]
    return [
        rec
        for rec in recs
        if rec.confidence >= selection.threshold(rec.label) and (not only or rec.label.lower() in only)
    ]


def _to_remove(row: ReviewRow, selection: LabelSelection, wanted: set[str]) -> list[str]:
    taxonomy = Taxonomy.of_group_options(row.group_options)
    current = {lb.lower(): lb for lb in row.issue_labels}
    if row.decision is not None and row.decision.decision == "edited":
        return [lb for key, lb in current.items() if lb in taxonomy and key not in wanted]
    if float(row.analysis.get("confidence") or 0.0) < selection.min_confidence:
        return []
    wrong = [
        str(a.get("label"))
        for a in row.analysis.get("current_labels_assessment") or []
        if isinstance(a, dict) and a.get("correct") is False
    ]
    return [current[w.lower()] for w in wrong if w.lower() in current and w in taxonomy and w.lower() not in wanted]


def _latest_per_issue(rows: list[ReviewRow]) -> list[ReviewRow]:
    latest: dict[IssueKey, ReviewRow] = {}
    for row in rows:
        if "recommended_labels" not in row.analysis:
            continue
        known = latest.get(_key(row))
        if known is None or row.result_created_at > known.result_created_at:
            latest[_key(row)] = row
    return list(latest.values())


def _key(row: ReviewRow) -> IssueKey:
    return (row.org, row.repo, row.number)


def _skip(row: ReviewRow, reason: str, detail: str = "") -> Skipped:
    return Skipped(row.org, row.repo, row.number, reason, detail)
