"""The GitHub emulator as a Starlette app: GraphQL at `/graphql` and `/api/graphql`, REST at `/` and
`/api/v3` (GitHub Enterprise layout), and `/_sandbox/...` routes to read counters and change faults."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .access import CURRENT, access_for
from .config import GitHubEmulatorConfig
from .faults import RATE_LIMIT_DOCS, ContentLimiter, Faults, RateBudget, RequestStats, secondary_limit_response
from .generator import acme_org, benchmark_org, demo_org
from .gql_exec import Node, Prepared, QueryError, cost, execute, prepare
from .gql_mutations import MutationRoot
from .gql_objects import QueryRoot
from .gql_schema import RateLimitNode
from .rest import RestRoutes
from .world import World

Handler = Callable[[Request], Awaitable[Response]]
_REST = (
    ("/orgs/{org}/repos", "org_repos"),
    ("/repos/{owner}/{repo}", "repo"),
    ("/repos/{owner}/{repo}/labels", "labels"),
    ("/repos/{owner}/{repo}/issues", "issues"),
    ("/repos/{owner}/{repo}/issues/{number:int}", "issue"),
    ("/repos/{owner}/{repo}/issues/{number:int}/comments", "comments"),
)


def default_world() -> World:
    """`acme` (repos of different sizes, heavy comment threads) and `sandbox-org` (the demo's ≈95 issues)."""
    return World([acme_org(), demo_org()])


def benchmark_world(total_issues: int = 1000) -> World:
    return World([benchmark_org(total_issues)])


def _token(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() in ("bearer", "token") and value.strip() else None


def _rest_base(request: Request) -> str:
    root = str(request.base_url).rstrip("/")
    return root + "/api/v3" if request.url.path.startswith("/api/v3/") else root


class GitHubEmulator:
    """Deterministic GitHub data behind GitHub's GraphQL and REST shapes, with switchable faults."""

    def __init__(self, world: World | None = None, config: GitHubEmulatorConfig | None = None) -> None:
        self.world = world or default_world()
        self.config = config or GitHubEmulatorConfig()
        self.stats = RequestStats()
        self.budget = RateBudget(self.config)
        self.faults = Faults(self.config, self.stats)
        self.content_limiter = ContentLimiter(self.config)
        self.rest = RestRoutes(self.world, _rest_base)
        self.app = self._build_app()

    def configure(self, **changes: Any) -> GitHubEmulatorConfig:
        for name, value in changes.items():
            if name not in GitHubEmulatorConfig.model_fields:
                raise ValueError(f"unknown emulator setting: {name}")
            setattr(self.config, name, value)
        return self.config

    def _build_app(self) -> Starlette:
        routes = [
            Route("/_sandbox/stats", self._stats, methods=["GET"]),
            Route("/_sandbox/stats/reset", self._reset_stats, methods=["POST"]),
            Route("/_sandbox/config", self._config, methods=["GET", "POST"]),
            Route("/_sandbox/issues/{owner}/{repo}/{number:int}", self._touch, methods=["POST"]),
            Route("/_sandbox/repos/{owner}/{repo}", self._repo_change, methods=["POST"]),
        ]
        graphql = self._guarded("POST /graphql", self._graphql, rest=False)
        routes += [Route(p, graphql, methods=["POST"]) for p in ("/graphql", "/api/graphql")]
        for prefix in ("", "/api/v3"):
            for path, name in _REST:
                handler = self._rest_handler(getattr(self.rest, name))
                routes.append(Route(prefix + path, self._guarded(f"GET {path}", handler), methods=["GET"]))
            routes.append(
                Route(
                    prefix + "/rate_limit",
                    self._guarded("GET /rate_limit", self._rate_limit, rest=False),
                    methods=["GET"],
                )
            )
            routes.append(Route(prefix + "/user", self._guarded("GET /user", self._user), methods=["GET"]))
        app = Starlette(routes=routes)
        app.state.emulator = self
        return app

    def _guarded(self, route: str, handler: Handler, rest: bool = True) -> Handler:
        async def endpoint(request: Request) -> Response:
            self.stats.record(route)
            if self.config.latency_ms:
                await asyncio.sleep(self.config.latency_ms / 1000)
            if self.faults.take("hang_next_n"):
                await asyncio.sleep(self.config.hang_seconds)
            fault = self.faults.server_error() or self._auth_failure(request) or self.faults.secondary_limit()
            if fault is not None:
                return fault
            if rest and not self.budget.try_spend(1):
                self.stats.record_fault("rate_limited")
                body = {
                    "message": "API rate limit exceeded for user ID 1.",
                    "documentation_url": RATE_LIMIT_DOCS,
                }
                return JSONResponse(body, status_code=403, headers=self.budget.headers("core"))
            response = await handler(request)
            if rest:
                response.headers.update(self.budget.headers("core"))
            return response

        return endpoint

    def _auth_failure(self, request: Request) -> Response | None:
        token = _token(request)
        request.state.authenticated = token is not None
        valid = self.config.valid_tokens
        if token is not None and valid is not None and token not in valid:
            return JSONResponse(
                {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"},
                status_code=401,
            )
        return None

    def _rest_handler(self, method: Callable[[Request], Response]) -> Handler:
        async def handler(request: Request) -> Response:
            return method(request)

        return handler

    async def _graphql(self, request: Request) -> Response:
        if not request.state.authenticated:
            return JSONResponse(
                {
                    "message": "This endpoint requires you to be authenticated.",
                    "documentation_url": "https://docs.github.com/graphql",
                },
                status_code=401,
            )
        try:
            payload = json.loads(await request.body())
            if not isinstance(payload, dict):
                raise ValueError("the request body must be a JSON object")
            prepared = prepare(str(payload.get("query", "")), payload.get("variables"), payload.get("operationName"))
            points, nodes = cost(prepared)
        except ValueError as error:
            return JSONResponse({"errors": [{"message": f"Problems parsing JSON: {error}"}]}, status_code=400)
        except QueryError as error:
            return JSONResponse({"errors": error.errors})
        if not self.budget.try_spend(points):
            return self._graphql_rate_limited()
        if prepared.is_mutation and (wait := self.content_limiter.try_take(prepared.mutation_fields)) is not None:
            self.stats.record_fault("secondary_limit")
            return secondary_limit_response(self.config, wait)
        root = self._root(request, prepared, RateLimitNode(*self._rate_limit_args(points, nodes)))
        self.stats.record_graphql(
            [s.name.value for s in prepared.operation.selection_set.selections if hasattr(s, "name")]
            if prepared.is_mutation
            else []
        )
        access = access_for(self.config.token_permissions, self.config.app_tokens, _token(request) or "")
        with self.world.lock:
            held = CURRENT.set(access)
            try:
                answer = execute(prepared, root)
            finally:
                CURRENT.reset(held)
        if prepared.is_mutation and self.config.mutation_answer_delay_ms:
            await asyncio.sleep(self.config.mutation_answer_delay_ms / 1000)
        return JSONResponse(answer, headers=self.budget.headers("graphql"))

    def _root(self, request: Request, prepared: Prepared, rate: RateLimitNode) -> Node:
        login = self.config.viewer_login
        query = QueryRoot(self.world, rate, login)
        if not prepared.is_mutation:
            return query
        can_write = _token(request) not in self.config.read_only_tokens
        return MutationRoot(self.world, query, login, can_write)

    def _graphql_rate_limited(self) -> Response:
        self.stats.record_fault("rate_limited")
        body = {
            "errors": [
                {
                    "type": "RATE_LIMITED",
                    "code": "graphql_rate_limit",
                    "message": "API rate limit already exceeded for user ID 1.",
                }
            ]
        }
        return JSONResponse(
            body, status_code=self.config.graphql_rate_limit_status, headers=self.budget.headers("graphql")
        )

    def _rate_limit_args(self, points: int, nodes: int) -> tuple[int, int, int, datetime, int]:
        reset = datetime.fromtimestamp(self.budget.reset_epoch(), UTC)
        return points, self.config.rate_limit, self.config.rate_limit_remaining, reset, nodes

    async def _rate_limit(self, _: Request) -> Response:
        core = {
            "limit": self.config.rate_limit,
            "remaining": self.config.rate_limit_remaining,
            "reset": self.budget.reset_epoch(),
            "used": self.config.rate_limit - self.config.rate_limit_remaining,
        }
        return JSONResponse(
            {"resources": {"core": core, "graphql": core}, "rate": core}, headers=self.budget.headers("core")
        )

    async def _user(self, request: Request) -> Response:
        if not request.state.authenticated:
            return JSONResponse({"message": "Requires authentication"}, status_code=401)
        return JSONResponse({"login": self.config.viewer_login, "type": "User"})

    async def _stats(self, _: Request) -> Response:
        return JSONResponse(self.stats.snapshot())

    async def _reset_stats(self, _: Request) -> Response:
        self.stats.reset()
        return JSONResponse(self.stats.snapshot())

    async def _config(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                self.configure(**json.loads(await request.body() or b"{}"))
            except (ValueError, ValidationError) as error:
                return JSONResponse({"message": str(error).splitlines()[0]}, status_code=422)
        return JSONResponse(self.config.model_dump(exclude={"valid_tokens"}))

    async def _touch(self, request: Request) -> Response:
        """A person's change: edit, comment, close (`state`), `labels` (the new set), `locked`."""
        changes = json.loads(await request.body() or b"{}")
        allowed = {k: v for k, v in changes.items() if k in ("title", "body", "state", "comment")}
        p = request.path_params
        try:
            with self.world.lock:
                issue = self.world.touch_issue(p["owner"], p["repo"], p["number"], **allowed)
                if "labels" in changes:
                    self.world.set_labels(issue, [str(n) for n in changes["labels"]])
                if "locked" in changes:
                    issue.locked = bool(changes["locked"])
        except KeyError:
            return JSONResponse({"message": "Not Found"}, status_code=404)
        return JSONResponse(
            {"number": issue.number, "labels": issue.labels, "updated_at": issue.updated_at.isoformat()}
        )

    async def _repo_change(self, request: Request) -> Response:
        """`{"archived": bool}` and/or `{"delete_label": name}` on a repository."""
        changes = json.loads(await request.body() or b"{}")
        p = request.path_params
        repo = self.world.repo(p["owner"], p["repo"])
        if repo is None:
            return JSONResponse({"message": "Not Found"}, status_code=404)
        if "archived" in changes:
            repo.is_archived = bool(changes["archived"])
        if changes.get("delete_label"):
            self.world.delete_label(p["owner"], p["repo"], str(changes["delete_label"]))
        return JSONResponse(
            {"name": repo.name, "archived": repo.is_archived, "labels": [lb.name for lb in repo.labels]}
        )


def create_github_app(config: GitHubEmulatorConfig | None = None, world: World | None = None) -> Starlette:
    """The emulator's ASGI app; the `GitHubEmulator` (counters, config, data) is at `app.state.emulator`."""
    return GitHubEmulator(world, config).app
