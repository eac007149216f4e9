"""Slow calls made visible. Provider and GitHub requests go through `WaitingTransport`, which notes when each
started; a listener (the CLI's status line) hears about any request unanswered for a while, so a silent
endpoint never looks like a hung tool. The timeouts themselves are the clients' (connect and read)."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

REPEAT_SECONDS = 15.0  # a call still unanswered is reported again this often


@dataclass(frozen=True)
class SlowCall:
    what: str  # e.g. "POST 127.0.0.1:8000/v1/batches": never a query string or header
    waited: float
    gives_up_after: float | None  # the read timeout of the call


Listener = Callable[[SlowCall], None]


@dataclass
class _Call:
    what: str
    started: float
    timeout: float | None
    reported: float | None = None


class _Watch:
    """The calls in flight in this process and one daemon thread that reports the slow ones."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: dict[int, _Call] = {}
        self.ids = itertools.count()
        self.listener: Listener | None = None
        self.notice_after = 3.0
        self.thread: threading.Thread | None = None

    def start(self, what: str, timeout: float | None) -> int:
        with self.lock:
            token = next(self.ids)
            self.calls[token] = _Call(what, time.monotonic(), timeout)
            if self.listener is not None and self.thread is None:
                self.thread = threading.Thread(target=self._run, name="slow-calls", daemon=True)
                self.thread.start()
        return token

    def finish(self, token: int) -> None:
        with self.lock:
            self.calls.pop(token, None)

    def _run(self) -> None:
        while True:
            time.sleep(min(0.2, self.notice_after / 4))
            for call in self._due():
                if self.listener is not None:
                    self.listener(SlowCall(call.what, time.monotonic() - call.started, call.timeout))

    def _due(self) -> list[_Call]:
        now = time.monotonic()
        due = []
        with self.lock:
            for call in self.calls.values():
                last = call.reported
                if now - call.started >= self.notice_after and (last is None or now - last >= REPEAT_SECONDS):
                    call.reported = now
                    due.append(call)
        return due


_watch = _Watch()


def listen(listener: Listener | None, notice_after: float = 3.0) -> None:
    """Report calls unanswered for `notice_after` seconds (and again every REPEAT_SECONDS) to `listener`."""
    _watch.listener = listener
    _watch.notice_after = max(0.05, notice_after)


def waiting_transport(read_timeout: float | None, http: ModuleType | None = None) -> Any:
    """An async transport that reports its slow requests, for `httpx` or an API-compatible module (the
    OpenAI SDK ships its own copy, `httpx2`): an AsyncHTTPTransport of that module underneath."""
    if http is None:
        import httpx

        http = httpx
    module: Any = http

    class WaitingTransport(module.AsyncBaseTransport):  # type: ignore[misc]
        def __init__(self) -> None:
            self.inner = module.AsyncHTTPTransport()

        async def handle_async_request(self, request: Any) -> Any:
            what = f"{request.method} {request.url.netloc.decode()}{request.url.path}"
            token = _watch.start(what, read_timeout)
            try:
                return await self.inner.handle_async_request(request)
            finally:
                _watch.finish(token)

        async def aclose(self) -> None:
            await self.inner.aclose()

    return WaitingTransport()
