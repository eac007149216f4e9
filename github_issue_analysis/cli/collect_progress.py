"""`collect`'s progress: a Rich display at a terminal (repositories, issues, requests and rate-limit budget left),
plain timestamped lines through the progress seam otherwise."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from github_issue_analysis.github_client import CollectObserver, RateBudget, RepoReport

from .progress import ProgressReporter, at_terminal


class RichCollectProgress(CollectObserver):
    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self.repos: TaskID = self.progress.add_task("Repositories", total=None)
        self.issues: TaskID = self.progress.add_task("Issues", total=0)
        self.requests: TaskID = self.progress.add_task("Requests: 0", total=None)
        self.expected: dict[str, int] = {}

    def __enter__(self) -> RichCollectProgress:
        self.progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.progress.stop()

    def repositories_found(self, repos: Sequence[str]) -> None:
        self.progress.update(self.repos, total=len(repos))

    def repository_started(self, repo: str, total_issues: int) -> None:
        self.expected[repo] = total_issues
        self.progress.update(self.issues, total=sum(self.expected.values()))

    def issues_stored(self, repo: str, count: int) -> None:
        self.progress.advance(self.issues, count)

    def repository_finished(self, report: RepoReport) -> None:
        self.expected[report.repo] = min(self.expected.get(report.repo, 0), report.issues)
        self.progress.update(self.issues, total=sum(self.expected.values()))
        self.progress.advance(self.repos)

    def request_sent(self, requests: int, budget: RateBudget) -> None:
        left = "unknown" if budget.remaining is None else f"{budget.remaining}"
        if budget.limit:
            left += f"/{budget.limit}"
        self.progress.update(self.requests, description=f"Requests: {requests} · rate limit left: {left}")

    def waiting(self, message: str, seconds: float) -> None:
        until = datetime.now().astimezone().timestamp() + seconds
        at = datetime.fromtimestamp(until).strftime("%H:%M:%S")
        self.progress.console.print(f"[yellow]{message}: waiting {seconds:.0f} s (until {at})[/yellow]")


class PlainCollectProgress(CollectObserver):
    """For logs: a line per repository started and finished and per wait, a progress line at most once a minute."""

    def __init__(self, reporter: ProgressReporter) -> None:
        self.reporter = reporter
        self.expected: dict[str, int] = {}
        self.stored = 0
        self.requests = 0
        self.budget = "unknown"

    def __enter__(self) -> PlainCollectProgress:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.reporter.close()

    def repositories_found(self, repos: Sequence[str]) -> None:
        self.reporter.note(f"Found {len(repos)} {'repository' if len(repos) == 1 else 'repositories'}")

    def repository_started(self, repo: str, total_issues: int) -> None:
        self.expected[repo] = total_issues
        self.reporter.note(f"{repo}: collecting about {total_issues} issue(s)")

    def issues_stored(self, repo: str, count: int) -> None:
        self.stored += count
        self._progress()

    def repository_finished(self, report: RepoReport) -> None:
        self.reporter.note(f"{report.repo}: done, {report.issues} issue(s), {report.comments} comment(s)")

    def request_sent(self, requests: int, budget: RateBudget) -> None:
        self.requests = requests
        self.budget = "unknown" if budget.remaining is None else f"{budget.remaining}"
        self._progress()

    def waiting(self, message: str, seconds: float) -> None:
        self.reporter.note(f"{message}: waiting {seconds:.0f} s")

    def _progress(self) -> None:
        if not self.expected:  # the listing of repositories: nothing to count yet
            return
        expected = sum(self.expected.values())
        detail = f"{self.stored}/{expected} issues, {self.requests} requests, rate limit left {self.budget}"
        self.reporter.update("Collecting", detail)


def collect_progress(console: Console) -> RichCollectProgress | PlainCollectProgress:
    """The live display at a terminal, plain lines otherwise."""
    return RichCollectProgress(console) if at_terminal() else PlainCollectProgress(ProgressReporter())
