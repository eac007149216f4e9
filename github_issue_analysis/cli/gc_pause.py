"""No cyclic garbage collection while a command loads its modules.

Start-up builds some 100,000-300,000 long-lived objects (the SDKs' pydantic models, SQLAlchemy's constructs, our
own tables): the collector would walk them some 300 times before the command does anything, about 0.1 s of CPU
per command (a tenth of `batch status`). Reference counting frees everything else as usual. The first collection
(after `STARTUP_THRESHOLD` more live objects, which only long commands reach) brings back Python's own thresholds,
so `watch`, `serve` or a large collect run as they would have."""

from __future__ import annotations

import gc
from typing import Any

STARTUP_THRESHOLD = 500_000  # live container objects before the first collection (a 100-batch status: ~200,000)


def pause_during_startup() -> None:
    """Raise the first generation's threshold until the first collection; idempotent."""
    if _restore in gc.callbacks:
        return
    _saved[:] = gc.get_threshold()
    gc.set_threshold(max(STARTUP_THRESHOLD, _saved[0]), *_saved[1:])
    gc.callbacks.append(_restore)


_saved: list[int] = []


def _restore(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and _restore in gc.callbacks:
        gc.set_threshold(*_saved)
        gc.callbacks.remove(_restore)
