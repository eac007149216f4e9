"""Query root, organizations, repositories and issues of the emulated GraphQL schema."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .access import CURRENT
from .gql_exec import FieldError, Node
from .gql_schema import CommentNode, Connection, LabelNode, RateLimitNode, UserNode
from .world import Issue, Label, LabelEvent, Org, Repo, World, decode_node_id, node_id

_ISSUE_ORDER = {"CREATED_AT": "created_at", "UPDATED_AT": "updated_at", "COMMENTS": "comments"}


@dataclass
class IssueNode(Node):
    org: str
    repo: Repo
    issue: Issue
    typename = "Issue"

    @property
    def url(self) -> str:
        return f"https://github.com/{self.org}/{self.repo.name}/issues/{self.issue.number}"

    def f_id(self, _: dict[str, Any]) -> str:
        return node_id("I", self.org, self.repo.name, self.issue.number)

    def f_number(self, _: dict[str, Any]) -> int:
        return self.issue.number

    def f_title(self, _: dict[str, Any]) -> str:
        return self.issue.title

    def f_body(self, _: dict[str, Any]) -> str:
        return self.issue.body

    def f_state(self, _: dict[str, Any]) -> str:
        return self.issue.state

    def f_url(self, _: dict[str, Any]) -> str:
        return self.url

    def f_createdAt(self, _: dict[str, Any]) -> datetime:
        return self.issue.created_at

    def f_updatedAt(self, _: dict[str, Any]) -> datetime:
        return self.issue.updated_at

    def f_closedAt(self, _: dict[str, Any]) -> datetime | None:
        return self.issue.closed_at

    def f_closed(self, _: dict[str, Any]) -> bool:
        return self.issue.state == "CLOSED"

    def f_locked(self, _: dict[str, Any]) -> bool:
        return self.issue.locked

    def f_activeLockReason(self, _: dict[str, Any]) -> str | None:
        return "RESOLVED" if self.issue.locked else None

    def f_lastEditedAt(self, _: dict[str, Any]) -> datetime | None:
        return self.issue.last_edited_at

    def f_author(self, _: dict[str, Any]) -> Node:
        return UserNode(self.issue.author)

    def f_repository(self, _: dict[str, Any]) -> Node:
        return RepoNode(self.org, self.repo)

    def f_labels(self, args: dict[str, Any]) -> Node:
        labels = [lb for name in self.issue.labels if (lb := self.repo.label(name)) is not None]
        return label_connection(self.org, self.repo, labels, args)

    def f_timelineItems(self, args: dict[str, Any]) -> Node:
        """Label events (and comments) oldest first, filtered by `itemTypes` as GitHub does."""
        kinds = set(args.get("itemTypes") or ("ISSUE_COMMENT", "LABELED_EVENT", "UNLABELED_EVENT"))
        items: list[tuple[datetime, int, Node]] = []
        if "ISSUE_COMMENT" in kinds:
            items += [(c.created_at, i, CommentNode(c, self.url)) for i, c in enumerate(self.issue.comments)]
        for i, event in enumerate(self.issue.label_events):
            if ("LABELED_EVENT" if event.added else "UNLABELED_EVENT") in kinds:
                items.append((event.created_at, len(self.issue.comments) + i, LabelEventNode(self, event, i)))
        return TimelineConnection(
            "IssueTimelineItemsConnection",
            items,
            args,
            lambda item: (item[0].isoformat(), item[1]),
            lambda item: item[2],
            "timelineItems",
        )

    def f_comments(self, args: dict[str, Any]) -> Node:
        indexed = list(enumerate(self.issue.comments))
        return Connection(
            "IssueCommentConnection",
            indexed,
            args,
            lambda pair: (pair[0],),
            lambda pair: CommentNode(pair[1], self.url),
            "comments",
        )


@dataclass
class RepoNode(Node):
    org: str
    repo: Repo
    typename = "Repository"

    def f_id(self, _: dict[str, Any]) -> str:
        return node_id("R", self.org, self.repo.name)

    def f_name(self, _: dict[str, Any]) -> str:
        return self.repo.name

    def f_nameWithOwner(self, _: dict[str, Any]) -> str:
        return f"{self.org}/{self.repo.name}"

    def f_owner(self, _: dict[str, Any]) -> Node:
        return UserNode(self.org)

    def f_url(self, _: dict[str, Any]) -> str:
        return f"https://github.com/{self.org}/{self.repo.name}"

    def f_isArchived(self, _: dict[str, Any]) -> bool:
        return self.repo.is_archived

    def f_isPrivate(self, _: dict[str, Any]) -> bool:
        return self.repo.is_private

    def f_hasIssuesEnabled(self, _: dict[str, Any]) -> bool:
        return self.repo.has_issues_enabled

    def f_viewerPermission(self, _: dict[str, Any]) -> str | None:
        return CURRENT.get().viewer_permission(self.org, self.repo.name)

    def f_labels(self, args: dict[str, Any]) -> Node:
        labels = self.repo.labels
        if args.get("query"):
            labels = [lb for lb in labels if str(args["query"]).lower() in lb.name.lower()]
        return label_connection(self.org, self.repo, labels, args)

    def f_label(self, args: dict[str, Any]) -> Node | None:
        found = self.repo.label(str(args.get("name", "")))
        return None if found is None else LabelNode(self.org, self.repo.name, found)

    def f_issue(self, args: dict[str, Any]) -> Node:
        issue = self.repo.issues.get(int(args.get("number", 0)))
        if issue is None or issue.is_pull_request:
            raise FieldError(f"Could not resolve to an Issue with the number of {args.get('number')}.", "NOT_FOUND")
        return IssueNode(self.org, self.repo, issue)

    def f_issues(self, args: dict[str, Any]) -> Node:
        filter_by = args.get("filterBy") or {}
        issues = [i for i in self.repo.only_issues() if _matches(i, args, filter_by)]
        order = args.get("orderBy") or {}
        attribute = _ISSUE_ORDER.get(order.get("field", ""), "")

        def key(issue: Issue) -> tuple[Any, ...]:
            if attribute == "comments":
                return (len(issue.comments), issue.number)
            if attribute:
                return (getattr(issue, attribute).timestamp(), issue.number)
            return (issue.number,)

        return Connection(
            "IssueConnection",
            issues,
            args,
            key,
            lambda i: IssueNode(self.org, self.repo, i),
            "issues",
            descending=order.get("direction") == "DESC",
        )


def label_connection(org: str, repo: Repo, labels: list[Label], args: dict[str, Any]) -> Node:
    return Connection(
        "LabelConnection",
        labels,
        args,
        lambda lb: (lb.name.lower(),),
        lambda lb: LabelNode(org, repo.name, lb),
        "labels",
    )


def _matches(issue: Issue, args: dict[str, Any], filter_by: dict[str, Any]) -> bool:
    states = args.get("states") or filter_by.get("states")
    if states and issue.state not in states:
        return False
    labels = args.get("labels") or filter_by.get("labels")
    if labels and not {lb.lower() for lb in labels} & {lb.lower() for lb in issue.labels}:
        return False
    since = filter_by.get("since")
    if since and issue.updated_at < datetime.fromisoformat(since):
        return False
    created_by = filter_by.get("createdBy")
    return not (created_by and issue.author.lower() != created_by.lower())


@dataclass
class OrgNode(Node):
    """An account owning repositories: `Organization`, or `User` for a user account. The repositories the
    request's token cannot see are left out, as on GitHub."""

    org: Org

    @property
    def typename(self) -> str:  # type: ignore[override]
        return "User" if self.org.is_user else "Organization"

    def f_login(self, _: dict[str, Any]) -> str:
        return self.org.login

    def f_name(self, _: dict[str, Any]) -> str:
        return self.org.login

    def f_id(self, _: dict[str, Any]) -> str:
        return node_id("O", self.org.login)

    def f_url(self, _: dict[str, Any]) -> str:
        return f"https://github.com/{self.org.login}"

    def f_avatarUrl(self, _: dict[str, Any]) -> str:
        return f"https://avatars.githubusercontent.com/{self.org.login}"

    def f_repositories(self, args: dict[str, Any]) -> Node:
        access = CURRENT.get()
        repos = [r for r in self.org.repos.values() if access.visible(self.org.login, r.name)]
        if args.get("isArchived") is not None:
            repos = [r for r in repos if r.is_archived == args["isArchived"]]
        order = args.get("orderBy") or {}
        return Connection(
            "RepositoryConnection",
            repos,
            args,
            lambda r: (r.name.lower(),),
            lambda r: RepoNode(self.org.login, r),
            "repositories",
            descending=order.get("direction") == "DESC",
        )

    def f_repository(self, args: dict[str, Any]) -> Node | None:
        repo = next((r for r in self.org.repos.values() if r.name.lower() == str(args.get("name")).lower()), None)
        if repo is None or not CURRENT.get().visible(self.org.login, repo.name):
            return None
        return RepoNode(self.org.login, repo)


class QueryRoot(Node):
    typename = "Query"

    def __init__(self, world: World, rate_limit: RateLimitNode, viewer: str) -> None:
        self.world = world
        self.rate_limit = rate_limit
        self.viewer = viewer

    def f_rateLimit(self, _: dict[str, Any]) -> Node:
        return self.rate_limit

    def f_viewer(self, _: dict[str, Any]) -> Node:
        return UserNode(self.viewer)

    def f_organization(self, args: dict[str, Any]) -> Node:
        org = self.world.org(str(args.get("login")))
        if org is None or org.is_user:
            raise FieldError(
                f"Could not resolve to an Organization with the login of '{args.get('login')}'.", "NOT_FOUND"
            )
        return OrgNode(org)

    def f_user(self, args: dict[str, Any]) -> Node:
        login = str(args.get("login"))
        org = self.world.org(login)
        if org is not None and org.is_user:
            return OrgNode(org)
        if login.lower() == self.viewer.lower():
            return UserNode(self.viewer)
        raise FieldError(f"Could not resolve to a User with the login of '{login}'.", "NOT_FOUND")

    def f_repositoryOwner(self, args: dict[str, Any]) -> Node | None:
        """GitHub answers null, without an error, for a login that is no account."""
        org = self.world.org(str(args.get("login")))
        return None if org is None else OrgNode(org)

    def f_repository(self, args: dict[str, Any]) -> Node:
        owner, name = str(args.get("owner")), str(args.get("name"))
        repo = self.world.repo(owner, name)
        org = self.world.org(owner)
        if repo is None or org is None or not CURRENT.get().visible(org.login, repo.name):
            raise FieldError(f"Could not resolve to a Repository with the name '{owner}/{name}'.", "NOT_FOUND")
        return RepoNode(org.login, repo)

    def f_node(self, args: dict[str, Any]) -> Node:
        found = self.node(str(args.get("id")))
        if found is None:
            raise FieldError(f"Could not resolve to a node with the global id of '{args.get('id')}'", "NOT_FOUND")
        return found

    def f_nodes(self, args: dict[str, Any]) -> list[Node | None]:
        return [self.node(str(i)) for i in args.get("ids") or []]

    def node(self, value: str) -> Node | None:
        decoded = decode_node_id(value)
        if decoded is None:
            return None
        kind, parts = decoded
        if kind == "I" and len(parts) == 3 and parts[2].isdigit():
            org, repo = self.world.org(parts[0]), self.world.repo(parts[0], parts[1])
            issue = None if repo is None else repo.issues.get(int(parts[2]))
            if org is not None and repo is not None and issue is not None and not issue.is_pull_request:
                return IssueNode(org.login, repo, issue)
        if kind == "LA" and len(parts) >= 3:
            org, repo = self.world.org(parts[0]), self.world.repo(parts[0], parts[1])
            label = None if repo is None else repo.label("/".join(parts[2:]))
            if org is not None and repo is not None and label is not None:
                return LabelNode(org.login, repo.name, label)
        if kind == "R" and len(parts) == 2:
            org, repo = self.world.org(parts[0]), self.world.repo(parts[0], parts[1])
            if org is not None and repo is not None:
                return RepoNode(org.login, repo)
        return None


@dataclass
class LabelEventNode(Node):
    """GitHub's LabeledEvent / UnlabeledEvent: who added or removed which label, when."""

    issue: IssueNode
    event: LabelEvent
    index: int

    @property
    def typename(self) -> str:  # type: ignore[override]
        return "LabeledEvent" if self.event.added else "UnlabeledEvent"

    def f_id(self, _: dict[str, Any]) -> str:
        return node_id("LE", self.issue.org, self.issue.repo.name, self.issue.issue.number, self.index)

    def f_actor(self, _: dict[str, Any]) -> Node:
        return UserNode(self.event.actor)

    def f_createdAt(self, _: dict[str, Any]) -> datetime:
        return self.event.created_at

    def f_label(self, _: dict[str, Any]) -> Node:
        label = self.issue.repo.label(self.event.label) or Label(self.event.label, "ededed", None)
        return LabelNode(self.issue.org, self.issue.repo.name, label)

    def f_labelable(self, _: dict[str, Any]) -> Node:
        return self.issue


class TimelineConnection(Connection):
    """A timeline page, with the counts GitHub's IssueTimelineItemsConnection adds."""

    def f_filteredCount(self, _: dict[str, Any]) -> int:
        return self.total

    def f_pageCount(self, _: dict[str, Any]) -> int:
        return len(self.page)

    def f_updatedAt(self, _: dict[str, Any]) -> datetime:
        return max((item[0] for item in self.page), default=datetime(2008, 1, 1))
