"""What the unattended triage step keeps: each group's setup fingerprint (and the estimate it was sent
with), the content fingerprint each issue was last sent with, and whether each label the tool applied was
kept or removed by a person."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, case, func, insert, select, update

from .schema import applied_label_outcomes, group_setups, issues, label_changes, triage_issues
from .timeutil import as_utc, utcnow


@dataclass(frozen=True)
class GroupSetup:
    group_id: str
    org: str
    fingerprint: str
    setup: dict[str, Any]
    purpose: str | None
    estimated_usd: float | None
    created_at: datetime


@dataclass(frozen=True)
class ToolAddition:
    """A label this tool added (confirmed) whose fate is not decided yet."""

    change_id: int
    org: str
    repo: str
    number: int
    label: str
    applied_at: datetime
    removed_by_tool: bool


class TriageStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- setups ----------------------------------------------------------------------------------------
    def save_setup(self, setup: GroupSetup) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(group_setups).values(**setup.__dict__))

    def setups(self, org: str | None = None, fingerprint: str | None = None) -> list[GroupSetup]:
        """Newest first."""
        query = select(group_setups).order_by(group_setups.c.created_at.desc())
        if org is not None:
            query = query.where(group_setups.c.org == org)
        if fingerprint is not None:
            query = query.where(group_setups.c.fingerprint == fingerprint)
        with self.engine.connect() as conn:
            return [_setup(r) for r in conn.execute(query)]

    def setups_by_group(self, group_ids: Sequence[str]) -> dict[str, GroupSetup]:
        query = select(group_setups).where(group_setups.c.group_id.in_(list(group_ids)))
        with self.engine.connect() as conn:
            return {r.group_id: _setup(r) for r in conn.execute(query)}

    def estimated_since(self, org: str, since: datetime) -> float:
        """USD estimated for the organization's triage groups created since `since`."""
        query = select(func.coalesce(func.sum(group_setups.c.estimated_usd), 0.0)).where(
            group_setups.c.org == org, group_setups.c.created_at >= since, group_setups.c.purpose.is_not(None)
        )
        with self.engine.connect() as conn:
            return float(conn.execute(query).scalar() or 0.0)

    # -- content fingerprints --------------------------------------------------------------------------
    def sent_fingerprints(self, issue_ids: Sequence[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(issue_ids), 500):
                chunk = list(issue_ids[start : start + 500])
                query = select(triage_issues.c.issue_id, triage_issues.c.fingerprint).where(
                    triage_issues.c.issue_id.in_(chunk)
                )
                found.update({r.issue_id: r.fingerprint for r in conn.execute(query)})
        return found

    def unseen_issue_ids(self, org: str, repo: str | None, states: Sequence[str]) -> list[int]:
        """Issues (in these states) never recorded, or collected again since they were last recorded: only
        these can be new or changed (a cheap pre-filter; the content fingerprint decides)."""
        query = (
            select(issues.c.id)
            .outerjoin(triage_issues, triage_issues.c.issue_id == issues.c.id)
            .where(
                issues.c.org == org,
                func.lower(issues.c.state).in_([s.lower() for s in states]),
                (triage_issues.c.issue_id.is_(None)) | (issues.c.collected_at > triage_issues.c.recorded_at),
            )
        )
        if repo is not None:
            query = query.where(issues.c.repo == repo)
        with self.engine.connect() as conn:
            return [int(r) for r in conn.scalars(query)]

    def touch(self, issue_ids: Sequence[int]) -> None:
        """Seen again with unchanged content: no need to look at them until they are collected again."""
        with self.engine.begin() as conn:
            for start in range(0, len(issue_ids), 500):
                chunk = list(issue_ids[start : start + 500])
                conn.execute(
                    update(triage_issues).where(triage_issues.c.issue_id.in_(chunk)).values(recorded_at=utcnow())
                )

    def record_sent(self, fingerprints: dict[int, str], group_id: str | None) -> None:
        """Each issue's content as it was sent (or adopted, `group_id` None), replacing an older one."""
        now = utcnow()
        with self.engine.begin() as conn:
            known = set(
                conn.scalars(select(triage_issues.c.issue_id).where(triage_issues.c.issue_id.in_(list(fingerprints))))
            )
            for issue_id, fingerprint in fingerprints.items():
                values = {"fingerprint": fingerprint, "group_id": group_id, "recorded_at": now}
                if issue_id in known:
                    conn.execute(update(triage_issues).where(triage_issues.c.issue_id == issue_id).values(**values))
                else:
                    conn.execute(insert(triage_issues).values(issue_id=issue_id, **values))

    # -- kept rate -------------------------------------------------------------------------------------
    def undecided_additions(self, org: str) -> list[ToolAddition]:
        """The tool's confirmed label additions in the organization not yet decided kept or removed."""
        adds = label_changes.alias("adds")
        later = label_changes.alias("later")
        removed_later = (
            select(later.c.id)
            .where(
                later.c.org == adds.c.org,
                later.c.repo == adds.c.repo,
                later.c.number == adds.c.number,
                later.c.label == adds.c.label,
                later.c.action == "remove",
                later.c.state == "confirmed",
                later.c.id > adds.c.id,
            )
            .exists()
        )
        query = (
            select(adds, removed_later.label("removed_by_tool"))
            .outerjoin(applied_label_outcomes, applied_label_outcomes.c.change_id == adds.c.id)
            .where(
                adds.c.org == org,
                adds.c.action == "add",
                adds.c.state == "confirmed",
                applied_label_outcomes.c.change_id.is_(None),
            )
            .order_by(adds.c.id)
        )
        with self.engine.connect() as conn:
            return [
                ToolAddition(
                    r.id,
                    r.org,
                    r.repo,
                    r.number,
                    str(r.label),
                    as_utc(r.confirmed_at or r.created_at) or utcnow(),
                    bool(r.removed_by_tool),
                )
                for r in conn.execute(query)
            ]

    def decide(self, decided: Iterable[tuple[ToolAddition, str]]) -> None:
        now = utcnow()
        rows = [
            {"change_id": a.change_id, "org": a.org, "label": a.label, "outcome": outcome, "decided_at": now}
            for a, outcome in decided
        ]
        if rows:
            with self.engine.begin() as conn:
                conn.execute(insert(applied_label_outcomes), rows)

    def issue_labels(self, keys: Sequence[tuple[str, str, int]]) -> dict[tuple[str, str, int], set[str]]:
        """The labels (lower-cased) the store holds for these issues, as the last collection saw them."""
        found: dict[tuple[str, str, int], set[str]] = {}
        wanted = set(keys)
        orgs = {org for org, _, _ in wanted}
        numbers = sorted({number for _, _, number in wanted})
        with self.engine.connect() as conn:
            for start in range(0, len(numbers), 500):
                query = select(issues.c.org, issues.c.repo, issues.c.number, issues.c.labels).where(
                    issues.c.org.in_(orgs), issues.c.number.in_(numbers[start : start + 500])
                )
                for r in conn.execute(query):
                    if (r.org, r.repo, r.number) in wanted:
                        found[(r.org, r.repo, r.number)] = {str(lb["name"]).lower() for lb in r.labels}
        return found

    def kept_counts(self, org: str | None = None) -> dict[str, tuple[int, int]]:
        """label -> (kept, removed by a person)."""
        kept = func.sum(case((applied_label_outcomes.c.outcome == "kept", 1), else_=0))
        query = (
            select(applied_label_outcomes.c.label, func.count(), kept)
            .where(applied_label_outcomes.c.outcome.in_(("kept", "removed")))
            .group_by(applied_label_outcomes.c.label)
        )
        if org is not None:
            query = query.where(applied_label_outcomes.c.org == org)
        with self.engine.connect() as conn:
            return {r[0]: (int(r[2] or 0), int(r[1]) - int(r[2] or 0)) for r in conn.execute(query)}

    def applied_counts(self, org: str | None = None) -> dict[str, int]:
        """label -> labels the tool added (confirmed)."""
        query = (
            select(label_changes.c.label, func.count())
            .where(and_(label_changes.c.action == "add", label_changes.c.state == "confirmed"))
            .group_by(label_changes.c.label)
        )
        if org is not None:
            query = query.where(label_changes.c.org == org)
        with self.engine.connect() as conn:
            return {str(r[0]): int(r[1]) for r in conn.execute(query)}


def _setup(r: Any) -> GroupSetup:
    created = as_utc(r.created_at)
    assert created is not None
    return GroupSetup(r.group_id, r.org, r.fingerprint, dict(r.setup), r.purpose, r.estimated_usd, created)
