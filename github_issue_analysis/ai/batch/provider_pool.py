"""The providers a service talks to, each built once, and the event loop their work runs on: by default a loop
per call, which closes the provider at its end (its connections belonged to that loop, so the pool forgets
it and the next call builds it anew); inside `session()` one loop for every call until the end, each provider
built once and kept open until then (a scheduled step makes many calls)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from github_issue_analysis.ai.providers.base import BatchProvider

T = TypeVar("T")


class ProviderPool:
    def __init__(self, factory: Callable[[str], BatchProvider]) -> None:
        self._factory = factory
        self._providers: dict[str, BatchProvider] = {}
        self._runner: asyncio.Runner | None = None

    def get(self, name: str) -> BatchProvider:
        if name not in self._providers:
            self._providers[name] = self._factory(name)
        return self._providers[name]

    @contextmanager
    def session(self) -> Iterator[None]:
        """One event loop for every `run` until the end; the providers are closed on it at the end."""
        runner = self._runner = asyncio.Runner()
        try:
            yield
        finally:
            providers, self._providers, self._runner = list(self._providers.values()), {}, None
            try:
                for provider in providers:
                    runner.run(provider.close())
            finally:
                runner.close()

    def run(self, provider: BatchProvider, work: Callable[[], Awaitable[T]]) -> T:
        runner = self._runner
        if runner is not None:
            return runner.run(_awaited(work))

        async def then_close() -> T:
            try:
                return await work()
            finally:
                await provider.close()

        try:
            return asyncio.run(then_close())
        finally:
            self._providers = {name: p for name, p in self._providers.items() if p is not provider}


async def _awaited(work: Callable[[], Awaitable[T]]) -> T:
    return await work()
