"""The live view of `gh-analysis batch watch`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from github_issue_analysis.errors import UsageError

from . import context

if TYPE_CHECKING:
    from github_issue_analysis.ai.batch.batch_service import BatchService
    from github_issue_analysis.ai.batch.watcher import WatchOptions, WatchProgress
    from github_issue_analysis.domain.groups import BatchGroupStatus

    from .progress import ProgressReporter


def progress_view(progress: WatchProgress) -> Table:
    status = progress.status
    table = Table(title=f"Watching {status.group_id}: {status.status.value}", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Batches", ", ".join(f"{state} {n}" for state, n in sorted(progress.by_state.items())))
    table.add_row("Issues done", f"{status.completed_issues}/{status.total_issues}")
    table.add_row("Tokens in flight", f"{progress.tokens_in_flight:,} (estimated)")
    eta = progress.eta_seconds
    table.add_row("Elapsed", f"{progress.elapsed_seconds:,.0f} s" + (f", about {eta:,.0f} s to go" if eta else ""))
    if progress.retries:
        table.add_row("Retry rounds", str(progress.retries))
    return table


def progress_state(progress: WatchProgress) -> tuple[str, str]:
    """The state (a line in a log whenever it changes) and the detail of one watch update."""
    status = progress.status
    batches = ", ".join(f"{state} {n}" for state, n in sorted(progress.by_state.items()))
    state = f"{status.group_id}: {status.status.value}; batches: {batches}"
    eta = progress.eta_seconds
    detail = f"issues done {status.completed_issues}/{status.total_issues}, {progress.elapsed_seconds:,.0f} s elapsed"
    return state, detail + (f", about {eta:,.0f} s to go" if eta else "")


def show_progress(reporter: ProgressReporter) -> Callable[[WatchProgress], None]:
    def show(progress: WatchProgress) -> None:
        state, detail = progress_state(progress)
        reporter.update(state, detail, progress_view(progress))

    return show


def run_watch(
    service: BatchService,
    group_id: str,
    options: WatchOptions,
    *,
    concurrency: int,
    json_output: bool,
    yes: bool = False,
) -> BatchGroupStatus:
    """Watch with a live view (plain lines on stderr when not at a terminal); without --yes a retry round asks
    first (at a terminal only)."""
    from .progress import progress_reporter

    if options.retry_failed and not yes and not sys.stdin.isatty():
        raise UsageError("--retry-failed may resend failed items as new batches; pass --yes when not at a terminal")
    try:
        with progress_reporter() as reporter:
            options = replace(options, confirm=None if yes else _asking(reporter))
            return service.watch(group_id, options, concurrency, show_progress(reporter))
    except KeyboardInterrupt:
        raise context.stopped(
            f"Stopped watching; nothing was cancelled. Run `gh-analysis batch watch {group_id}` to go on."
        ) from None


def _asking(reporter: ProgressReporter) -> Callable[[int], None]:
    """Ask at the terminal (pausing the live view) before a retry round sends several batches."""

    def confirm(batches: int) -> None:
        reporter.pause()
        try:
            if not typer.confirm(f"Resend failed items as {batches} new batch jobs?"):
                raise typer.Abort()
        finally:
            reporter.resume()

    return confirm
