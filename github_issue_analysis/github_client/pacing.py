"""Pacing writes ahead of GitHub's secondary rate limits (documented: at most 80 content-generating requests a
minute and 500 an hour, and at least a second between mutative requests), saying how long it waits. GitHub may
count each mutation of a request instead: once it has refused a write under the limit (`per_mutation`), every
mutation counts here as one write."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

WaitHook = Callable[[str, float], None]


@dataclass(frozen=True)
class WriteLimits:
    per_minute: int = 80
    per_hour: int = 500
    min_interval: float = 1.0


class Pacer:
    def __init__(
        self,
        limits: WriteLimits,
        on_wait: WaitHook | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits
        self.sent: list[float] = []
        self.on_wait = on_wait or (lambda _message, _seconds: None)
        self.sleep = sleep or asyncio.sleep
        self.clock = clock
        self.per_mutation = False

    def delay(self, writes: int = 1) -> float:
        """Seconds until a request of `writes` mutations stays within both limits."""
        now = self.clock()
        self.sent = [t for t in self.sent if t > now - 3600]
        waits = [0.0, self.sent[-1] + self.limits.min_interval - now if self.sent else 0.0]
        for window, limit in ((60.0, self.limits.per_minute), (3600.0, self.limits.per_hour)):
            recent = [t for t in self.sent if t > now - window]
            over = len(recent) + min(writes, limit) - limit
            if over > 0:
                waits.append(recent[over - 1] + window - now)
        return max(waits)

    async def before_write(self, mutations: int = 1) -> None:
        writes = mutations if self.per_mutation else 1
        seconds = self.delay(writes)
        if seconds > 0:
            self.on_wait("Pacing writes under GitHub's content-creation limit", seconds)
            await self.sleep(seconds)
        self.sent.extend([self.clock()] * writes)
