"""Failures talking to GitHub, as the domain's errors: each says what went wrong in the tool's words (never
the token, never a command-line flag) and carries its exit code; cli/messages.py adds the flags that fix it."""

from __future__ import annotations

from github_issue_analysis.errors import GhAnalysisError, UsageError


class GitHubError(GhAnalysisError):
    """GitHub answered with an error we cannot retry (exit code 1)."""

    exit_code = 1


class GitHubAuthError(GitHubError):
    """401: the token is missing, wrong or expired."""

    exit_code = 2

    def __init__(self, detail: str) -> None:
        super().__init__(f"GitHub rejected the credentials ({detail}); check the token (GH_TOKEN or GITHUB_TOKEN)")
        self.detail = detail


class GitHubForbidden(GitHubError):
    """403 that is not a rate limit, or a GraphQL FORBIDDEN: the token lacks access or scopes."""

    exit_code = 2


class GitHubNotFound(GitHubError):
    """The organization, repository or issue does not exist (or the token cannot see it); `detail` is
    GitHub's own words, which name what was not found."""

    exit_code = 2

    def __init__(self, detail: str) -> None:
        super().__init__(f"{detail} Check the organization and repository names and that the token can see them.")
        self.detail = detail


class GitHubUnavailable(GitHubError):
    """5xx answers, timeouts or rate limits outlasted every retry."""


class GitHubQueryError(GitHubError):
    """GraphQL errors that came with HTTP 200."""


class GitHubTokenMissing(UsageError):
    """No token given, none in GH_TOKEN or GITHUB_TOKEN, and `gh auth token` had none (exit code 2)."""

    def __init__(self) -> None:
        super().__init__(
            "no GitHub token: set GH_TOKEN or GITHUB_TOKEN, or log in with `gh auth login` "
            "(GitHub's GraphQL API needs one)"
        )


class ContentLimited(GitHubError):
    """A write request refused under GitHub's secondary (content-creation) limit, not carried out; raised
    (after waiting what GitHub asked) for a caller that sends fewer mutations per request instead of the same."""
