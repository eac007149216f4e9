"""The GitHub emulator itself: GitHub's shapes, pull requests in REST listings, limits, sandbox routes."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from github_issue_analysis_sandbox.github_emulator import (
    GitHubEmulator,
    World,
    benchmark_org,
    create_github_app,
    demo_org,
    generate_org,
)
from github_issue_analysis_sandbox.server import BackgroundServer

AUTH = {"authorization": "bearer t"}


@pytest.fixture
def served() -> Iterator[tuple[GitHubEmulator, httpx.Client]]:
    emulator = GitHubEmulator(World([generate_org("org", {"app": 40}, pr_ratio=0.3)]))
    with BackgroundServer(emulator.app) as server, httpx.Client(base_url=server.url, headers=AUTH) as client:
        yield emulator, client


def graphql(client: httpx.Client, query: str, **variables: object) -> dict[str, object]:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


def test_rest_issue_listing_mixes_in_pull_requests(served: tuple[GitHubEmulator, httpx.Client]) -> None:
    _, client = served
    first = client.get("/repos/org/app/issues", params={"state": "all", "per_page": 100})
    items = first.json()
    assert any("pull_request" in i for i in items) and any("pull_request" not in i for i in items)
    paged = client.get("/api/v3/repos/org/app/issues", params={"state": "all", "per_page": 10})
    assert 'rel="next"' in paged.headers["link"] and "/api/v3/" in paged.headers["link"]
    assert paged.headers["x-ratelimit-remaining"].isdigit()


def test_graphql_issues_exclude_pull_requests_and_label_filter_is_any(
    served: tuple[GitHubEmulator, httpx.Client],
) -> None:
    emulator, client = served
    repo = emulator.world.repo("org", "app")
    assert repo is not None
    query = (
        'query($labels: [String!]) { repository(owner: "org", name: "app") { '
        "issues(first: 100, filterBy: {labels: $labels}) { totalCount nodes { number } } } }"
    )
    body = graphql(client, query)
    assert body["data"]["repository"]["issues"]["totalCount"] == 40  # type: ignore[index]
    either = graphql(client, query, labels=["bug", "question"])["data"]["repository"]["issues"]  # type: ignore[index]
    expected = {i.number for i in repo.only_issues() if {"bug", "question"} & set(i.labels)}
    assert {n["number"] for n in either["nodes"]} == expected


def test_pagination_and_node_limits(served: tuple[GitHubEmulator, httpx.Client]) -> None:
    _, client = served
    too_many = graphql(client, '{ repository(owner: "org", name: "app") { issues(first: 101) { totalCount } } }')
    assert too_many["errors"][0]["type"] == "EXCESSIVE_PAGINATION" and "data" not in too_many  # type: ignore[index]
    huge = (
        '{ organization(login: "org") { repositories(first: 100) { nodes { issues(first: 100) { nodes { '
        "comments(first: 100) { totalCount } } } } } } }"
    )
    assert graphql(client, huge)["errors"][0]["type"] == "MAX_NODE_LIMIT_EXCEEDED"  # type: ignore[index]


def test_auth_and_not_found(served: tuple[GitHubEmulator, httpx.Client]) -> None:
    emulator, client = served
    assert (
        client.post("/graphql", json={"query": "{ viewer { login } }"}, headers={"authorization": ""}).status_code
        == 401
    )
    emulator.configure(valid_tokens=["good"])
    assert client.post("/graphql", json={"query": "{ viewer { login } }"}).json()["message"] == "Bad credentials"
    emulator.configure(valid_tokens=None)
    missing = graphql(client, '{ repository(owner: "org", name: "nope") { name } }')
    assert missing["data"] == {"repository": None}
    assert missing["errors"][0]["type"] == "NOT_FOUND"  # type: ignore[index]


def test_sandbox_routes_count_configure_and_touch(served: tuple[GitHubEmulator, httpx.Client]) -> None:
    emulator, client = served
    client.get("/repos/org/app/labels")
    graphql(client, "{ viewer { login } }")
    stats = client.get("/_sandbox/stats").json()
    assert stats["routes"] == {"GET /repos/{owner}/{repo}/labels": 1, "POST /graphql": 1} and stats["total"] == 2
    assert client.post("/_sandbox/config", json={"latency_ms": 5}).json()["latency_ms"] == 5
    assert client.post("/_sandbox/config", json={"nonsense": 1}).status_code == 422
    number = emulator.world.repo("org", "app").only_issues()[0].number  # type: ignore[union-attr]
    touched = client.post(f"/_sandbox/issues/org/app/{number}", json={"comment": "new"})
    assert touched.status_code == 200
    assert emulator.world.issue("org", "app", number).comments[-1].body == "new"  # type: ignore[union-attr]
    assert emulator.stats.total == 2


def test_generators_are_deterministic_and_sized() -> None:
    assert benchmark_org(1000).repos.keys() == benchmark_org(1000).repos.keys()
    assert sum(len(r.only_issues()) for r in benchmark_org(1000).repos.values()) == 1000
    demo = demo_org()
    assert demo.login == "sandbox-org" and sum(len(r.only_issues()) for r in demo.repos.values()) == 95
    first, second = demo_org(), demo_org()
    assert [i.title for i in first.repos["app-installer"].only_issues()] == [
        i.title for i in second.repos["app-installer"].only_issues()
    ]
    assert create_github_app().state.emulator.world.org("acme") is not None
