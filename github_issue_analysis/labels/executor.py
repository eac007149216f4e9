"""Carrying out a run's recorded changes: each pending change is checked against the live issue (done
already: confirmed without sending), sent in aliased batches, and marked when GitHub answers. An uncertain
failure (timeout, 5xx) stays pending: the next run checks it first, so nothing is sent twice."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from github_issue_analysis.domain.label_audit import ChangeState
from github_issue_analysis.github_client.issue_aliases import IssueKey
from github_issue_analysis.github_client.label_reads import LiveIssue
from github_issue_analysis.github_client.label_writes import CommentWrite, LabelWrite, WriteOutcome
from github_issue_analysis.storage.label_audit_store import ChangeRow
from github_issue_analysis.storage.store import Store

from .live import LiveState
from .session import LabelSession

Item = TypeVar("Item")
MAX_REFUSALS_IN_A_ROW = 12
"""Refusals under the content-creation limit before the rest is left pending for the next apply (halving
reaches one mutation a request after six)."""


@dataclass
class RunOutcome:
    run_id: str
    errors: dict[IssueKey, str] = field(default_factory=dict)
    finished: bool = False


async def execute_run(store: Store, session: LabelSession, run_id: str, state: LiveState, resumed: bool) -> RunOutcome:
    audit = store.label_audit
    changes = audit.changes(run_id, ChangeState.PENDING)
    outcome = RunOutcome(run_id)
    if changes:
        store.checkpoint()  # the pending rows reach a durable state before any mutation goes out
    await state.load(session.reader, list(dict.fromkeys(c.issue for c in changes)), with_comments=resumed)
    label_rows = [c for c in changes if c.action in ("add", "remove")]
    comment_rows = [c for c in changes if c.action == "comment"]
    session.progress.total += len(label_rows) + len(comment_rows)
    await _labels(store, session, label_rows, state, outcome)
    await _comments(store, session, comment_rows, state, outcome)
    outcome.finished = not audit.changes(run_id, ChangeState.PENDING)
    if outcome.finished:
        audit.finish_run(run_id)
    return outcome


@dataclass
class _Write:
    key: IssueKey
    rows: list[ChangeRow]
    write: LabelWrite


async def _labels(
    store: Store, session: LabelSession, rows: list[ChangeRow], state: LiveState, outcome: RunOutcome
) -> None:
    audit = store.label_audit
    writes: list[_Write] = []
    for key, issue_rows in _by_issue(rows).items():
        live = state.issues.get(key)
        refusal = _refusal(live)
        if refusal or live is None:
            _fail(store, issue_rows, refusal or "not found", outcome)
            session.advance(len(issue_rows))
            continue
        for add in (True, False):
            todo = [c for c in issue_rows if (c.action == "add") == add]
            done = [c for c in todo if live.has_label(str(c.label)) == add]
            audit.mark(
                [c.id for c in done],
                ChangeState.CONFIRMED,
                labels_before=list(live.labels),
                labels_after=list(live.labels),
            )
            todo = [c for c in todo if c not in done]
            ids = state.repos[(key[0], key[1])]
            gone = [c for c in todo if ids.id_of(str(c.label)) is None]
            for c in gone:
                _fail(store, [c], f"label {c.label} no longer exists in the repository", outcome)
            todo = [c for c in todo if c not in gone]
            if todo:
                label_ids = tuple(str(ids.id_of(str(c.label))) for c in todo)
                writes.append(_Write(key, todo, LabelWrite(live.id, label_ids, add)))
            session.advance(len(done) + len(gone))

    async def send(chunk: list[_Write]) -> list[WriteOutcome]:
        return await session.writer.labels([w.write for w in chunk])

    async for chunk, results in _in_requests(session, writes, send):
        for item, result in zip(chunk, results, strict=True):
            live = state.issues[item.key]
            assert live is not None
            if result.ok:
                after = list(result.labels_after or _expected(live, item))
                before = list(live.labels)
                audit.mark(
                    [c.id for c in item.rows],
                    ChangeState.CONFIRMED,
                    labels_before=before,
                    labels_after=after,
                    issue=item.key,
                )
                state.issues[item.key] = replace(live, labels=tuple(after))
            elif result.uncertain or result.limited:
                outcome.errors.setdefault(item.key, f"{result.error} (checked and retried on the next apply)")
            else:
                _fail(store, item.rows, str(result.error), outcome)
        session.advance(sum(len(w.rows) for w in chunk))


async def _comments(
    store: Store, session: LabelSession, rows: list[ChangeRow], state: LiveState, outcome: RunOutcome
) -> None:
    audit = store.label_audit
    run_rows = {c.issue: c for c in rows}
    pending_labels = (
        {c.issue for c in audit.changes(rows[0].run_id, ChangeState.PENDING) if c.action != "comment"}
        if rows
        else set()
    )
    failed = {c.issue for c in audit.changes(rows[0].run_id, ChangeState.FAILED)} if rows else set()
    to_send: list[ChangeRow] = []
    for key, row in run_rows.items():
        live = state.issues.get(key)
        if key in failed or live is None:
            audit.mark([row.id], ChangeState.SKIPPED, error="the labels were not changed, so no comment")
        elif key in pending_labels:
            continue
        elif any(_marker(row) in body for body in live.recent_comments):
            audit.mark([row.id], ChangeState.CONFIRMED)
        else:
            to_send.append(row)

    async def send(chunk: list[ChangeRow]) -> list[WriteOutcome]:
        return await session.comment_writer.comments([CommentWrite(_live(state, c).id, str(c.body)) for c in chunk])

    async for chunk, results in _in_requests(session, to_send, send):
        for row, result in zip(chunk, results, strict=True):
            if result.ok:
                audit.mark([row.id], ChangeState.CONFIRMED)
            elif result.uncertain or result.limited:
                outcome.errors.setdefault(row.issue, f"comment: {result.error} (checked before any retry)")
            else:
                _fail(store, [row], f"comment: {result.error}", outcome)
        session.advance(len(chunk))
    session.advance(len(rows) - len(to_send))


async def _in_requests(
    session: LabelSession, items: list[Item], send: Callable[[list[Item]], Awaitable[list[WriteOutcome]]]
) -> AsyncIterator[tuple[list[Item], list[WriteOutcome]]]:
    """`items` sent a request at a time (paced per mutation), each chunk with its outcomes. A chunk GitHub
    refuses under its content-creation limit was not carried out: it goes again after GitHub's wait, cut in
    half when no request of its size got through since the last refusal (down to one mutation a request), so
    that any limit of at least one write per window finishes."""
    start, refusals, fitted = 0, 0, False
    while start < len(items):
        chunk = items[start : start + session.mutations_per_request]
        await session.before_write(len(chunk))
        results = await send(chunk)
        if results and all(r.limited for r in results) and refusals < MAX_REFUSALS_IN_A_ROW:
            refusals += 1
            if not fitted:  # this size never got through: smaller
                session.refused_for_content(len(chunk))
            fitted = False
            continue
        refusals, fitted = 0, True
        yield chunk, results
        start += len(chunk)


def _marker(row: ChangeRow) -> str:
    return str(row.body or "").rstrip().rsplit("\n", 1)[-1]


def _live(state: LiveState, row: ChangeRow) -> LiveIssue:
    live = state.issues.get(row.issue)
    assert live is not None
    return live


def _refusal(live: LiveIssue | None) -> str | None:
    if live is None:
        return "the issue no longer exists on GitHub (or the token cannot see it)"
    if live.archived:
        return "the repository is archived (read-only)"
    return None


def _expected(live: LiveIssue, item: _Write) -> list[str]:
    names = [str(c.label) for c in item.rows]
    if item.write.add:
        return list(live.labels) + [n for n in names if not live.has_label(n)]
    return [lb for lb in live.labels if lb.lower() not in {n.lower() for n in names}]


def _fail(store: Store, rows: Sequence[ChangeRow], error: str, outcome: RunOutcome) -> None:
    store.label_audit.mark([c.id for c in rows], ChangeState.FAILED, error=error)
    for c in rows:
        outcome.errors.setdefault(c.issue, error)


def _by_issue(rows: list[ChangeRow]) -> dict[IssueKey, list[ChangeRow]]:
    grouped: dict[IssueKey, list[ChangeRow]] = {}
    for row in rows:
        grouped.setdefault(row.issue, []).append(row)
    return grouped
