"""Failures talking to GitHub, each with a message written for the user (never the token)."""

from __future__ import annotations


class GitHubError(Exception):
    """GitHub answered with an error we cannot retry."""


class GitHubAuthError(GitHubError):
    """401: the token is missing, wrong or expired."""


class GitHubForbidden(GitHubError):
    """403 that is not a rate limit: the token lacks access or scopes."""


class GitHubNotFound(GitHubError):
    """The organization, repository or issue does not exist (or the token cannot see it)."""


class GitHubUnavailable(GitHubError):
    """5xx answers, timeouts or rate limits outlasted every retry."""


class GitHubQueryError(GitHubError):
    """GraphQL errors that came with HTTP 200."""
