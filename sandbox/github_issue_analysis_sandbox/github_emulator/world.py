"""The emulated GitHub data: organizations, repositories, issues (and pull requests), comments, labels.

Issues and pull requests share one number sequence per repository, as on GitHub. Tests and other
processes change issues through `World.touch_issue` (or `POST /_sandbox/issues/...`), which moves
`updated_at` to now the way an edit or a new comment does on GitHub.
"""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class Label:
    name: str
    color: str
    description: str | None = None


@dataclass
class Comment:
    id: int
    author: str
    body: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class LabelEvent:
    """A label added to (or removed from) an issue: what GitHub's timeline shows as LabeledEvent/UnlabeledEvent."""

    label: str
    added: bool
    actor: str
    created_at: datetime


@dataclass
class Issue:
    number: int
    title: str
    body: str
    author: str
    created_at: datetime
    updated_at: datetime
    state: str = "OPEN"
    labels: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    is_pull_request: bool = False
    closed_at: datetime | None = None
    locked: bool = False
    last_edited_at: datetime | None = None
    label_events: list[LabelEvent] = field(default_factory=list)


@dataclass
class Repo:
    name: str
    labels: list[Label] = field(default_factory=list)
    issues: dict[int, Issue] = field(default_factory=dict)
    is_archived: bool = False
    is_private: bool = False
    has_issues_enabled: bool = True

    def label(self, name: str) -> Label | None:
        return next((lb for lb in self.labels if lb.name.lower() == name.lower()), None)

    def only_issues(self) -> list[Issue]:
        return [i for i in self.issues.values() if not i.is_pull_request]


@dataclass
class Org:
    """An account owning repositories: an organization, or a user account (`is_user`), as `repositoryOwner`
    serves both."""

    login: str
    repos: dict[str, Repo] = field(default_factory=dict)
    is_user: bool = False


def node_id(kind: str, *parts: object) -> str:
    raw = "/".join(str(p) for p in parts).encode()
    return f"{kind}_" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def label_id(org: str, repo: str, name: str) -> str:
    return node_id("LA", org.lower(), repo.lower(), name)


def decode_node_id(value: str) -> tuple[str, list[str]] | None:
    kind, _, raw = value.partition("_")
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return kind, text.split("/")


class World:
    """Every organization the emulator serves, with a lock for changes made from other threads."""

    def __init__(self, orgs: list[Org] | None = None) -> None:
        self.orgs: dict[str, Org] = {}
        self.lock = threading.RLock()
        for org in orgs or []:
            self.add_org(org)

    def add_org(self, org: Org) -> None:
        self.orgs[org.login.lower()] = org

    def org(self, login: str) -> Org | None:
        return self.orgs.get(login.lower())

    def repo(self, owner: str, name: str) -> Repo | None:
        org = self.org(owner)
        if org is None:
            return None
        return next((r for r in org.repos.values() if r.name.lower() == name.lower()), None)

    def issue(self, owner: str, name: str, number: int) -> Issue | None:
        repo = self.repo(owner, name)
        return None if repo is None else repo.issues.get(number)

    def touch_issue(
        self,
        owner: str,
        name: str,
        number: int,
        *,
        title: str | None = None,
        body: str | None = None,
        state: str | None = None,
        comment: str | None = None,
        author: str = "sandbox-bot",
    ) -> Issue:
        """Edit an issue (and/or add a comment); its `updated_at` becomes now."""
        with self.lock:
            issue = self.issue(owner, name, number)
            if issue is None:
                raise KeyError(f"{owner}/{name}#{number}")
            now = utcnow()
            if title is not None or body is not None:
                issue.last_edited_at = now
            issue.title = title if title is not None else issue.title
            issue.body = body if body is not None else issue.body
            if state is not None:
                issue.state = state.upper()
                issue.closed_at = now if issue.state == "CLOSED" else None
            if comment is not None:
                self.add_comment(issue, comment, author)
            issue.updated_at = now
            return issue

    def add_comment(self, issue: Issue, body: str, author: str) -> Comment:
        with self.lock:
            now = utcnow()
            next_id = max((c.id for c in issue.comments), default=issue.number * 1000) + 1
            comment = Comment(next_id, author, body, now, now)
            issue.comments.append(comment)
            issue.updated_at = now
            return comment

    def set_labels(self, issue: Issue, names: list[str], actor: str | None = None) -> None:
        """The issue's labels become `names` (as a person editing them, or a mutation); `updated_at` moves.
        With an `actor`, each label added or removed goes on the issue's timeline as done by that login."""
        with self.lock:
            if [n.lower() for n in names] != [n.lower() for n in issue.labels]:
                now = utcnow()
                if actor is not None:
                    before, after = {n.lower() for n in issue.labels}, {n.lower() for n in names}
                    issue.label_events += [LabelEvent(n, True, actor, now) for n in names if n.lower() not in before]
                    issue.label_events += [
                        LabelEvent(n, False, actor, now) for n in issue.labels if n.lower() not in after
                    ]
                issue.labels = list(names)
                issue.updated_at = now

    def delete_label(self, owner: str, name: str, label: str) -> None:
        """Delete a label from a repository and from every issue carrying it (as GitHub does)."""
        with self.lock:
            repo = self.repo(owner, name)
            if repo is None:
                raise KeyError(f"{owner}/{name}")
            repo.labels = [lb for lb in repo.labels if lb.name.lower() != label.lower()]
            for issue in repo.issues.values():
                issue.labels = [lb for lb in issue.labels if lb.lower() != label.lower()]
