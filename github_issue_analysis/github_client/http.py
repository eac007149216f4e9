"""The transport: one `httpx.AsyncClient`, GitHub's rate limits honoured, faults retried with backoff."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import httpx

from github_issue_analysis.waiting import waiting_transport

from .github_errors import (
    ContentLimited,
    GitHubAuthError,
    GitHubError,
    GitHubForbidden,
    GitHubNotFound,
    GitHubUnavailable,
)
from .ratelimit import (
    RateBudget,
    RetryPolicy,
    error_message,
    is_primary_limit,
    is_secondary_limit,
    retry_after,
)

PUBLIC_API = "https://api.github.com"
Sleep = Callable[[float], Awaitable[None]]
WaitHook = Callable[[str, float], None]


def graphql_url(api_url: str) -> str:
    """`https://api.github.com` → `/graphql`; GitHub Enterprise `https://host/api/v3` → `/api/graphql`."""
    base = api_url.rstrip("/")
    if base.endswith("/api/v3"):
        return base[: -len("/v3")] + "/graphql"
    return base + "/graphql"


class GitHubTransport:
    """Sends requests; counts them; keeps the rate-limit budget; waits and retries where GitHub says to."""

    def __init__(
        self,
        api_url: str,
        token: str | None,
        *,
        policy: RetryPolicy | None = None,
        sleep: Sleep | None = None,
        on_wait: WaitHook | None = None,
        on_response: Callable[[int, RateBudget], None] | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.rest_url = api_url.rstrip("/")
        self.graphql_url = graphql_url(api_url)
        self.budget = RateBudget()
        self.requests = 0
        self._sleep = sleep or asyncio.sleep
        self._on_wait = on_wait or (lambda _message, _seconds: None)
        self._on_response = on_response or (lambda _requests, _budget: None)
        headers = {"accept": "application/vnd.github+json", "user-agent": "gh-analysis"}
        if token:
            headers["authorization"] = f"bearer {token}"
        timeout = httpx.Timeout(self.policy.timeout, connect=self.policy.connect_timeout)
        transport = waiting_transport(self.policy.timeout)  # a slow answer shows as a status line
        self._http = httpx.AsyncClient(headers=headers, timeout=timeout, transport=transport)

    async def __aenter__(self) -> GitHubTransport:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._http.aclose()

    async def post_graphql(self, query: str, variables: dict[str, Any], shrinkable: bool = False) -> dict[str, Any]:
        """`shrinkable`: a write the caller can cut smaller; a secondary-limit refusal raises ContentLimited
        (after the wait GitHub asks for) instead of sending the same request again."""
        body = {"query": query, "variables": variables}
        response = await self.send("POST", self.graphql_url, json=body, shrinkable=shrinkable)
        try:
            body = response.json()
        except ValueError as error:
            raise GitHubError("GitHub's GraphQL API answered with something that is not JSON") from error
        if not isinstance(body, dict):
            raise GitHubError("GitHub's GraphQL API answered with an unexpected document")
        return body

    async def get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        return await self.send("GET", f"{self.rest_url}/{path.lstrip('/')}", params=params)

    async def send(self, method: str, url: str, shrinkable: bool = False, **kwargs: Any) -> httpx.Response:
        attempts = _Attempts(shrinkable)
        while True:
            await self._respect_budget()
            try:
                response = await self._http.request(method, url, **kwargs)
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:  # not transient: never retried
                raise GitHubError(
                    f"the GitHub API address {url} is not usable ({error}); check GITHUB_API_URL"
                ) from None
            except httpx.ConnectError as error:
                if _refused(error):  # nothing listens there: asking again will not change that
                    raise GitHubUnavailable(
                        f"nothing answers at {url.split('?')[0]} (connection refused); check GITHUB_API_URL"
                    ) from None
                self.requests += 1
                await self._after_failure(attempts, f"GitHub did not answer ({type(error).__name__})", None)
                continue
            except httpx.TransportError as error:
                self.requests += 1
                await self._after_failure(attempts, f"GitHub did not answer ({type(error).__name__})", None)
                continue
            self.requests += 1
            self.budget.read_headers(response.headers)
            self._on_response(self.requests, self.budget)
            if await self._handled_limit(response, attempts):
                continue
            if response.status_code >= 500:
                status = f"GitHub answered {response.status_code}"
                await self._after_failure(attempts, status, retry_after(response))
                continue
            _raise_for_client_error(response)
            return response

    async def _respect_budget(self) -> None:
        budget = self.budget
        if budget.remaining == 0 and budget.reset_at is not None and budget.reset_at > time.time():
            seconds = budget.seconds_to_reset(self.policy.reset_margin)
            await self._wait("Rate limit budget used up; waiting for the reset", seconds)
            budget.remaining = None

    async def _handled_limit(self, response: httpx.Response, attempts: _Attempts) -> bool:
        if is_secondary_limit(response):
            attempts.secondary += 1
            if attempts.secondary > (self.policy.max_secondary_waits or self.policy.max_attempts):
                raise GitHubUnavailable("GitHub's secondary rate limit persisted; wait a few minutes and re-run")
            await self._wait("GitHub secondary rate limit; backing off", self._secondary_wait(response, attempts))
            if attempts.shrinkable:
                raise ContentLimited("GitHub's secondary (content-creation) limit refused the write")
            return True
        if is_primary_limit(response):
            attempts.limits += 1
            if attempts.limits > self.policy.max_rate_limit_waits:
                raise GitHubUnavailable("GitHub's rate limit did not reset; re-run later to continue")
            seconds = self.budget.seconds_to_reset(self.policy.reset_margin)
            await self._wait("Rate limit exhausted; waiting for the reset", seconds)
            return True
        return False

    def _secondary_wait(self, response: httpx.Response, attempts: _Attempts) -> float:
        after = retry_after(response)
        if after is not None:
            return after
        if response.headers.get("x-ratelimit-remaining") == "0":
            return self.budget.seconds_to_reset(self.policy.reset_margin)
        return self.policy.secondary_wait(attempts.secondary)

    async def _after_failure(self, attempts: _Attempts, what: str, after: float | None) -> None:
        attempts.failures += 1
        if attempts.failures >= self.policy.max_attempts:
            raise GitHubUnavailable(f"{what} {attempts.failures} times; try again later (progress is kept)")
        await self._wait(f"{what}; retrying", after or self.policy.server_backoff(attempts.failures))

    async def _wait(self, message: str, seconds: float) -> None:
        self._on_wait(message, seconds)
        await self._sleep(seconds)


class _Attempts:
    def __init__(self, shrinkable: bool = False) -> None:
        self.shrinkable = shrinkable
        self.failures = 0
        self.secondary = 0
        self.limits = 0


def _raise_for_client_error(response: httpx.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    message = error_message(response) or response.reason_phrase
    if status == 401:
        raise GitHubAuthError(message)
    if status == 403:
        raise GitHubForbidden(f"GitHub refused access ({message}); check the token's scopes and access")
    if status == 404:
        raise GitHubNotFound(f"GitHub found nothing at {response.request.url.path} ({message})")
    raise GitHubError(f"GitHub answered {status}: {message}")


def _refused(error: BaseException) -> bool:
    """A connection refused (not a timeout, a DNS or TLS failure), found in the chain of causes."""
    seen: BaseException | None = error
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ConnectionRefusedError) or "Connection refused" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
