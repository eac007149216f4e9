"""The cyclic garbage collector at a command's start and end (reference counting frees memory as usual).

Start-up builds some 100,000-300,000 long-lived objects (the SDKs' pydantic models, SQLAlchemy's constructs, our
own tables): the collector would walk them some 300 times before the command does anything, and the interpreter's
last collections at exit walk them again: about 0.1 s of CPU at each end of a 0.8 s `batch status`.

- While loading: no collection until `STARTUP_THRESHOLD` more live objects (only long commands get there); that
  first collection brings back Python's own thresholds, so `watch`, `serve` or a large collect run as before.
- At exit: what the finished command built is frozen, so the interpreter's last collections skip it. Everything
  else still runs (atexit handlers, flushing, closing files); files are closed by `with` blocks, not by the
  collector."""

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


def freeze_before_exit() -> None:
    """Call when the command has finished, just before the process exits."""
    gc.freeze()


_saved: list[int] = []


def _restore(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and _restore in gc.callbacks:
        gc.set_threshold(*_saved)
        gc.callbacks.remove(_restore)
