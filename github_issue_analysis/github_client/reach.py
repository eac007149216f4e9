"""What a token may do in each repository of an account, as GitHub's GraphQL API says it: `viewerPermission`
(ADMIN, MAINTAIN, WRITE, TRIAGE, READ; null for a GitHub App installation token). Read from the account's
repository listing (`repositoryOwner`, which serves organizations and user accounts alike) or, for named
repositories, from one request that asks for them all."""

from __future__ import annotations

import asyncio

from .connection import GitHubConnection
from .graphql import GitHubGraphQL
from .http import GitHubTransport

WRITE_PERMISSIONS = frozenset({"ADMIN", "MAINTAIN", "WRITE", "TRIAGE"})
"""The permissions that may add and remove labels (TRIAGE may not create a missing label)."""


def read_permissions(connection: GitHubConnection, org: str, named: tuple[str, ...] = ()) -> dict[str, str | None]:
    """Repository name -> `viewerPermission` for the named repositories (those the token cannot see are left
    out), or for every repository of the account's listing with issues enabled when none is named."""
    return asyncio.run(_read(connection, org, named))


async def _read(connection: GitHubConnection, org: str, named: tuple[str, ...]) -> dict[str, str | None]:
    async with GitHubTransport(
        connection.api_url, connection.token, policy=connection.policy, sleep=connection.sleep
    ) as transport:
        api = GitHubGraphQL(transport)
        if named:
            return await api.repository_permissions(org, list(named))
        return {r.name: r.viewer_permission for r in await api.org_repositories(org) if r.has_issues}
