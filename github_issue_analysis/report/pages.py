"""Read-only pages: groups and organizations, and the report of one group or organization, live."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from github_issue_analysis.domain.groups import summarize
from github_issue_analysis.errors import AmbiguousId, UnknownId
from github_issue_analysis.storage.store import Store

from .builder import ReportScope, build_report
from .model import ReportData
from .page import page


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def home(request: Request) -> Response:
    store = store_of(request)

    def load() -> tuple[list[object], list[str]]:
        groups = [summarize(group, children) for group, children in store.jobs.groups(200)]
        orgs = sorted({repo.org for repo in store.issues.summary()})
        return list(groups), orgs

    groups, orgs = await run_in_threadpool(load)
    return page(request, "home.html.j2", title="gh-analysis", groups=groups, orgs=orgs)


async def group_report(request: Request) -> Response:
    return await _report(request, ReportScope(group=request.path_params["group_id"]))


async def org_report(request: Request) -> Response:
    org = request.path_params["org"]
    known_org(request, org)
    return await _report(request, ReportScope(org=org))


async def _report(request: Request, scope: ReportScope) -> Response:
    try:
        data: ReportData = await run_in_threadpool(build_report, store_of(request), scope)
    except (UnknownId, AmbiguousId):
        raise HTTPException(404, f"No batch group '{scope.group}' in this store.") from None
    return page(request, "group.html.j2", title=data.title, data=data, group_links=True, org=data.org)


def known_org(request: Request, org: str) -> None:
    if org not in {repo.org for repo in store_of(request).issues.summary()}:
        raise HTTPException(404, f"No organization '{org}' in this store.")
