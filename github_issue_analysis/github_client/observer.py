"""The progress hooks of a collection: the collector and each repository's collector call them; the CLI draws
them (cli/collect_progress.py) and tests may record them."""

from __future__ import annotations

from collections.abc import Sequence

from .ratelimit import RateBudget
from .reports import RepoReport


class CollectObserver:
    """Every hook is optional: the base class does nothing."""

    def repositories_found(self, repos: Sequence[str]) -> None: ...

    def repository_started(self, repo: str, total_issues: int) -> None: ...

    def issues_stored(self, repo: str, count: int) -> None: ...

    def repository_finished(self, report: RepoReport) -> None: ...

    def request_sent(self, requests: int, budget: RateBudget) -> None: ...

    def waiting(self, message: str, seconds: float) -> None: ...
