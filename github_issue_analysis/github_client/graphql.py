"""GitHub's GraphQL API for collection: the queries (real schema names) and their answers.

One listing request returns up to 100 issues with their labels and first comments; issues with more
comments are followed up in batches (one aliased `node(id:)` per issue, several issues per request).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from .github_errors import GitHubForbidden, GitHubNotFound, GitHubQueryError
from .http import GitHubTransport
from .models import ChangeProbe, CommentsPage, IssueScope, IssuesPage, PartialIssue, RepoInfo

RATE = "rateLimit { cost remaining resetAt limit }"
PAGE_INFO = "pageInfo { hasNextPage endCursor }"
COMMENT = "author { login } body createdAt updatedAt"
LABEL = "name color description"
FOLLOW_UP_COMMENTS = 100
"""Comments per issue in a follow-up request."""
FOLLOW_UP_ISSUES = 25
"""Issues per follow-up request (25 x 100 comment nodes)."""


def repo_labels(paged: bool = False) -> str:
    after = ", after: $after" if paged else ""
    return f"labels(first: 100{after}) {{ nodes {{ {LABEL} }} {PAGE_INFO} }}"


def issue_fields(comments: int, newest: bool = False) -> str:
    """An issue with its first `comments` comments, or (`newest`) its last ones, to join to a stored thread."""
    window = f"last: {comments}" if newest else f"first: {comments}"
    info = "pageInfo { hasNextPage endCursor hasPreviousPage startCursor }" if newest else PAGE_INFO
    return (
        "id number title body state url createdAt updatedAt author { login } "
        f"labels(first: 100) {{ nodes {{ {LABEL} }} }} "
        f"comments({window}) {{ totalCount {info} nodes {{ {COMMENT} }} }}"
    )


def issues_query(
    scope: IssueScope, after: str | None, with_labels: bool, comments: int, newest: bool = False
) -> tuple[str, dict[str, Any]]:
    """The listing query, with only the arguments this scope uses (no nulls sent to GitHub)."""
    variables: dict[str, Any] = {}
    definitions = ["$owner: String!", "$name: String!", "$first: Int!"]
    arguments = ["first: $first", "orderBy: {field: UPDATED_AT, direction: ASC}"]
    filters = []
    if after:
        definitions.append("$after: String")
        arguments.append("after: $after")
        variables["after"] = after
    if scope.states:
        definitions.append("$states: [IssueState!]")
        arguments.append("states: $states")
        variables["states"] = list(scope.states)
    if scope.since:
        definitions.append("$since: DateTime")
        filters.append("since: $since")
        variables["since"] = github_time(scope.since)
    if scope.server_label:
        definitions.append("$labels: [String!]")
        filters.append("labels: $labels")
        variables["labels"] = [scope.server_label]
    if filters:
        arguments.append("filterBy: {" + ", ".join(filters) + "}")
    labels = repo_labels() if with_labels else ""
    query = (
        f"query ListIssues({', '.join(definitions)}) {{ {RATE} "
        f"repository(owner: $owner, name: $name) {{ {labels} "
        f"issues({', '.join(arguments)}) {{ totalCount {PAGE_INFO} "
        f"nodes {{ {issue_fields(comments, newest)} }} }} }} }}"
    )
    return query, variables


class GitHubGraphQL:
    def __init__(self, transport: GitHubTransport, comments_page_size: int = 50) -> None:
        self.transport = transport
        self.comments_page_size = comments_page_size

    async def query(self, query: str, variables: dict[str, Any], tolerate: frozenset[str] = frozenset()) -> Any:
        body = await self.transport.post_graphql(query, variables)
        data = body.get("data") or {}
        self.transport.budget.read_graphql(data.get("rateLimit"))
        errors = [e for e in body.get("errors") or [] if e.get("type") not in tolerate]
        if errors:
            raise _graphql_error(errors[0])
        if not data:
            raise GitHubQueryError("GitHub's GraphQL API answered without data")
        return data

    async def org_repositories(self, org: str, probe: ChangeProbe | None = None) -> list[RepoInfo]:
        """The organization's repositories; with a `probe`, each one also says how many of its issues changed
        since the probe's time, and brings its label definitions (so an unchanged one needs no request)."""
        definitions, extra = ["$login: String!", "$after: String"], ""
        variables: dict[str, Any] = {"login": org}
        if probe is not None:
            definitions.append("$since: DateTime")
            variables["since"] = github_time(probe.since)
            states = ""
            if probe.states:
                definitions.append("$states: [IssueState!]")
                variables["states"] = list(probe.states)
                states = ", states: $states"
            extra = f" {repo_labels()} changed: issues(first: 1, filterBy: {{since: $since}}{states}) {{ totalCount }}"
        query = (
            f"query OrgRepos({', '.join(definitions)}) {{ {RATE} repositoryOwner(login: $login) {{ "
            # OWNER only: a user's default also lists repositories of others they collaborate on
            "repositories(first: 100, after: $after, ownerAffiliations: [OWNER], "
            "orderBy: {field: NAME, direction: ASC}) { "
            f"nodes {{ name isArchived hasIssuesEnabled viewerPermission{extra} }} {PAGE_INFO} }} }} }}"
        )
        repos: list[RepoInfo] = []
        after: str | None = None
        while True:
            data = await self.query(query, {**variables, "after": after})
            owner = data.get("repositoryOwner")
            if owner is None:  # GitHub answers null, without an error, for a login that is no account
                raise GitHubNotFound(f"Could not resolve to an organization or user with the login of '{org}'.")
            connection = owner["repositories"]
            repos += [_repo_info(n, probe) for n in connection["nodes"] if n]
            if not connection["pageInfo"]["hasNextPage"]:
                return repos
            after = connection["pageInfo"]["endCursor"]

    async def repository_permissions(self, org: str, names: list[str]) -> dict[str, str | None]:
        """`viewerPermission` of each named repository, in one request; a name the token cannot see (or that
        does not exist) is left out of the answer."""
        if not names:
            return {}
        definitions = ["$owner: String!"] + [f"$n{index}: String!" for index in range(len(names))]
        parts = [
            f"r{index}: repository(owner: $owner, name: $n{index}) {{ name viewerPermission }}"
            for index in range(len(names))
        ]
        variables: dict[str, Any] = {"owner": org} | {f"n{index}": name for index, name in enumerate(names)}
        query = f"query RepoReach({', '.join(definitions)}) {{ {RATE} {' '.join(parts)} }}"
        data = await self.query(query, variables, tolerate=frozenset({"NOT_FOUND"}))
        found = [data.get(f"r{index}") for index in range(len(names))]
        return {name: node.get("viewerPermission") for name, node in zip(names, found, strict=True) if node}

    async def issues_page(
        self,
        owner: str,
        name: str,
        scope: IssueScope,
        after: str | None,
        first: int,
        with_labels: bool,
        newest_comments: bool = False,
    ) -> IssuesPage:
        query, variables = issues_query(scope, after, with_labels, self.comments_page_size, newest_comments)
        data = await self.query(query, {"owner": owner, "name": name, "first": first, **variables})
        repository = data["repository"]
        issues = repository["issues"]
        return IssuesPage(
            total=int(issues.get("totalCount") or 0),
            nodes=[n for n in issues["nodes"] if n],
            has_next=bool(issues["pageInfo"]["hasNextPage"]),
            end_cursor=issues["pageInfo"]["endCursor"],
            labels=CommentsPage.parse(repository["labels"]) if with_labels else None,
        )

    async def more_labels(self, owner: str, name: str, after: str) -> CommentsPage:
        query = (
            f"query RepoLabels($owner: String!, $name: String!, $after: String) {{ {RATE} "
            f"repository(owner: $owner, name: $name) {{ {repo_labels(paged=True)} }} }}"
        )
        data = await self.query(query, {"owner": owner, "name": name, "after": after})
        return CommentsPage.parse(data["repository"]["labels"])

    async def issue(self, owner: str, name: str, number: int) -> tuple[dict[str, Any], CommentsPage]:
        query = (
            f"query OneIssue($owner: String!, $name: String!, $number: Int!) {{ {RATE} "
            f"repository(owner: $owner, name: $name) {{ {repo_labels()} "
            f"issue(number: $number) {{ {issue_fields(self.comments_page_size)} }} }} }}"
        )
        data = await self.query(query, {"owner": owner, "name": name, "number": number})
        return data["repository"]["issue"], CommentsPage.parse(data["repository"]["labels"])

    async def more_comments(self, issues: list[PartialIssue]) -> dict[str, CommentsPage]:
        """The next page of comments of each issue (at most FOLLOW_UP_ISSUES), in one request: onwards from
        the cursor, or, for an issue read backwards towards its stored thread, the page before it."""
        definitions: list[str] = []
        parts: list[str] = []
        variables: dict[str, Any] = {}
        for index, issue in enumerate(issues):
            backwards = issue.stored is not None
            mark = "before" if backwards else "after"
            window = f"last: {FOLLOW_UP_COMMENTS}, before" if backwards else f"first: {FOLLOW_UP_COMMENTS}, after"
            info = "pageInfo { hasPreviousPage startCursor }" if backwards else PAGE_INFO
            definitions += [f"$id{index}: ID!", f"${mark}{index}: String"]
            variables |= {f"id{index}": issue.id, f"{mark}{index}": issue.cursor}
            parts.append(
                f"i{index}: node(id: $id{index}) {{ ... on Issue {{ comments({window}: ${mark}{index}) "
                f"{{ {info} nodes {{ {COMMENT} }} }} }} }}"
            )
        query = f"query MoreComments({', '.join(definitions)}) {{ {RATE} {' '.join(parts)} }}"
        data = await self.query(query, variables, tolerate=frozenset({"NOT_FOUND"}))
        return {
            issue.id: CommentsPage.parse((data.get(f"i{index}") or {}).get("comments"))
            for index, issue in enumerate(issues)
        }


def _repo_info(node: dict[str, Any], probe: ChangeProbe | None) -> RepoInfo:
    info = RepoInfo(
        node["name"],
        bool(node.get("isArchived")),
        node.get("hasIssuesEnabled") is not False,
        viewer_permission=node.get("viewerPermission"),
    )
    if probe is None:
        return info
    changed = (node.get("changed") or {}).get("totalCount")
    labels = CommentsPage.parse(node.get("labels")) if node.get("labels") is not None else None
    return replace(info, changed=int(changed) if isinstance(changed, int) else None, labels=labels)


def _graphql_error(error: dict[str, Any]) -> Exception:
    message = str(error.get("message") or "GraphQL error")
    kind = error.get("type")
    if kind == "NOT_FOUND":
        return GitHubNotFound(message)
    if kind in ("FORBIDDEN", "INSUFFICIENT_SCOPES"):
        return GitHubForbidden(f"{message}; check the token's scopes")
    return GitHubQueryError(f"GitHub rejected the query: {message}")


def github_time(moment: datetime) -> str:
    """ISO 8601 in UTC with a 4-digit year (`strftime("%Y")` writes year 1 as "1", which GitHub rejects)."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
