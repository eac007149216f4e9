"""The one progress/reporting seam of every long command (`collect`, `batch watch`, `label`, `labels apply`,
`triage`): a Rich live view at a terminal, plain timestamped lines on stderr otherwise.

A command reports through a `ProgressReporter` from `progress_reporter()`:
- `note(text)`: a change of state (a repository done, a batch finished, a wait began): always one line;
- `update(state, detail, view=None)`: where a long step stands. At a terminal the live view shows `view` (or the
  text); in a log, a line is printed when `state` changes, and otherwise at most one line a minute.
Stdout is never touched: it stays for data and `--json`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

PROGRESS_INTERVAL_SECONDS = 60.0
"""A log gets at most one progress line (without a change of state) this often."""


def utc_stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def at_terminal() -> bool:
    """A live view only when both streams are a terminal: `cmd > log 2>&1` and pipes get plain lines."""
    return _isatty(sys.stdout) and _isatty(sys.stderr)


def _isatty(stream: TextIO | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except ValueError:  # a closed stream
        return False


class ProgressReporter:
    """Plain lines on stderr, each starting with a UTC timestamp (the base: logs, CI, pipes)."""

    live = False

    def __init__(
        self,
        stream: TextIO | None = None,
        interval: float = PROGRESS_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._interval = interval
        self._clock = clock
        self._state: str | None = None
        self._last_line: float | None = None

    def note(self, text: str) -> None:
        self._line(text)

    def update(self, state: str, detail: str = "", view: RenderableType | None = None) -> None:
        now = self._clock()
        changed = state != self._state
        if not changed and self._last_line is not None and now - self._last_line < self._interval:
            return
        self._state = state
        self._line(f"{state}; {detail}" if detail else state)

    def pause(self) -> None:
        """Before a question at the terminal (nothing to do for plain lines)."""

    def resume(self) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> ProgressReporter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _line(self, text: str) -> None:
        stream = self._stream or sys.stderr
        stream.write(f"{utc_stamp()} {text}\n")
        stream.flush()
        self._last_line = self._clock()


class LiveReporter(ProgressReporter):
    """At a terminal: notes are printed above a Rich live view that shows the latest update."""

    live = True

    def __init__(self, console: Console) -> None:
        super().__init__()
        self._console = console
        self._live: Any = None

    def note(self, text: str) -> None:
        self._console.print(text, markup=False, highlight=False)

    def update(self, state: str, detail: str = "", view: RenderableType | None = None) -> None:
        from rich.live import Live
        from rich.text import Text

        if self._live is None:
            self._live = Live(console=self._console, auto_refresh=False, redirect_stdout=False, transient=False)
            self._live.start()
        self._live.update(view if view is not None else Text(f"{state}; {detail}" if detail else state), refresh=True)

    def pause(self) -> None:
        if self._live is not None:
            self._live.stop()

    def resume(self) -> None:
        if self._live is not None:
            self._live.start()

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


def progress_reporter(console: Console | None = None) -> ProgressReporter:
    """The reporter for this process: live at a terminal, plain lines otherwise."""
    if not at_terminal():
        return ProgressReporter()
    from . import context

    return LiveReporter(console or context.console(stderr=True))
