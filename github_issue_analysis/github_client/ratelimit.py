"""Reading GitHub's rate-limit signals and deciding how long to wait (documented behaviour:
primary limit → wait until `x-ratelimit-reset`; secondary limit → `retry-after`, else the reset when the
budget is 0, else at least a minute, growing exponentially)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    """Tries per request against 5xx answers and timeouts (and, separately, secondary limits)."""
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    secondary_backoff: float = 60.0
    secondary_cap: float = 900.0
    max_rate_limit_waits: int = 5
    max_secondary_waits: int | None = None
    """Secondary-limit waits per request (None: max_attempts); such requests were not carried out."""
    reset_margin: float = 1.0
    timeout: float = 60.0
    """Seconds to wait for each answer (GH_ANALYSIS_READ_TIMEOUT)."""
    connect_timeout: float = 10.0
    """Seconds to wait for a connection (GH_ANALYSIS_CONNECT_TIMEOUT)."""

    def server_backoff(self, failures: int) -> float:
        return float(min(self.backoff_cap, self.backoff_base * 2 ** (failures - 1)))

    def secondary_wait(self, times: int) -> float:
        return float(min(self.secondary_cap, self.secondary_backoff * 2 ** (times - 1)))


@dataclass
class RateBudget:
    """The budget GitHub reported last (headers or `rateLimit` in a GraphQL answer)."""

    limit: int | None = None
    remaining: int | None = None
    reset_at: float | None = None
    """Epoch seconds."""

    def read_headers(self, headers: httpx.Headers) -> None:
        remaining = _int(headers.get("x-ratelimit-remaining"))
        if remaining is None:
            return
        self.remaining = remaining
        self.limit = _int(headers.get("x-ratelimit-limit")) or self.limit
        reset = _int(headers.get("x-ratelimit-reset"))
        self.reset_at = float(reset) if reset is not None else self.reset_at

    def read_graphql(self, rate: dict[str, Any] | None) -> None:
        if not rate or rate.get("remaining") is None:
            return
        from datetime import datetime

        self.remaining = int(rate["remaining"])
        self.limit = int(rate.get("limit") or self.limit or 0) or None
        if rate.get("resetAt"):
            self.reset_at = datetime.fromisoformat(str(rate["resetAt"]).replace("Z", "+00:00")).timestamp()

    def seconds_to_reset(self, margin: float, now: float | None = None) -> float:
        if self.reset_at is None:
            return 60.0
        return max(0.0, self.reset_at - (now or time.time())) + margin


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    if isinstance(body, dict):
        if body.get("message"):
            return str(body["message"])
        errors = body.get("errors") or []
        if errors and isinstance(errors[0], dict):
            return str(errors[0].get("message", ""))
    return ""


def is_secondary_limit(response: httpx.Response) -> bool:
    """403/429 with `retry-after` or a message about a secondary limit; any other 429 with budget left."""
    if response.status_code not in (403, 429):
        return False
    message = error_message(response).lower()
    if "retry-after" in response.headers or "secondary rate limit" in message or "abuse" in message:
        return True
    return response.status_code == 429 and response.headers.get("x-ratelimit-remaining") != "0"


def is_primary_limit(response: httpx.Response) -> bool:
    """403/429 with no budget left (or saying so), or GraphQL's RATE_LIMITED error (also with HTTP 200)."""
    if response.status_code in (403, 429) and (
        response.headers.get("x-ratelimit-remaining") == "0" or "rate limit exceeded" in error_message(response).lower()
    ):
        return True
    return response.status_code in (200, 403, 429) and "RATE_LIMITED" in graphql_error_types(response)


def graphql_error_types(response: httpx.Response) -> set[str]:
    try:
        body = response.json()
    except ValueError:
        return set()
    errors = body.get("errors") if isinstance(body, dict) else None
    return {str(e.get("type")) for e in errors or [] if isinstance(e, dict) and e.get("type")}


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
