"""The collection service: GitHub issues (with every comment) and repository label definitions into the
store, for one repository, one issue, or every repository of an organization."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from github_issue_analysis.storage.issue_store import IssueStore

from .graphql import GitHubGraphQL
from .http import PUBLIC_API, GitHubTransport, Sleep
from .models import CollectRequest, CommentsPage, PartialIssue, issue_record
from .ratelimit import RateBudget, RetryPolicy
from .repo_collector import IssueWriter, Quota, RepoCollector, RepoReport

T = TypeVar("T")
STATES = ("open", "closed", "all")


class CollectObserver:
    """Progress hooks (all optional): the CLI draws them; tests may record them."""

    def repositories_found(self, repos: Sequence[str]) -> None: ...

    def repository_started(self, repo: str, total_issues: int) -> None: ...

    def issues_stored(self, repo: str, count: int) -> None: ...

    def repository_finished(self, report: RepoReport) -> None: ...

    def request_sent(self, requests: int, budget: RateBudget) -> None: ...

    def waiting(self, message: str, seconds: float) -> None: ...


@dataclass(frozen=True)
class GitHubConnection:
    api_url: str = PUBLIC_API
    token: str | None = field(default=None, repr=False)
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Sleep | None = None


@dataclass
class CollectReport:
    org: str
    repositories: list[RepoReport]
    requests: int
    rate_limit_remaining: int | None

    @property
    def issues(self) -> int:
        return sum(r.issues for r in self.repositories)

    def as_dict(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "issues": self.issues,
            "inserted": sum(r.inserted for r in self.repositories),
            "updated": sum(r.updated for r in self.repositories),
            "comments": sum(r.comments for r in self.repositories),
            "requests": self.requests,
            "rate_limit_remaining": self.rate_limit_remaining,
            "repositories": [asdict(r) for r in self.repositories],
        }


def check_request(request: CollectRequest) -> None:
    """Raise ValueError for a request that cannot be collected (before anything is sent or written)."""
    if request.state not in STATES:
        raise ValueError(f"--state must be one of {', '.join(STATES)}")
    if request.issue_number is not None and not request.repo:
        raise ValueError("--issue-number needs --repo")
    if request.limit is not None and request.limit < 1:
        raise ValueError("--limit must be at least 1")
    if not 1 <= request.page_size <= 100 or not 1 <= request.comments_page_size <= 100:
        raise ValueError("page sizes must be between 1 and 100")
    for low, high, name in (
        (request.created_after, request.created_before, "created"),
        (request.updated_after, request.updated_before, "updated"),
    ):
        if low and high and low >= high:
            raise ValueError(f"--{name}-after must be earlier than --{name}-before")


async def collect_issues(
    store: IssueStore,
    request: CollectRequest,
    connection: GitHubConnection,
    observer: CollectObserver | None = None,
) -> CollectReport:
    """Collect what `request` names into `store`; raises GitHubError subclasses on GitHub failures."""
    check_request(request)
    seen = observer or CollectObserver()
    async with GitHubTransport(
        connection.api_url,
        connection.token,
        policy=connection.policy,
        sleep=connection.sleep,
        on_wait=seen.waiting,
        on_response=seen.request_sent,
    ) as transport:
        api = GitHubGraphQL(transport, request.comments_page_size)
        if request.issue_number is not None:
            reports = [await _collect_one_issue(store, api, request, seen)]
        else:
            repos = await _target_repositories(api, request)
            seen.repositories_found(repos)
            quota = Quota(request.limit)
            jobs = [RepoCollector(store, api, request, repo, quota, seen).run() for repo in repos]
            reports = await _run_bounded(jobs, 1 if request.limit else request.concurrency)
        return CollectReport(request.org, reports, transport.requests, transport.budget.remaining)


async def _target_repositories(api: GitHubGraphQL, request: CollectRequest) -> list[str]:
    if request.repo:
        return [request.repo]
    excluded = {name.lower() for name in request.exclude_repos}
    repos = await api.org_repositories(request.org)
    return [r.name for r in repos if r.has_issues and r.name.lower() not in excluded]


async def _collect_one_issue(
    store: IssueStore, api: GitHubGraphQL, request: CollectRequest, observer: CollectObserver
) -> RepoReport:
    assert request.repo is not None and request.issue_number is not None
    observer.repositories_found([request.repo])
    node, labels = await api.issue(request.org, request.repo, request.issue_number)
    writer = IssueWriter(store, api, request.org, request.repo, observer)
    writer.report.mode = "single"
    await writer.store_labels(labels)
    observer.repository_started(request.repo, 1)
    comments = CommentsPage.parse(node.get("comments"))
    if comments.has_next:
        await writer.complete([PartialIssue(node, comments.nodes, comments.end_cursor)])
    else:
        writer.write([issue_record(request.org, request.repo, node, comments.nodes)])
    observer.repository_finished(writer.report)
    return writer.report


async def _run_bounded(jobs: list[Coroutine[Any, Any, T]], limit: int) -> list[T]:
    """Run jobs at most `limit` at a time; the first failure cancels the rest and is raised as itself."""
    gate = asyncio.Semaphore(max(1, limit))

    async def gated(job: Coroutine[Any, Any, T]) -> T:
        async with gate:
            return await job

    tasks: list[asyncio.Task[T]] = []
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(gated(job)) for job in jobs]
    except BaseExceptionGroup as failed:
        raise _first_leaf(failed) from None
    return [task.result() for task in tasks]


def _first_leaf(group: BaseExceptionGroup[BaseException]) -> BaseException:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first
