"""GitHub API access for collection: a rate-limit-aware transport, GraphQL queries, the collector."""

from .collector import CollectObserver, CollectReport, GitHubConnection, check_request, collect_issues
from .errors import (
    GitHubAuthError,
    GitHubError,
    GitHubForbidden,
    GitHubNotFound,
    GitHubQueryError,
    GitHubUnavailable,
)
from .models import CollectRequest
from .ratelimit import RateBudget, RetryPolicy
from .repo_collector import RepoReport

__all__ = [
    "CollectObserver",
    "CollectReport",
    "CollectRequest",
    "GitHubAuthError",
    "GitHubConnection",
    "GitHubError",
    "GitHubForbidden",
    "GitHubNotFound",
    "GitHubQueryError",
    "GitHubUnavailable",
    "RateBudget",
    "RepoReport",
    "RetryPolicy",
    "check_request",
    "collect_issues",
]
