"""Bulk reads for label writes: the live labels (and state, lock, archive flag) of up to 100 issues per
request (aliased `repository { issue(number:) }`), a repository's label node ids, and the token's login."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .graphql import PAGE_INFO, RATE, GitHubGraphQL
from .issue_aliases import IssueKey, read_issues

ISSUES_PER_REQUEST = 100
MARKER_COMMENTS = 100
"""Most recent comments read back to find a comment this tool may already have posted."""


@dataclass(frozen=True)
class LiveIssue:
    id: str
    state: str
    locked: bool
    archived: bool
    labels: tuple[str, ...]
    updated_at: datetime | None
    last_edited_at: datetime | None
    recent_comments: tuple[str, ...] = ()

    def has_label(self, name: str) -> bool:
        return name.lower() in {lb.lower() for lb in self.labels}


@dataclass
class RepoLabels:
    archived: bool
    ids: dict[str, tuple[str, str]] = field(default_factory=dict)
    """lower-cased name -> (name, node id)"""

    def id_of(self, name: str) -> str | None:
        found = self.ids.get(name.lower())
        return found[1] if found else None


class LabelReader:
    def __init__(self, api: GitHubGraphQL) -> None:
        self.api = api

    async def viewer_login(self) -> str:
        data = await self.api.query(f"query Viewer {{ {RATE} viewer {{ login }} }}", {})
        return str(data["viewer"]["login"])

    async def repo_labels(self, owner: str, name: str) -> RepoLabels:
        query = (
            f"query RepoLabelIds($owner: String!, $name: String!, $after: String) {{ {RATE} "
            "repository(owner: $owner, name: $name) { isArchived "
            f"labels(first: 100, after: $after) {{ nodes {{ id name }} {PAGE_INFO} }} }} }}"
        )
        after: str | None = None
        labels: RepoLabels | None = None
        while True:
            data = await self.api.query(query, {"owner": owner, "name": name, "after": after})
            repository = data["repository"]
            labels = labels or RepoLabels(bool(repository["isArchived"]))
            for node in repository["labels"]["nodes"] or []:
                labels.ids[str(node["name"]).lower()] = (str(node["name"]), str(node["id"]))
            page = repository["labels"]["pageInfo"]
            if not page["hasNextPage"]:
                return labels
            after = page["endCursor"]

    async def issues(self, keys: Sequence[IssueKey], with_comments: bool = False) -> dict[IssueKey, LiveIssue | None]:
        """Live state of every issue (None: not found), ISSUES_PER_REQUEST issues per request."""
        comments = f"comments(last: {MARKER_COMMENTS}) {{ nodes {{ body }} }}" if with_comments else ""
        fields = f"id state locked updatedAt lastEditedAt labels(first: 100) {{ nodes {{ name }} }} {comments}"
        found = await read_issues(self.api, keys, ISSUES_PER_REQUEST, "LiveIssues", fields, "isArchived")
        return {
            key: _live(node, bool(repository.get("isArchived"))) if node else None
            for key, (node, repository) in found.items()
        }


def _live(node: dict[str, Any], archived: bool) -> LiveIssue:
    comments = (node.get("comments") or {}).get("nodes") or []
    return LiveIssue(
        id=str(node["id"]),
        state=str(node["state"]),
        locked=bool(node.get("locked")),
        archived=archived,
        labels=tuple(str(n["name"]) for n in (node.get("labels") or {}).get("nodes") or [] if n),
        updated_at=_time(node.get("updatedAt")),
        last_edited_at=_time(node.get("lastEditedAt")),
        recent_comments=tuple(str(c.get("body") or "") for c in comments if c),
    )


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
