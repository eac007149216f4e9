"""GitHub API access: one connection (token, address, timeouts from settings), a rate-limit-aware transport,
GraphQL queries, the collector (and its synchronous service), label reads and writes."""

from .collection_service import CollectionService
from .connection import GitHubConnection, connect
from .credentials import github_token
from .github_errors import (
    GitHubAuthError,
    GitHubError,
    GitHubForbidden,
    GitHubNotFound,
    GitHubQueryError,
    GitHubTokenMissing,
    GitHubUnavailable,
)
from .issue_collection import check_request, collect_issues
from .models import CollectRequest
from .observer import CollectObserver
from .ratelimit import RateBudget, RetryPolicy
from .reach import WRITE_PERMISSIONS, read_permissions
from .reports import CollectReport, RepoReport

__all__ = [
    "WRITE_PERMISSIONS",
    "CollectObserver",
    "CollectReport",
    "CollectRequest",
    "CollectionService",
    "GitHubAuthError",
    "GitHubConnection",
    "GitHubError",
    "GitHubForbidden",
    "GitHubNotFound",
    "GitHubQueryError",
    "GitHubTokenMissing",
    "GitHubUnavailable",
    "RateBudget",
    "RepoReport",
    "RetryPolicy",
    "check_request",
    "collect_issues",
    "connect",
    "github_token",
    "read_permissions",
]
