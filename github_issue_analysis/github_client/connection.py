"""The GitHub connection built from settings, and GitHub failures turned into domain errors: what the pipeline
and the review page's apply both need, kept below them so neither imports the other."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from github_issue_analysis.config import Settings
from github_issue_analysis.errors import OperationFailed, UsageError

from .collector import GitHubConnection
from .errors import GitHubAuthError, GitHubError, GitHubForbidden, GitHubNotFound


def github_connection(settings: Settings) -> GitHubConnection:
    token = settings.github_token.get_secret_value() if settings.github_token else None
    if not token:
        raise UsageError("no GitHub token: set GITHUB_TOKEN (GitHub's GraphQL API needs one)")
    return GitHubConnection(api_url=settings.github_api_url, token=token)


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
