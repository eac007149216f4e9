"""A clock the tests move forward instead of sleeping (emulators take it as their `clock`)."""

from __future__ import annotations

import time


class FakeClock:
    def __init__(self, now: float | None = None) -> None:
        self.now = time.time() if now is None else now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
