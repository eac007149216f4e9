"""Issue collection, async (`collection_service.py` is its synchronous entry point): GitHub issues (with
every comment) and repository label definitions into the store, for one repository, one issue, or every
repository of an organization."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from github_issue_analysis.errors import InvalidOption
from github_issue_analysis.storage.issue_store import IssueStore
from github_issue_analysis.storage.timeutil import utcnow

from .connection import GitHubConnection
from .graphql import GitHubGraphQL
from .http import GitHubTransport
from .models import ChangeProbe, CollectRequest, CommentsPage, IssueScope, PartialIssue, RepoInfo, issue_record
from .observer import CollectObserver
from .repo_collector import IssueWriter, Quota, RepoCollector
from .reports import CollectReport, RepoReport

T = TypeVar("T")
STATES = ("open", "closed", "all")


def check_request(request: CollectRequest) -> None:
    """Raise InvalidOption for a request that cannot be collected (before anything is sent or written)."""
    if request.state not in STATES:
        raise InvalidOption("state", request.state, f"is not one of {', '.join(STATES)}")
    if request.issue_number is not None and not request.repo:
        raise InvalidOption("issue_number", request.issue_number, "needs a repository")
    if request.limit is not None and request.limit < 1:
        raise InvalidOption("limit", request.limit, "must be at least 1")
    for size, name in ((request.page_size, "page_size"), (request.comments_page_size, "comments_page_size")):
        if not 1 <= size <= 100:
            raise InvalidOption(name, size, "must be between 1 and 100")
    for low, high, name in (
        (request.created_after, request.created_before, "created"),
        (request.updated_after, request.updated_before, "updated"),
    ):
        if low and high and low >= high:
            raise InvalidOption(f"{name}_after", low.isoformat(), f"must be earlier than {name} before")


async def collect_issues(
    store: IssueStore,
    request: CollectRequest,
    connection: GitHubConnection,
    observer: CollectObserver | None = None,
) -> CollectReport:
    """Collect what `request` names into `store`; raises InvalidOption for a request that cannot be collected
    and GitHubError subclasses on GitHub failures."""
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
        listed: dict[str, str | None] | None = None
        if request.issue_number is not None:
            reports = [await _collect_one_issue(store, api, request, seen)]
        else:
            probed_at = utcnow()
            repos = await _target_repositories(api, request, change_probe(store, request))
            seen.repositories_found([repo.name for repo in repos])
            listed = None if request.repo else {repo.name: repo.viewer_permission for repo in repos}
            quota = Quota(request.limit)
            jobs = [RepoCollector(store, api, request, repo, quota, seen, probed_at).run() for repo in repos]
            reports = await _run_bounded(jobs, 1 if request.limit else request.concurrency)
        return CollectReport(request.org, reports, transport.requests, transport.budget.remaining, listed)


def change_probe(store: IssueStore, request: CollectRequest) -> ChangeProbe | None:
    """For an incremental run over a whole organization: ask, with the repository listing, what changed since
    the oldest of the repositories' last collections (a repository with nothing newer then costs nothing)."""
    if not request.incremental or request.repo or request.limit is not None:
        return None
    finished = [run.last_success_at for run in store.collection_runs(request.org) if not run.resume_cursor]
    oldest = min((moment for moment in finished if moment is not None), default=None)
    if oldest is None:
        return None
    scope = IssueScope.build(request, oldest)
    assert scope.since is not None
    return ChangeProbe(scope.since, scope.states)


async def _target_repositories(
    api: GitHubGraphQL, request: CollectRequest, probe: ChangeProbe | None
) -> list[RepoInfo]:
    if request.repo:
        return [RepoInfo(request.repo)]
    excluded = {name.lower() for name in request.exclude_repos}
    repos = await api.org_repositories(request.org, probe)
    return [r for r in repos if r.has_issues and r.name.lower() not in excluded]


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
        writer.write([issue_record(request.org, request.repo, node, comments.nodes, writer.api_url)])
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
