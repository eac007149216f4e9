"""Settings of the GitHub emulator: accepted tokens, latency and switchable faults.

Every field can be changed at runtime (on the object, through `GitHubEmulator.configure`, or with
`POST /_sandbox/config`). `rate_limit_remaining` is the live budget: set it to 0 to exhaust the
rate limit now; once it reaches 0 the full budget returns `rate_limit_reset_seconds` later.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class GitHubEmulatorConfig(BaseModel):
    model_config = ConfigDict(validate_assignment=True, extra="forbid")

    valid_tokens: list[str] | None = Field(default=None, repr=False)
    """Tokens accepted; None accepts any non-empty token. GraphQL always needs one (as on GitHub)."""

    latency_ms: float = Field(default=0.0, ge=0)

    rate_limit: int = Field(default=5000, ge=1)
    rate_limit_remaining: int = Field(default=5000, ge=0)
    rate_limit_reset_seconds: float = Field(default=3600.0, ge=0)
    graphql_rate_limit_status: int = 200
    """GitHub answers an exhausted GraphQL budget with HTTP 200 and a RATE_LIMITED error (403 also seen)."""

    secondary_limit_next_n: int = Field(default=0, ge=0)
    secondary_limit_status: int = 403
    secondary_retry_after: float | None = Field(default=1.0, ge=0)
    """Seconds sent in `retry-after` with a secondary limit; None sends no header."""

    error_5xx_next_n: int = Field(default=0, ge=0)
    error_5xx_rate: float = Field(default=0.0, ge=0, le=1)
    error_5xx_status: int = Field(default=502, ge=500, le=599)

    hang_next_n: int = Field(default=0, ge=0)
    """The next n API requests stall for `hang_seconds` before answering (client timeouts)."""
    hang_seconds: float = Field(default=5.0, ge=0)
    mutation_answer_delay_ms: float = Field(default=0.0, ge=0)
    """Requests with mutations are carried out, then answered this much later (a lost answer, a crash)."""

    read_only_tokens: list[str] = Field(default_factory=list, repr=False)
    """Tokens that may read but not write: mutations answer FORBIDDEN (like a token without `issues: write`)."""
    viewer_login: str = "sandbox-user"
    token_permissions: dict[str, dict[str, str]] = Field(default_factory=dict, repr=False)
    """Per token, `{"repo" | "owner/repo" | "*": ADMIN | MAINTAIN | WRITE | TRIAGE | READ | NONE}` (NONE: the
    repository is invisible to it); a token not listed may do everything. `viewerPermission` answers it; label
    and comment mutations on a repository below TRIAGE answer FORBIDDEN (access.py)."""
    app_tokens: list[str] = Field(default_factory=list, repr=False)
    """Tokens answered as a GitHub App installation's: `viewerPermission` is null for them."""

    content_creation_limit: int | None = Field(default=None, ge=1)
    """GitHub's secondary limit on content-creating requests (documented: 80 a minute, 500 an hour): at most
    this many GraphQL requests with mutations per `content_creation_window_seconds`; None: unlimited."""
    content_creation_window_seconds: float = Field(default=60.0, gt=0)
    content_creation_per_mutation: bool = False
    """Count each mutation of a request as one write (GitHub may), instead of each request with mutations."""

    seed: int = 0
