"""Label runs and the audit of every GitHub label write: recorded `pending` before it is sent, then marked
`confirmed` (GitHub answered) or `failed`; `skipped` when a re-check found it no longer wanted. (Who may write
an organization's labels now is claim_store.py's.)"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, func, insert, select, update

from github_issue_analysis.domain.label_audit import ChangeState, RunStatus
from github_issue_analysis.errors import StoreUnavailable

from .schema import issues, label_changes, label_runs, repo_labels
from .timeutil import as_utc, utcnow

IssueKey = tuple[str, str, int]
_State = TypeVar("_State", ChangeState, RunStatus)
_UNDONE_OR_DONE = [ChangeState.CONFIRMED.value, ChangeState.PENDING.value]  # what history shows


@dataclass(frozen=True)
class NewChange:
    org: str
    repo: str
    number: int
    action: str
    """add | remove | comment"""
    label: str | None = None
    result_id: int | None = None
    model: str | None = None
    body: str | None = None
    labels_before: list[str] | None = None


@dataclass(frozen=True)
class ChangeRow:
    id: int
    run_id: str
    org: str
    repo: str
    number: int
    action: str
    label: str | None
    state: ChangeState
    labels_before: list[str] | None
    labels_after: list[str] | None
    result_id: int | None
    model: str | None
    login: str | None
    body: str | None
    error: str | None
    created_at: datetime
    confirmed_at: datetime | None

    @property
    def issue(self) -> IssueKey:
        return (self.org, self.repo, self.number)


@dataclass(frozen=True)
class RunRow:
    id: str
    kind: str
    status: RunStatus
    org: str
    login: str | None
    options: dict[str, Any]
    reverts_run_id: str | None
    started_at: datetime
    finished_at: datetime | None
    counts: dict[str, int] = field(default_factory=dict)


class LabelAuditStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def start_run(
        self,
        run_id: str,
        kind: str,
        org: str,
        login: str | None,
        options: dict[str, Any],
        changes: Sequence[NewChange],
        reverts_run_id: str | None = None,
    ) -> None:
        """The run and every change it intends, all pending, in one transaction (before anything is sent)."""
        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(
                insert(label_runs).values(
                    id=run_id,
                    kind=kind,
                    status=RunStatus.RUNNING.value,
                    org=org,
                    login=login,
                    options=options,
                    reverts_run_id=reverts_run_id,
                    started_at=now,
                )
            )
            if changes:
                conn.execute(insert(label_changes), [_change_values(run_id, c, login, now) for c in changes])

    def finish_run(self, run_id: str, status: RunStatus = RunStatus.COMPLETED) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(label_runs)
                .where(label_runs.c.id == run_id)
                .values(status=RunStatus(status).value, finished_at=utcnow())
            )

    def mark(
        self,
        change_ids: Iterable[int],
        state: ChangeState,
        *,
        labels_before: list[str] | None = None,
        labels_after: list[str] | None = None,
        error: str | None = None,
        issue: IssueKey | None = None,
    ) -> None:
        """Mark changes; with `issue` and `labels_after`, the stored issue's labels become what GitHub confirmed
        (in the same transaction)."""
        ids = list(change_ids)
        if not ids:
            return
        values: dict[str, Any] = {"state": ChangeState(state).value, "error": error}
        if state is ChangeState.CONFIRMED:
            values["confirmed_at"] = utcnow()
        if labels_before is not None:
            values["labels_before"] = labels_before
        if labels_after is not None:
            values["labels_after"] = labels_after
        with self.engine.begin() as conn:
            conn.execute(update(label_changes).where(label_changes.c.id.in_(ids)).values(**values))
            if issue is not None and labels_after is not None:
                _store_issue_labels(conn, issue, labels_after)

    def run(self, run_id: str) -> RunRow | None:
        return next(iter(self.runs(run_ids=[run_id])), None)

    def resolve(self, prefix: str) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(label_runs.c.id).where(label_runs.c.id.startswith(prefix))).scalars())

    def runs(self, run_ids: Sequence[str] | None = None, status: RunStatus | None = None) -> list[RunRow]:
        query = select(label_runs).order_by(label_runs.c.started_at, label_runs.c.id)
        if run_ids is not None:
            query = query.where(label_runs.c.id.in_(list(run_ids)))
        if status is not None:
            query = query.where(label_runs.c.status == RunStatus(status).value)
        counts_query = select(label_changes.c.run_id, label_changes.c.state, func.count()).group_by(
            label_changes.c.run_id, label_changes.c.state
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            counts: dict[str, dict[str, int]] = {}
            for run_id, state, n in conn.execute(counts_query):
                counts.setdefault(run_id, {})[state] = int(n)
        return [_run(r, counts.get(r.id, {})) for r in rows]

    def changes(self, run_id: str, state: ChangeState | None = None) -> list[ChangeRow]:
        query = select(label_changes).where(label_changes.c.run_id == run_id).order_by(label_changes.c.id)
        if state is not None:
            query = query.where(label_changes.c.state == ChangeState(state).value)
        with self.engine.connect() as conn:
            return [_change(r) for r in conn.execute(query)]

    def history(self, keys: Iterable[IssueKey]) -> dict[IssueKey, list[ChangeRow]]:
        """Confirmed and pending label changes of these issues, oldest first (all runs)."""
        wanted = set(keys)
        orgs = {k[0] for k in wanted}
        query = (
            select(label_changes)
            .where(
                label_changes.c.org.in_(list(orgs)),
                label_changes.c.state.in_(_UNDONE_OR_DONE),
            )
            .order_by(label_changes.c.id)
        )
        found: dict[IssueKey, list[ChangeRow]] = {}
        with self.engine.connect() as conn:
            for r in conn.execute(query):
                change = _change(r)
                if change.issue in wanted:
                    found.setdefault(change.issue, []).append(change)
        return found


def _store_issue_labels(conn: Any, issue: IssueKey, names: list[str]) -> None:
    org, repo, number = issue
    known = {
        r.name.lower(): {"name": r.name, "color": r.color, "description": r.description}
        for r in conn.execute(select(repo_labels).where(repo_labels.c.org == org, repo_labels.c.repo == repo))
    }
    labels = [known.get(n.lower(), {"name": n, "color": None, "description": None}) for n in names]
    where = (issues.c.org == org, issues.c.repo == repo, issues.c.number == number)
    conn.execute(update(issues).where(*where).values(labels=labels))


def _change_values(run_id: str, change: NewChange, login: str | None, now: datetime) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "org": change.org,
        "repo": change.repo,
        "number": change.number,
        "action": change.action,
        "label": change.label,
        "state": ChangeState.PENDING.value,
        "labels_before": change.labels_before,
        "labels_after": None,
        "result_id": change.result_id,
        "model": change.model,
        "login": login,
        "body": change.body,
        "error": None,
        "created_at": now,
        "confirmed_at": None,
    }


def _change(r: Any) -> ChangeRow:
    return ChangeRow(
        id=r.id,
        run_id=r.run_id,
        org=r.org,
        repo=r.repo,
        number=r.number,
        action=r.action,
        label=r.label,
        state=_checked(ChangeState, r.state, f"label change {r.id}"),
        labels_before=r.labels_before,
        labels_after=r.labels_after,
        result_id=r.result_id,
        model=r.model,
        login=r.login,
        body=r.body,
        error=r.error,
        created_at=as_utc(r.created_at) or utcnow(),
        confirmed_at=as_utc(r.confirmed_at),
    )


def _run(r: Any, counts: dict[str, int]) -> RunRow:
    return RunRow(
        id=r.id,
        kind=r.kind,
        status=_checked(RunStatus, r.status, f"label run {r.id}"),
        org=r.org,
        login=r.login,
        options=dict(r.options or {}),
        reverts_run_id=r.reverts_run_id,
        started_at=as_utc(r.started_at) or utcnow(),
        finished_at=as_utc(r.finished_at),
        counts=counts,
    )


def _checked(kind: type[_State], value: str, row: str) -> _State:
    """A stored state as its enum; one this version does not know is a store it cannot read safely."""
    try:
        return kind(value)
    except ValueError:
        raise StoreUnavailable(
            f"{row} has a state this gh-analysis does not know ('{value}'); a newer gh-analysis may have written "
            "it: upgrade, or leave that run alone"
        ) from None
