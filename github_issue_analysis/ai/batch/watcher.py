"""Drive a group to its end without a person: submit queued children as capacity frees, refresh, collect
each child as it finishes, and (when asked) resend failed items up to a number of attempts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from github_issue_analysis.domain.groups import BatchGroupStatus
from github_issue_analysis.errors import BatchesMissingAtProvider, UnresolvedChild
from github_issue_analysis.storage.batch_records import RetryRaced

from .batch_group_manager import BatchGroupManager
from .group_retry import NothingToRetry

MAX_POLL_SECONDS = 60.0


@dataclass(frozen=True)
class WatchOptions:
    retry_failed: bool = False
    max_attempts: int = 2
    max_enqueued_tokens: int | None = None
    poll_seconds: float = 5.0
    confirm: Callable[[int], None] | None = None  # called before a retry round sends several batches; raises to refuse


@dataclass(frozen=True)
class WatchProgress:
    status: BatchGroupStatus
    tokens_in_flight: int
    elapsed_seconds: float
    retries: int

    @property
    def by_state(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for job in self.status.batches:
            counts[job.status.value] = counts.get(job.status.value, 0) + 1
        return counts

    @property
    def eta_seconds(self) -> float | None:
        done = sum(job.status.is_terminal for job in self.status.batches)
        total = len(self.status.batches)
        if not done or done == total:
            return None
        return self.elapsed_seconds / done * (total - done)


async def watch_group(
    manager: BatchGroupManager,
    group_id: str,
    options: WatchOptions,
    on_progress: Callable[[WatchProgress], None] = lambda _: None,
) -> BatchGroupStatus:
    started = time.monotonic()
    delay, retries, last_seen = options.poll_seconds, 0, None
    while True:
        outcomes = await manager.submit_pending(group_id, options.max_enqueued_tokens)
        if unresolved := [o for o in outcomes if o.candidates]:  # watching cannot settle it: a person must
            raise UnresolvedChild(unresolved[0].job.job_id, list(unresolved[0].candidates))
        status = await manager.refresh(group_id)
        if any(job.status.is_terminal and job.collected_at is None for job in status.batches):
            report = await manager.collect(group_id)
            if report.broken:  # stop rather than download the same unusable files every cycle
                raise report.broken[0]
            status = manager.status(group_id).model_copy(update={"missing_at_provider": status.missing_at_provider})
        if status.missing_at_provider:
            raise BatchesMissingAtProvider(group_id, status.missing_at_provider)
        if options.retry_failed and _finished(status) and _retry(manager, group_id, options):
            retries += 1
            delay = options.poll_seconds
            continue
        in_flight = manager.store.pacing.in_flight_tokens(status.model)
        on_progress(WatchProgress(status, in_flight, time.monotonic() - started, retries))
        if _finished(status):
            return status
        seen = [(job.job_id, job.status) for job in status.batches]
        # Back off while nothing moves; poll briskly again once something has.
        delay = options.poll_seconds if seen != last_seen else min(delay * 1.5, MAX_POLL_SECONDS)
        last_seen = seen
        await asyncio.sleep(delay)


def _finished(status: BatchGroupStatus) -> bool:
    return all(job.status.is_terminal and job.collected_at is not None for job in status.batches)


def _retry(manager: BatchGroupManager, group_id: str, options: WatchOptions) -> bool:
    try:
        jobs, superseded = manager.retry_children(group_id, failed_only=True, max_attempts=options.max_attempts)
        if len(jobs) > 1 and options.confirm is not None:
            options.confirm(len(jobs))
        manager.store.jobs.add_jobs(group_id, jobs, superseded)
    except NothingToRetry:
        return False
    except RetryRaced:  # another watcher retried these children first
        return True
    return True
