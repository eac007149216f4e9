"""What the collector asks for and what GitHub's GraphQL answers turn into (store records)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from github_issue_analysis import links
from github_issue_analysis.storage.records import CommentRecord, IssueRecord, LabelRecord


@dataclass(frozen=True)
class CollectRequest:
    """Which issues to collect. Dates are UTC datetimes: `*_after` inclusive, `*_before` exclusive.

    `labels`: an issue is kept only when it carries every one of them (case-insensitive).
    `state`: "open", "closed" or "all". `limit`: most issues over all repositories in this run.
    """

    org: str
    repo: str | None = None
    issue_number: int | None = None
    labels: tuple[str, ...] = ()
    state: str = "all"
    limit: int | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    exclude_repos: tuple[str, ...] = ()
    incremental: bool = False
    page_size: int = 100
    comments_page_size: int = 50
    concurrency: int = 4

    @property
    def whole_repository(self) -> bool:
        """True when a finished run has seen every issue of a repository (so it may anchor --incremental)."""
        bounds = (self.created_after, self.created_before, self.updated_after, self.updated_before)
        return self.state == "all" and not self.labels and self.limit is None and not any(bounds)


@dataclass(frozen=True)
class IssueScope:
    """The server-side query for one repository plus the filters applied client-side."""

    states: tuple[str, ...] | None
    since: datetime | None
    server_label: str | None
    labels: tuple[str, ...]
    created_after: datetime | None
    created_before: datetime | None
    updated_before: datetime | None

    @classmethod
    def build(cls, request: CollectRequest, last_success: datetime | None) -> IssueScope:
        starts = [d for d in (request.updated_after, request.created_after, last_success) if d is not None]
        states = None if request.state == "all" else (request.state.upper(),)
        return cls(
            states=states,
            since=max(starts) if starts else None,
            server_label=request.labels[0] if request.labels else None,
            labels=tuple(lb.lower() for lb in request.labels),
            created_after=request.created_after,
            created_before=request.created_before,
            updated_before=request.updated_before,
        )

    def fingerprint(self) -> str:
        """Names the query a resume cursor belongs to: a cursor is only reused for the same query."""
        return hashlib.sha1(repr(self).encode()).hexdigest()[:12]

    def keeps(self, record: IssueRecord) -> bool:
        names = {lb.name.lower() for lb in record.labels}
        if not set(self.labels) <= names:
            return False
        if self.created_after and record.created_at < self.created_after:
            return False
        return not (self.created_before and record.created_at >= self.created_before)

    def past_end(self, record: IssueRecord) -> bool:
        """Issues come in ascending update order: after this one nothing else can match."""
        return self.updated_before is not None and record.updated_at >= self.updated_before


@dataclass(frozen=True)
class ChangeProbe:
    """Asked with the organization's repository listing: how many issues of each repository (of these
    states) changed since `since`, so that an incremental run sends nothing for a repository with none."""

    since: datetime
    states: tuple[str, ...] | None


@dataclass(frozen=True)
class RepoInfo:
    name: str
    is_archived: bool = False
    has_issues: bool = True
    changed: int | None = None
    """Issues changed since the probe's time (None: not probed)."""
    labels: CommentsPage | None = None
    """The label definitions' first page, read with the probe."""
    viewer_permission: str | None = None
    """GitHub's `viewerPermission` (ADMIN, MAINTAIN, WRITE, TRIAGE, READ); None for an App installation token
    (or when not read)."""


@dataclass
class CommentsPage:
    nodes: list[dict[str, Any]]
    has_next: bool
    end_cursor: str | None
    has_previous: bool = False
    total: int | None = None
    start_cursor: str | None = None

    @classmethod
    def parse(cls, connection: dict[str, Any] | None) -> CommentsPage:
        connection = connection or {}
        info = connection.get("pageInfo") or {}
        nodes = [n for n in connection.get("nodes") or [] if n]
        total = connection.get("totalCount")
        return cls(
            nodes,
            bool(info.get("hasNextPage")),
            info.get("endCursor"),
            bool(info.get("hasPreviousPage")),
            int(total) if isinstance(total, int) else None,
            info.get("startCursor"),
        )


@dataclass
class IssuesPage:
    total: int
    nodes: list[dict[str, Any]]
    has_next: bool
    end_cursor: str | None
    labels: CommentsPage | None = None


@dataclass
class PartialIssue:
    """An issue whose comments span more pages than the listing returned: read on forward from `cursor`, or
    (`stored` set) backwards from `cursor` until the comments read join the stored thread of `total`."""

    node: dict[str, Any]
    comments: list[dict[str, Any]] = field(default_factory=list)
    cursor: str | None = None
    has_next: bool = True
    stored: list[CommentRecord] | None = None  # set while reading backwards towards the stored thread
    total: int = 0  # the thread's length as GitHub counted it
    joined: list[CommentRecord] | None = None  # the whole thread, once the comments read joined the stored

    @property
    def id(self) -> str:
        return str(self.node["id"])


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _login(actor: dict[str, Any] | None) -> str | None:
    return actor.get("login") if actor else None


def label_record(node: dict[str, Any]) -> LabelRecord:
    return LabelRecord(name=node["name"], color=node.get("color"), description=node.get("description"))


def comment_record(node: dict[str, Any]) -> CommentRecord:
    return CommentRecord(
        author=_login(node.get("author")),
        body=node.get("body") or "",
        created_at=parse_time(node["createdAt"]) if node.get("createdAt") else None,
        updated_at=parse_time(node["updatedAt"]) if node.get("updatedAt") else None,
    )


def issue_record(
    org: str, repo: str, node: dict[str, Any], comments: list[dict[str, Any]], api_url: str
) -> IssueRecord:
    """The issue as stored; its URL is kept only when it is an https URL on the GitHub behind `api_url`."""
    labels = (node.get("labels") or {}).get("nodes") or []
    return IssueRecord(
        org=org,
        repo=repo,
        number=node["number"],
        title=node.get("title") or "",
        body=node.get("body") or "",
        state=str(node.get("state", "")).lower(),
        author=_login(node.get("author")),
        labels=[label_record(lb) for lb in labels if lb],
        created_at=parse_time(node["createdAt"]),
        updated_at=parse_time(node["updatedAt"]),
        url=links.checked_url(node.get("url"), links.web_host(api_url)),
        comments=[comment_record(c) for c in comments],
    )
