"""The one way to reach GitHub: the API address, the token and every timeout, taken from settings for every
command, the pipeline and the review page alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from github_issue_analysis.config import Settings

from .credentials import github_token
from .http import PUBLIC_API, Sleep
from .ratelimit import RetryPolicy


@dataclass(frozen=True)
class GitHubConnection:
    api_url: str = PUBLIC_API
    token: str | None = field(default=None, repr=False)
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Sleep | None = None
    clock: Callable[[], float] | None = None  # what pacing measures time with (tests: the emulator's clock)


def connect(settings: Settings, token: str | None = None) -> GitHubConnection:
    """A connection to GITHUB_API_URL with the given token (else the one `github_token` finds) and the
    configured connect and read timeouts; raises GitHubTokenMissing before anything is sent."""
    policy = RetryPolicy(timeout=settings.read_timeout, connect_timeout=settings.connect_timeout)
    return GitHubConnection(settings.github_api_url, github_token(settings, token), policy)
