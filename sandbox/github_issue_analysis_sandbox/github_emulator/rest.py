"""The REST routes of the emulator (JSON shapes and pagination as GitHub's REST API documents them).

`/repos/{owner}/{repo}/issues` mixes pull requests in (items with a `pull_request` key), like GitHub.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse

from .world import Comment, Issue, Label, Org, Repo, World, node_id

NOT_FOUND = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def label_json(label: Label) -> dict[str, Any]:
    return {
        "id": abs(hash(label.name)) % 10**9,
        "node_id": node_id("LA", label.name),
        "name": label.name,
        "color": label.color,
        "description": label.description,
        "default": False,
    }


def issue_json(base: str, org: str, repo: Repo, issue: Issue) -> dict[str, Any]:
    api = f"{base}/repos/{org}/{repo.name}/issues/{issue.number}"
    kind = "pull" if issue.is_pull_request else "issues"
    document: dict[str, Any] = {
        "id": hash((org, repo.name, issue.number)) % 10**9,
        "node_id": node_id("PR" if issue.is_pull_request else "I", org, repo.name, issue.number),
        "url": api,
        "html_url": f"https://github.com/{org}/{repo.name}/{kind}/{issue.number}",
        "number": issue.number,
        "title": issue.title,
        "body": issue.body,
        "state": issue.state.lower(),
        "user": {"login": issue.author},
        "labels": [label_json(lb) for name in issue.labels if (lb := repo.label(name)) is not None],
        "comments": len(issue.comments),
        "created_at": _time(issue.created_at),
        "updated_at": _time(issue.updated_at),
        "closed_at": _time(issue.closed_at),
    }
    if issue.is_pull_request:
        document["pull_request"] = {"url": f"{base}/repos/{org}/{repo.name}/pulls/{issue.number}"}
    return document


def comment_json(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "user": {"login": comment.author},
        "body": comment.body,
        "created_at": _time(comment.created_at),
        "updated_at": _time(comment.updated_at),
    }


def repo_json(org: Org, repo: Repo) -> dict[str, Any]:
    return {
        "name": repo.name,
        "full_name": f"{org.login}/{repo.name}",
        "private": repo.is_private,
        "archived": repo.is_archived,
        "has_issues": repo.has_issues_enabled,
        "owner": {"login": org.login},
        "open_issues_count": sum(1 for i in repo.issues.values() if i.state == "OPEN"),
    }


def paginate(request: Request, items: Sequence[Any]) -> tuple[Sequence[Any], dict[str, str]]:
    per_page = max(1, min(100, int(request.query_params.get("per_page", 30))))
    page = max(1, int(request.query_params.get("page", 1)))
    last = max(1, -(-len(items) // per_page))
    links = []
    for rel, number in (("next", page + 1), ("last", last), ("first", 1), ("prev", page - 1)):
        if (rel in ("next", "last") and page < last) or (rel in ("first", "prev") and page > 1):
            query = urlencode({**request.query_params, "page": number})
            links.append(f'<{request.url.replace(query=query)}>; rel="{rel}"')
    headers = {"link": ", ".join(links)} if links else {}
    return items[(page - 1) * per_page : page * per_page], headers


class RestRoutes:
    def __init__(self, world: World, base_of: Any) -> None:
        self.world = world
        self.base_of = base_of

    def org_repos(self, request: Request) -> JSONResponse:
        org = self.world.org(request.path_params["org"])
        if org is None:
            return JSONResponse(NOT_FOUND, status_code=404)
        repos = sorted(org.repos.values(), key=lambda r: r.name.lower())
        page, headers = paginate(request, [repo_json(org, r) for r in repos])
        return JSONResponse(list(page), headers=headers)

    def _repo(self, request: Request) -> tuple[Org, Repo] | None:
        org = self.world.org(request.path_params["owner"])
        repo = self.world.repo(request.path_params["owner"], request.path_params["repo"])
        if org is None or repo is None or (repo.is_private and not request.state.authenticated):
            return None
        return org, repo

    def repo(self, request: Request) -> JSONResponse:
        found = self._repo(request)
        if found is None:
            return JSONResponse(NOT_FOUND, status_code=404)
        return JSONResponse(repo_json(*found))

    def labels(self, request: Request) -> JSONResponse:
        found = self._repo(request)
        if found is None:
            return JSONResponse(NOT_FOUND, status_code=404)
        page, headers = paginate(request, [label_json(lb) for lb in found[1].labels])
        return JSONResponse(list(page), headers=headers)

    def issues(self, request: Request) -> JSONResponse:
        found = self._repo(request)
        if found is None:
            return JSONResponse(NOT_FOUND, status_code=404)
        org, repo = found
        items = [i for i in repo.issues.values() if _rest_match(i, request)]
        sort = request.query_params.get("sort", "created")
        attribute = {"created": "created_at", "updated": "updated_at"}.get(sort, "created_at")
        items.sort(
            key=lambda i: (len(i.comments) if sort == "comments" else getattr(i, attribute), i.number),
            reverse=request.query_params.get("direction", "desc") == "desc",
        )
        page, headers = paginate(request, items)
        base = self.base_of(request)
        return JSONResponse([issue_json(base, org.login, repo, i) for i in page], headers=headers)

    def issue(self, request: Request) -> JSONResponse:
        found = self._repo(request)
        issue = None if found is None else found[1].issues.get(int(request.path_params["number"]))
        if found is None or issue is None:
            return JSONResponse(NOT_FOUND, status_code=404)
        return JSONResponse(issue_json(self.base_of(request), found[0].login, found[1], issue))

    def comments(self, request: Request) -> JSONResponse:
        found = self._repo(request)
        issue = None if found is None else found[1].issues.get(int(request.path_params["number"]))
        if issue is None:
            return JSONResponse(NOT_FOUND, status_code=404)
        since = request.query_params.get("since")
        items = [c for c in issue.comments if not since or c.updated_at >= datetime.fromisoformat(since)]
        page, headers = paginate(request, [comment_json(c) for c in items])
        return JSONResponse(list(page), headers=headers)


def _rest_match(issue: Issue, request: Request) -> bool:
    state = request.query_params.get("state", "open")
    if state != "all" and issue.state.lower() != state:
        return False
    labels = [lb.strip().lower() for lb in request.query_params.get("labels", "").split(",") if lb.strip()]
    if labels and not set(labels) <= {lb.lower() for lb in issue.labels}:
        return False
    since = request.query_params.get("since")
    return not (since and issue.updated_at < datetime.fromisoformat(since))
