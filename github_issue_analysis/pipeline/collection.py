"""The GitHub steps of `label`: collection: the existing collection service, incremental once the store has the
organization; GitHub failures (collection and label writes) turned into domain errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from github_issue_analysis.config import Settings
from github_issue_analysis.errors import OperationFailed, UsageError
from github_issue_analysis.github_client import (
    CollectReport,
    CollectRequest,
    GitHubAuthError,
    GitHubConnection,
    GitHubError,
    GitHubForbidden,
    GitHubNotFound,
    collect_issues,
)
from github_issue_analysis.storage.store import Store


def known_org(store: Store, org: str) -> bool:
    return any(repo.org == org for repo in store.issues.summary())


def github_connection(settings: Settings) -> GitHubConnection:
    token = settings.github_token.get_secret_value() if settings.github_token else None
    if not token:
        raise UsageError("no GitHub token: set GITHUB_TOKEN (GitHub's GraphQL API needs one)")
    return GitHubConnection(api_url=settings.github_api_url, token=token)


async def collect_org(store: Store, settings: Settings, org: str, repo: str | None) -> CollectReport:
    request = CollectRequest(org=org, repo=repo, incremental=known_org(store, org))
    with github_errors():
        return await collect_issues(store.issues, request, github_connection(settings))


@contextmanager
def github_errors() -> Iterator[None]:
    """GitHub failures as domain errors: what to check for a missing or refused target, else the failure."""
    try:
        yield
    except GitHubNotFound as error:
        raise UsageError(f"{error} Check --org/--repo and that the token can see it.") from None
    except (GitHubAuthError, GitHubForbidden) as error:
        raise UsageError(str(error)) from None
    except GitHubError as error:
        raise OperationFailed(str(error)) from None
