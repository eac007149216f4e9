"""Every write and read of issues, comments, repository labels and collection progress."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Engine, Select, Text, and_, bindparam, cast, delete, func, insert, select, tuple_, update

from .people_labels import by_people, tool_added
from .records import CommentRecord, IssueRecord, LabelRecord
from .schema import collection_runs, comments, issues, repo_labels
from .timeutil import as_utc, utcnow

_CHUNK = 400


class StoreRefused(ValueError):
    """The database refused a record's values (out of its range, text it cannot hold); nothing was written."""


@dataclass(frozen=True)
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    older: int = 0  # records older (by updated_at) than the stored issue, which was kept

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(self.inserted + other.inserted, self.updated + other.updated, self.older + other.older)


@dataclass(frozen=True)
class RepoSummary:
    org: str
    repo: str
    issues: int
    comments: int
    labels: int


class StoredComment(NamedTuple):
    author: str | None
    body: str


class StoredIssue(NamedTuple):
    """What prompts and reports read of an issue (a plan reads 100,000 of them: a tuple is built fastest)."""

    id: int
    org: str
    repo: str
    number: int
    title: str
    body: str
    state: str
    author: str | None
    labels: list[str]
    url: str | None
    comments: list[StoredComment]


@dataclass(frozen=True)
class CollectionRun:
    org: str
    repo: str
    last_success_at: datetime | None
    resume_cursor: str | None
    resume_started_at: datetime | None


@dataclass(frozen=True)
class IssueSelection:
    org: str
    repo: str | None = None
    issue_number: int | None = None
    limit: int | None = None


class IssueStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def upsert_issues(self, records: Sequence[IssueRecord], *, label_definitions: bool = False) -> UpsertCounts:
        """Insert new issues and update known ones in place (matched by org/repo/number). A record older (by
        updated_at) than the stored issue leaves the stored one alone. With `label_definitions`, labels seen on
        the records are added to the repositories' label definitions where the name is not yet defined."""
        from sqlalchemy.exc import DataError, IntegrityError, StatementError

        total = UpsertCounts()
        for start in range(0, len(records), _CHUNK):
            try:
                total += self._upsert_chunk(_dedupe(records[start : start + _CHUNK]), label_definitions)
            except (DataError, IntegrityError) as error:
                raise StoreRefused(str(error.orig).splitlines()[0]) from error
            except StatementError as error:
                if not isinstance(error.orig, ValueError | OverflowError):
                    raise
                raise StoreRefused(f"{type(error.orig).__name__}: {error.orig}") from error
            except (OverflowError, UnicodeError) as error:  # raised by the SQLite driver before SQL runs
                raise StoreRefused(f"{type(error).__name__}: {error}") from error
        return total

    def _upsert_chunk(self, records: Sequence[IssueRecord], label_definitions: bool) -> UpsertCounts:
        now = utcnow()
        keys = [(r.org, r.repo, r.number) for r in records]
        with self.engine.begin() as conn:
            stored = {
                (row.org, row.repo, row.number): (row.id, as_utc(row.updated_at))
                for row in conn.execute(
                    select(issues.c.id, issues.c.org, issues.c.repo, issues.c.number, issues.c.updated_at).where(
                        tuple_(issues.c.org, issues.c.repo, issues.c.number).in_(keys)
                    )
                )
            }
            existing = {key: issue_id for key, (issue_id, _) in stored.items()}
            newer = [r for r in records if not _older_than_stored(r, stored)]
            skipped = len(records) - len(newer)
            records = newer
            new = [r for r in records if (r.org, r.repo, r.number) not in existing]
            old = [r for r in records if (r.org, r.repo, r.number) in existing]
            if new:
                conn.execute(insert(issues), [_issue_row(r, now) for r in new])
                existing.update(
                    {
                        (row.org, row.repo, row.number): row.id
                        for row in conn.execute(
                            select(issues.c.id, issues.c.org, issues.c.repo, issues.c.number).where(
                                tuple_(issues.c.org, issues.c.repo, issues.c.number).in_(
                                    [(r.org, r.repo, r.number) for r in new]
                                )
                            )
                        )
                    }
                )
            for record in old:
                issue_id = existing[(record.org, record.repo, record.number)]
                conn.execute(update(issues).where(issues.c.id == issue_id).values(_issue_row(record, now)))
            if old:
                old_ids = [existing[(r.org, r.repo, r.number)] for r in old]
                conn.execute(delete(comments).where(comments.c.issue_id.in_(old_ids)))
            comment_rows = [
                _comment_row(existing[(r.org, r.repo, r.number)], position, comment)
                for r in records
                for position, comment in enumerate(r.comments)
            ]
            if comment_rows:
                conn.execute(insert(comments), comment_rows)
            if label_definitions:
                _add_label_definitions(conn, records)
        return UpsertCounts(inserted=len(new), updated=len(old), older=skipped)

    def replace_repo_labels(self, org: str, repo: str, labels: Sequence[LabelRecord]) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(repo_labels).where(repo_labels.c.org == org, repo_labels.c.repo == repo))
            if labels:
                conn.execute(
                    insert(repo_labels),
                    [
                        {"org": org, "repo": repo, "name": lb.name, "description": lb.description, "color": lb.color}
                        for lb in {lb.name: lb for lb in labels}.values()
                    ],
                )

    def repo_labels(self, org: str, repo: str) -> list[LabelRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(repo_labels.c.name, repo_labels.c.description, repo_labels.c.color)
                .where(repo_labels.c.org == org, repo_labels.c.repo == repo)
                .order_by(repo_labels.c.name)
            )
            return [LabelRecord(name=r.name, description=r.description, color=r.color) for r in rows]

    def select_issues(self, selection: IssueSelection) -> list[StoredIssue]:
        """Issues in a stable order (org, repo, number), with their comments."""
        with self.engine.connect() as conn:
            rows = conn.execute(_selection_query(selection, *_STORED_COLUMNS)).all()
            return self._with_comments(conn, rows)

    def issues_by_id(self, issue_ids: Sequence[int]) -> list[StoredIssue]:
        """Issues in the order of `issue_ids` (those still in the store)."""
        return list(self.iter_issues_by_id(issue_ids))

    def iter_issues_by_id(self, issue_ids: Sequence[int]) -> Iterator[StoredIssue]:
        """Issues in the order of `issue_ids` (those still in the store), read and handed on a chunk at a time
        (planning reads every selected issue through here and keeps none of them)."""
        with self.engine.connect() as conn:
            for start in range(0, len(issue_ids), _CHUNK):
                chunk = issue_ids[start : start + _CHUNK]
                rows = conn.execute(_ISSUES_BY_ID, {"ids": chunk}).all()
                found = {issue.id: issue for issue in self._with_comments(conn, rows)}
                yield from (found[i] for i in chunk if i in found)

    def select_issue_ids(self, selection: IssueSelection) -> list[int]:
        """Ids in the stable selection order (org, repo, number)."""
        with self.engine.connect() as conn:
            return list(conn.execute(_selection_query(selection, issues.c.id)).scalars())

    def select_issue_labels(self, selection: IssueSelection) -> list[tuple[int, str, list[str]]]:
        """(id, "org/repo#number", names of the labels people gave) in the stable selection order: what
        sampling chooses from."""
        query = _selection_query(selection, issues.c.id, issues.c.org, issues.c.repo, issues.c.number, issues.c.labels)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            tool = tool_added(conn, [(row.org, row.repo, row.number) for row in rows])
        return [
            (
                row.id,
                f"{row.org}/{row.repo}#{row.number}",
                by_people([label["name"] for label in row.labels], tool.get((row.org, row.repo, row.number), set())),
            )
            for row in rows
        ]

    def _with_comments(self, conn: Any, rows: Sequence[Any]) -> list[StoredIssue]:
        by_issue: dict[int, list[StoredComment]] = {row[0]: [] for row in rows}
        ids = list(by_issue)
        for start in range(0, len(ids), _CHUNK):
            found = conn.execute(_COMMENTS_OF, {"ids": ids[start : start + _CHUNK]}).all()
            for issue_id, author, body in found:
                by_issue[issue_id].append(StoredComment(author, body))
        return [_stored_issue(row, by_issue[row[0]]) for row in rows]

    def comment_threads(self, org: str, repo: str, numbers: Sequence[int]) -> dict[int, list[CommentRecord]]:
        """The stored comments of these issues of one repository, in thread order."""
        threads: dict[int, list[CommentRecord]] = {}
        query = (
            select(issues.c.number, comments.c.author, comments.c.body, comments.c.created_at, comments.c.updated_at)
            .join(issues, issues.c.id == comments.c.issue_id)
            .where(
                issues.c.org == org, issues.c.repo == repo, issues.c.number.in_(bindparam("numbers", expanding=True))
            )
            .order_by(issues.c.number, comments.c.position)
        )
        with self.engine.connect() as conn:
            for start in range(0, len(numbers), _CHUNK):
                for row in conn.execute(query, {"numbers": list(numbers[start : start + _CHUNK])}):
                    threads.setdefault(row.number, []).append(
                        CommentRecord(
                            author=row.author,
                            body=row.body,
                            created_at=as_utc(row.created_at),
                            updated_at=as_utc(row.updated_at),
                        )
                    )
        return threads

    def summary(self) -> list[RepoSummary]:
        comment_counts = select(comments.c.issue_id, func.count().label("n")).group_by(comments.c.issue_id).subquery()
        label_counts = (
            select(repo_labels.c.org, repo_labels.c.repo, func.count().label("n"))
            .group_by(repo_labels.c.org, repo_labels.c.repo)
            .subquery()
        )
        issue_counts = (
            select(
                issues.c.org,
                issues.c.repo,
                func.count(issues.c.id).label("issues"),
                func.coalesce(func.sum(comment_counts.c.n), 0).label("comments"),
            )
            .select_from(issues.outerjoin(comment_counts, comment_counts.c.issue_id == issues.c.id))
            .group_by(issues.c.org, issues.c.repo)
            .subquery()
        )
        query = (
            select(issue_counts, func.coalesce(label_counts.c.n, 0).label("labels"))
            .select_from(
                issue_counts.outerjoin(
                    label_counts,
                    and_(label_counts.c.org == issue_counts.c.org, label_counts.c.repo == issue_counts.c.repo),
                )
            )
            .order_by(issue_counts.c.org, issue_counts.c.repo)
        )
        with self.engine.connect() as conn:
            return [
                RepoSummary(r.org, r.repo, int(r.issues), int(r.comments), int(r.labels)) for r in conn.execute(query)
            ]

    def collection_run(self, org: str, repo: str) -> CollectionRun | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(collection_runs).where(collection_runs.c.org == org, collection_runs.c.repo == repo)
            ).first()
        return None if row is None else _collection_run(row)

    def collection_runs(self, org: str) -> list[CollectionRun]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(collection_runs).where(collection_runs.c.org == org)).all()
        return [_collection_run(row) for row in rows]

    def save_collection_run(self, run: CollectionRun) -> None:
        values = {
            "last_success_at": run.last_success_at,
            "resume_cursor": run.resume_cursor,
            "resume_started_at": run.resume_started_at,
        }
        where = and_(collection_runs.c.org == run.org, collection_runs.c.repo == run.repo)
        with self.engine.begin() as conn:
            changed = conn.execute(update(collection_runs).where(where).values(values)).rowcount
            if not changed:
                conn.execute(insert(collection_runs).values(org=run.org, repo=run.repo, **values))


def _selection_query(selection: IssueSelection, *columns: Any) -> Select[Any]:
    query = select(*columns).where(issues.c.org == selection.org)
    if selection.repo is not None:
        query = query.where(issues.c.repo == selection.repo)
    if selection.issue_number is not None:
        query = query.where(issues.c.number == selection.issue_number)
    query = query.order_by(issues.c.org, issues.c.repo, issues.c.number)
    return query.limit(selection.limit) if selection.limit is not None else query


def _older_than_stored(record: IssueRecord, stored: dict[tuple[str, str, int], tuple[int, datetime | None]]) -> bool:
    found = stored.get((record.org, record.repo, record.number))
    stored_at = found[1] if found else None
    updated_at = as_utc(record.updated_at)
    return stored_at is not None and updated_at is not None and updated_at < stored_at


def _add_label_definitions(conn: Any, records: Sequence[IssueRecord]) -> None:
    """Define labels seen on issues where the repository has no definition of that name yet."""
    seen = {(r.org, r.repo, label.name): label for r in records for label in r.labels}
    if not seen:
        return
    defined = {
        (row.org, row.repo, row.name)
        for row in conn.execute(
            select(repo_labels.c.org, repo_labels.c.repo, repo_labels.c.name).where(
                tuple_(repo_labels.c.org, repo_labels.c.repo).in_({(org, repo) for org, repo, _ in seen})
            )
        )
    }
    rows = [
        {"org": org, "repo": repo, "name": name, "description": label.description, "color": label.color}
        for (org, repo, name), label in seen.items()
        if (org, repo, name) not in defined
    ]
    if rows:
        conn.execute(insert(repo_labels), rows)


def _dedupe(records: Sequence[IssueRecord]) -> list[IssueRecord]:
    """The newest record (by updated_at; the last one on a tie) wins when one chunk names an issue twice."""
    kept: dict[tuple[str, str, int], IssueRecord] = {}
    for record in records:
        key = (record.org, record.repo, record.number)
        earlier = kept.get(key)
        if earlier is None or not _newer(earlier, record):
            kept[key] = record
    return list(kept.values())


def _newer(first: IssueRecord, second: IssueRecord) -> bool:
    a, b = as_utc(first.updated_at), as_utc(second.updated_at)
    return a is not None and b is not None and a > b


def _issue_row(record: IssueRecord, collected_at: datetime) -> dict[str, Any]:
    return {
        "org": record.org,
        "repo": record.repo,
        "number": record.number,
        "title": record.title,
        "body": record.body,
        "state": record.state,
        "author": record.author,
        "labels": [label.model_dump() for label in record.labels],
        "created_at": as_utc(record.created_at),
        "updated_at": as_utc(record.updated_at),
        "url": record.url,
        "collected_at": collected_at,
    }


def _comment_row(issue_id: int, position: int, comment: CommentRecord) -> dict[str, Any]:
    return {
        "issue_id": issue_id,
        "position": position,
        "author": comment.author,
        "body": comment.body,
        "created_at": as_utc(comment.created_at),
        "updated_at": as_utc(comment.updated_at),
    }


_STORED_COLUMNS = (
    issues.c.id,
    issues.c.org,
    issues.c.repo,
    issues.c.number,
    issues.c.title,
    issues.c.body,
    issues.c.state,
    issues.c.author,
    cast(issues.c.labels, Text),  # JSON text: orjson reads it several times faster than the JSON type's reader
    issues.c.url,
)


# Built once with an expanding parameter: a fresh `in_(list)` per chunk costs more than the query itself.
_ISSUES_BY_ID = select(*_STORED_COLUMNS).where(issues.c.id.in_(bindparam("ids", expanding=True)))
_COMMENTS_OF = (
    select(comments.c.issue_id, comments.c.author, comments.c.body)
    .where(comments.c.issue_id.in_(bindparam("ids", expanding=True)))
    .order_by(comments.c.issue_id, comments.c.position)
)


def _stored_issue(row: Any, issue_comments: list[StoredComment]) -> StoredIssue:
    issue_id, org, repo, number, title, body, state, author, labels, url = row
    names = [label["name"] for label in orjson.loads(labels)]
    return StoredIssue(issue_id, org, repo, number, title, body, state, author, names, url, issue_comments)


def _collection_run(row: Any) -> CollectionRun:
    return CollectionRun(
        row.org, row.repo, as_utc(row.last_success_at), row.resume_cursor, as_utc(row.resume_started_at)
    )
