"""What every emulator counts: API requests per route (`"POST /v1/batches"`, `"POST /graphql"`, ...) and the
faults it injected. Each emulator's statistics extend this base with counters of their own and say how
`GET /_sandbox/stats` shows them."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar


@dataclass
class EmulatorStats:
    requests: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def record(self, route: str) -> None:
        """One API request to `route` (safe from several threads at once)."""
        with self._lock:
            self.requests[route] += 1

    def record_fault(self, kind: str) -> None:
        with self._lock:
            self.faults[kind] += 1

    @property
    def total(self) -> int:
        return sum(self.requests.values())

    def count(self, route: str) -> int:
        return self.requests[route]

    def to_api(self) -> dict[str, Any]:
        """The statistics as `GET /_sandbox/stats` answers them: the requests, the emulator's own counters
        and the faults injected."""
        with self._lock:
            return {"requests": dict(self.requests), **self.counters(), "faults_injected": dict(self.faults)}

    SHOWN_AS: ClassVar[dict[str, str]] = {}  # a counter's name on the stats route, where it differs

    def counters(self) -> dict[str, Any]:
        """The emulator's own counters (every field a subclass adds), by the names the stats route shows them
        under."""
        own = [f.name for f in fields(self) if f.name not in ("requests", "faults", "_lock")]
        return {self.SHOWN_AS.get(name, name): _copied(getattr(self, name)) for name in own}

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.faults.clear()


def _copied(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value
