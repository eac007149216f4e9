"""`--org` accepts a user account (issue 29): collection lists an account's repositories with
`repositoryOwner(login:)`, which GitHub serves for organizations and users alike, where `organization(login:)`
fails for a user. The emulator answers these fields as GitHub's schema has them."""

from __future__ import annotations

import json
from typing import Any

import httpx
from github_issue_analysis_sandbox.github_emulator import user_account

from tests.conftest import invoke

from .conftest import TOKEN, Sandbox, stored_issues

OWNER_QUERY = (
    'query { repositoryOwner(login: "octo-user") { __typename login '
    "repositories(first: 10) { nodes { name viewerPermission } } } "
    'nobody: repositoryOwner(login: "no-such-account") { login } '
    'user(login: "octo-user") { login repositories(first: 1) { nodes { name } } } }'
)


def _graphql(sandbox: Sandbox, query: str) -> dict[str, Any]:
    answer = httpx.post(f"{sandbox.url}/graphql", json={"query": query}, headers={"Authorization": f"bearer {TOKEN}"})
    return dict(answer.json())


def test_the_emulator_serves_a_user_account_as_github_does(sandbox: Sandbox) -> None:
    sandbox.emulator.world.add_org(user_account())
    body = _graphql(sandbox, OWNER_QUERY)
    assert "errors" not in body, body
    owner = body["data"]["repositoryOwner"]
    assert (owner["__typename"], owner["login"]) == ("User", "octo-user")
    assert [(n["name"], n["viewerPermission"]) for n in owner["repositories"]["nodes"]] == [
        ("dotfiles", "ADMIN"),
        ("side-project", "ADMIN"),
    ]
    assert body["data"]["nobody"] is None  # null without an error, as on GitHub
    assert body["data"]["user"]["login"] == "octo-user"
    refused = _graphql(sandbox, 'query { organization(login: "octo-user") { login } }')
    assert refused["errors"][0]["type"] == "NOT_FOUND"
    assert refused["errors"][0]["message"] == "Could not resolve to an Organization with the login of 'octo-user'."
    org = _graphql(sandbox, 'query { repositoryOwner(login: "acme") { __typename } }')
    assert org["data"]["repositoryOwner"]["__typename"] == "Organization"


def test_collect_of_a_user_account_reads_its_repositories(sandbox: Sandbox, database_url: str) -> None:
    account = user_account()
    sandbox.emulator.world.add_org(account)
    result = invoke("collect", "--org", "octo-user", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    expected = sum(len(repo.only_issues()) for repo in account.repos.values())
    assert report["issues"] == expected > 0
    assert {r["repo"] for r in report["repositories"]} == {"dotfiles", "side-project"}
    assert len(stored_issues(database_url, org="octo-user")) == expected


def test_an_account_that_does_not_exist_is_one_line(sandbox: Sandbox) -> None:
    result = invoke("collect", "--org", "no-such-account")
    assert result.exit_code != 0
    assert "no-such-account" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
