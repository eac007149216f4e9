"""One GitHub session for label writes: the transports (comments never retried blindly), the reader, the
writers, the pacer, and the events a screen shows (progress, waits). With a `fence` (the organization's claim
check), every write and every wait is followed by it: nothing is sent once the claim is lost."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import TracebackType

from github_issue_analysis.github_client import GitHubConnection
from github_issue_analysis.github_client.graphql import GitHubGraphQL
from github_issue_analysis.github_client.http import GitHubTransport
from github_issue_analysis.github_client.label_reads import LabelReader
from github_issue_analysis.github_client.label_writes import MUTATIONS_PER_REQUEST, LabelWriter
from github_issue_analysis.github_client.pacing import Pacer, WriteLimits


@dataclass(frozen=True)
class ApplyEvent:
    kind: str
    """progress | wait"""
    done: int = 0
    total: int = 0
    eta_seconds: float | None = None
    message: str = ""
    seconds: float = 0.0


EventHook = Callable[[ApplyEvent], None]
Fence = Callable[[], None]


@dataclass
class Progress:
    total: int = 0
    done: int = 0
    started: float = field(default_factory=time.monotonic)

    def eta(self) -> float | None:
        if not self.done or self.done >= self.total:
            return None if not self.done else 0.0
        elapsed = time.monotonic() - self.started
        return elapsed / self.done * (self.total - self.done)


class LabelSession:
    def __init__(
        self,
        connection: GitHubConnection,
        limits: WriteLimits,
        on_event: EventHook | None = None,
        fence: Fence | None = None,
    ) -> None:
        self.on_event = on_event or (lambda _event: None)
        self.fence = fence or (lambda: None)
        self._base_sleep = connection.sleep or asyncio.sleep
        self.transport = GitHubTransport(
            connection.api_url, connection.token, policy=connection.policy, sleep=self._sleep, on_wait=self._wait
        )
        # A comment is not idempotent: no blind retry after a timeout or 5xx (the next apply checks for it
        # first); a secondary limit means it was not posted, so waiting and sending again is safe.
        once = replace(connection.policy, max_attempts=1, max_secondary_waits=6)
        self.comment_transport = GitHubTransport(
            connection.api_url, connection.token, policy=once, sleep=self._sleep, on_wait=self._wait
        )
        self.reader = LabelReader(GitHubGraphQL(self.transport))
        self.writer = LabelWriter(self.transport)
        self.comment_writer = LabelWriter(self.comment_transport)
        self.pacer = Pacer(limits, on_wait=self._wait, sleep=self._sleep, clock=connection.clock or time.monotonic)
        self.mutations_per_request = MUTATIONS_PER_REQUEST
        """Halved (down to one) each time GitHub refuses a request under its content-creation limit."""
        self.progress = Progress()
        self.mutation_requests = 0

    @property
    def requests(self) -> int:
        return self.transport.requests + self.comment_transport.requests

    async def before_write(self, mutations: int = 1) -> None:
        """Pace (per request, or per mutation once GitHub showed it counts them), then make sure the claim
        still holds, right before a request goes out."""
        await self.pacer.before_write(mutations)
        self.fence()
        self.mutation_requests += 1

    def refused_for_content(self, mutations: int) -> None:
        """GitHub refused a request of `mutations` under its content-creation limit: half as many per request
        from now on, and each mutation paced as one write."""
        self.mutations_per_request = max(1, min(self.mutations_per_request, mutations) // 2)
        self.pacer.per_mutation = True

    async def _sleep(self, seconds: float) -> None:
        await self._base_sleep(seconds)
        self.fence()

    def _wait(self, message: str, seconds: float) -> None:
        self.on_event(ApplyEvent("wait", self.progress.done, self.progress.total, None, message, seconds))

    def advance(self, steps: int) -> None:
        if steps <= 0:
            return
        self.progress.done += steps
        p = self.progress
        self.on_event(ApplyEvent("progress", p.done, p.total, p.eta()))

    async def __aenter__(self) -> LabelSession:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.transport.__aexit__(exc_type, exc, tb)
        await self.comment_transport.__aexit__(exc_type, exc, tb)
