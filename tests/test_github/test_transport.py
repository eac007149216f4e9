"""The transport against the emulator's faults: what it waits for and what it gives up on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from github_issue_analysis_sandbox.github_emulator import GitHubEmulator, World, generate_org
from github_issue_analysis_sandbox.server import BackgroundServer

from github_issue_analysis.github_client import (
    GitHubNotFound,
    GitHubQueryError,
    GitHubUnavailable,
    RetryPolicy,
)
from github_issue_analysis.github_client.graphql import GitHubGraphQL
from github_issue_analysis.github_client.http import PUBLIC_API, GitHubTransport, graphql_url

QUERY = 'query { rateLimit { remaining } organization(login: "tiny") { login } }'


@dataclass
class Sleeps:
    seconds: list[float] = field(default_factory=list)
    real: bool = False

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)
        if self.real:
            await asyncio.sleep(seconds)


@dataclass
class Rig:
    emulator: GitHubEmulator
    url: str
    sleeps: Sleeps

    def transport(self, **policy: float) -> GitHubTransport:
        return GitHubTransport(self.url, "token", policy=RetryPolicy(**policy), sleep=self.sleeps)  # type: ignore[arg-type]


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    emulator = GitHubEmulator(World([generate_org("tiny", {"one": 3})]))
    with BackgroundServer(emulator.app) as server:
        yield Rig(emulator, server.url, Sleeps())


def test_graphql_url_for_public_api_and_enterprise() -> None:
    assert graphql_url(PUBLIC_API) == f"{PUBLIC_API}/graphql"  # a string only: no request leaves the machine
    assert graphql_url("http://127.0.0.1:8471") == "http://127.0.0.1:8471/graphql"
    assert graphql_url("https://ghe.example.com/api/v3/") == "https://ghe.example.com/api/graphql"


async def test_secondary_limit_without_retry_after_backs_off_a_minute(rig: Rig) -> None:
    rig.emulator.configure(secondary_limit_next_n=2, secondary_retry_after=None)
    async with rig.transport() as transport:
        body = await transport.post_graphql(QUERY, {})
    assert body["data"]["organization"]["login"] == "tiny"
    assert rig.sleeps.seconds == [60.0, 120.0]


async def test_secondary_limit_honours_retry_after(rig: Rig) -> None:
    rig.emulator.configure(secondary_limit_next_n=1, secondary_retry_after=7)
    async with rig.transport() as transport:
        await transport.post_graphql(QUERY, {})
    assert rig.sleeps.seconds == [7.0]


async def test_server_errors_back_off_then_give_up(rig: Rig) -> None:
    rig.emulator.configure(error_5xx_next_n=2)
    async with rig.transport() as transport:
        await transport.post_graphql(QUERY, {})
        assert rig.sleeps.seconds == [1.0, 2.0]
        assert transport.requests == 3
        rig.emulator.configure(error_5xx_rate=1.0)
        with pytest.raises(GitHubUnavailable, match="502"):
            await transport.post_graphql(QUERY, {})


async def test_timeouts_are_retried(rig: Rig) -> None:
    rig.emulator.configure(hang_next_n=1, hang_seconds=1.0)
    async with rig.transport(timeout=0.2) as transport:
        body = await transport.post_graphql(QUERY, {})
    assert body["data"]["organization"]
    assert len(rig.sleeps.seconds) == 1


@pytest.mark.parametrize("status", [200, 403])
async def test_exhausted_budget_waits_for_the_reset(rig: Rig, status: int) -> None:
    rig.sleeps.real = True
    rig.emulator.configure(rate_limit_remaining=0, rate_limit_reset_seconds=0.3, graphql_rate_limit_status=status)
    async with rig.transport(reset_margin=0.1) as transport:
        body = await transport.post_graphql(QUERY, {})
        assert body["data"]["rateLimit"]["remaining"] > 0
        assert transport.budget.remaining == body["data"]["rateLimit"]["remaining"]
    assert len(rig.sleeps.seconds) >= 1 and all(s <= 2.5 for s in rig.sleeps.seconds)


async def test_graphql_errors_with_http_200_are_errors(rig: Rig) -> None:
    async with rig.transport() as transport:
        api = GitHubGraphQL(transport)
        with pytest.raises(GitHubNotFound, match="nobody"):
            await api.org_repositories("nobody")
        with pytest.raises(GitHubQueryError, match="doesn't exist"):
            await api.query('query { organization(login: "tiny") { shoeSize } }', {})
        assert [r.name for r in await api.org_repositories("tiny")] == ["one"]


def _response(status: int, body: object, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def test_rate_limit_classification() -> None:
    from github_issue_analysis.github_client.ratelimit import is_primary_limit, is_secondary_limit

    exhausted = _response(403, {"message": "API rate limit exceeded for user ID 1."}, **{"x-ratelimit-remaining": "0"})
    assert is_primary_limit(exhausted) and not is_secondary_limit(exhausted)
    assert is_secondary_limit(_response(429, {"message": "Too many requests"}))
    assert is_secondary_limit(_response(403, {"message": "You have exceeded a secondary rate limit."}))
    assert is_primary_limit(_response(200, {"errors": [{"type": "RATE_LIMITED", "message": "limit"}]}))
    assert not is_primary_limit(_response(403, {"message": "Resource not accessible by integration"}))
