"""Request counters, the rate-limit budget and fault injection of the GitHub emulator."""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import JSONResponse

from ..stats import EmulatorStats
from .config import GitHubEmulatorConfig

SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID."
)
RATE_LIMIT_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"


@dataclass
class RequestStats(EmulatorStats):
    """API requests counted per route (`"POST /graphql"`, `"GET /repos/{owner}/{repo}/issues"`, ...), and
    GraphQL requests by kind: `queries`, `mutation_requests` (requests holding mutations, executed) and
    `mutations` (mutation fields executed, by name)."""

    graphql_kinds: Counter[str] = field(default_factory=Counter)
    mutations: Counter[str] = field(default_factory=Counter)

    def record_graphql(self, mutation_names: list[str]) -> None:
        with self._lock:
            self.graphql_kinds["mutation_requests" if mutation_names else "queries"] += 1
            self.mutations.update(mutation_names)

    @property
    def graphql(self) -> int:
        return self.requests["POST /graphql"]

    def to_api(self) -> dict[str, Any]:
        """GitHub's statistics keep their own shape: the total, the routes, the faults and GraphQL by kind."""
        with self._lock:
            return {
                "total": self.total,
                "routes": dict(self.requests),
                "faults": dict(self.faults),
                "graphql": {
                    "queries": self.graphql_kinds["queries"],
                    "mutation_requests": self.graphql_kinds["mutation_requests"],
                    "mutations": sum(self.mutations.values()),
                    "by_mutation": dict(self.mutations),
                },
            }

    def snapshot(self) -> dict[str, Any]:
        return self.to_api()

    def reset(self) -> None:
        super().reset()
        with self._lock:
            self.graphql_kinds.clear()
            self.mutations.clear()


class RateBudget:
    """One budget shared by GraphQL and REST (GitHub keeps two; one is enough for an emulator)."""

    def __init__(self, config: GitHubEmulatorConfig, clock: Any = time.time) -> None:
        self.config = config
        self.clock = clock
        self.reset_at: float | None = None
        self._lock = threading.Lock()

    def _refresh(self, now: float) -> None:
        if self.reset_at is not None and now >= self.reset_at:
            self.config.rate_limit_remaining = self.config.rate_limit
            self.reset_at = None
        if self.config.rate_limit_remaining <= 0 and self.reset_at is None:
            self.reset_at = now + self.config.rate_limit_reset_seconds

    def try_spend(self, cost: int) -> bool:
        """Spend `cost` points; False (nothing spent) when the budget is already exhausted."""
        with self._lock:
            now = self.clock()
            self._refresh(now)
            if self.config.rate_limit_remaining <= 0:
                return False
            self.config.rate_limit_remaining = max(0, self.config.rate_limit_remaining - cost)
            self._refresh(now)
            return True

    def reset_epoch(self) -> int:
        now = self.clock()
        return math.ceil(self.reset_at if self.reset_at is not None else now + self.config.rate_limit_reset_seconds)

    def headers(self, resource: str) -> dict[str, str]:
        limit, remaining = self.config.rate_limit, self.config.rate_limit_remaining
        return {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-used": str(limit - remaining),
            "x-ratelimit-reset": str(self.reset_epoch()),
            "x-ratelimit-resource": resource,
        }


class ContentLimiter:
    """GitHub's secondary limit on content-creating requests: a sliding window of accepted requests."""

    def __init__(self, config: GitHubEmulatorConfig, clock: Any = time.monotonic) -> None:
        self.config = config
        self.clock = clock
        self.accepted: list[float] = []
        self._lock = threading.Lock()

    def try_take(self, mutations: int = 1) -> float | None:
        """None when the request may go ahead (and counts); else the seconds until it may (a request that
        can never fit, more mutations than the limit when each counts, is told the whole window)."""
        limit = self.config.content_creation_limit
        if limit is None:
            return None
        cost = mutations if self.config.content_creation_per_mutation else 1
        window = self.config.content_creation_window_seconds
        with self._lock:
            now = self.clock()
            self.accepted = [t for t in self.accepted if t > now - window]
            if cost > limit:
                return float(window)
            over = len(self.accepted) + cost - limit
            if over > 0:
                return float(self.accepted[over - 1] + window - now)
            self.accepted.extend([now] * cost)
            return None


def secondary_limit_response(config: GitHubEmulatorConfig, retry_after: float | None) -> JSONResponse:
    headers = {} if retry_after is None else {"retry-after": str(math.ceil(retry_after))}
    body = {"message": SECONDARY_MESSAGE, "documentation_url": RATE_LIMIT_DOCS + "#about-secondary-rate-limits"}
    return JSONResponse(body, status_code=config.secondary_limit_status, headers=headers)


class Faults:
    """Decides, per request, whether a configured fault answers instead of the route."""

    def __init__(self, config: GitHubEmulatorConfig, stats: RequestStats) -> None:
        self.config = config
        self.stats = stats
        self.rng = random.Random(config.seed)
        self._lock = threading.Lock()

    def take(self, counter: str) -> bool:
        with self._lock:
            left = int(getattr(self.config, counter))
            if left > 0:
                setattr(self.config, counter, left - 1)
                return True
            return False

    def server_error(self) -> JSONResponse | None:
        if self.take("error_5xx_next_n") or self.rng.random() < self.config.error_5xx_rate:
            self.stats.record_fault("5xx")
            return JSONResponse({"message": "Server Error"}, status_code=self.config.error_5xx_status)
        return None

    def secondary_limit(self) -> JSONResponse | None:
        if not self.take("secondary_limit_next_n"):
            return None
        self.stats.record_fault("secondary_limit")
        return secondary_limit_response(self.config, self.config.secondary_retry_after)
