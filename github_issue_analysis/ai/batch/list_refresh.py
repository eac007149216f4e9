"""Read the state of many batches from the provider's list pages instead of one retrieve per batch.

A provider lists its batches newest first, `list_page_size` to a page (OpenAI 100, Anthropic up to 1,000),
and a page can start after any batch id. The group's own batches, newest first, are cut into segments of a
little less than a page each (room for batches listed a few places off our order); segment j starts after
the last batch of segment j-1, whose id the store knows, so every segment holding an unfinished batch is
read at once instead of one page after another. Segments are read in
rounds: a segment goes on (from its page's last id) only while some of its unfinished batches are unseen
and its page has not yet reached the next segment. Paging stops as soon as every wanted batch is seen,
when a page reaches batches older than the wanted ones, or when pages would cost more than retrieving:
the pages allowed are the segments to read plus one page of slack (for other batches created in
between), and paging is skipped when that is not fewer than the wanted batches. What the pages did not
reach is retrieved one by one by the caller."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from math import ceil
from typing import Any

from github_issue_analysis.ai.providers.base import BatchPage, BatchProvider
from github_issue_analysis.domain.jobs import BatchJob
from github_issue_analysis.domain.provider_batches import ProviderBatch

CLOCK_SKEW = timedelta(minutes=5)  # clocks differ a little between us and the provider
SLACK_PAGES = 1  # pages allowed beyond one per segment, for other batches created in between
JITTER = 10  # places a batch may sit off our order in the provider's list (concurrent creates)

Each = Callable[[Sequence[Any], Callable[[Any], Awaitable[Any]]], Awaitable[list[Any]]]


@dataclass
class Listed:
    seen: dict[str, ProviderBatch] = field(default_factory=dict)  # provider batch id -> the batch as listed
    unseen: list[str] = field(default_factory=list)  # provider batch ids the pages did not reach
    pages: int = 0


@dataclass
class Segment:
    cursor: str | None  # the page starts after this batch (None: the newest)
    members: list[str]  # the group's batch ids in this stretch, newest first
    wanted: set[str]
    ended: bool = False  # a page reached the end of the stretch, or the list ended


def _sent_at(job: BatchJob) -> datetime:
    return job.submitted_at or job.created_at


def segments(wanted: Sequence[BatchJob], group_jobs: Sequence[BatchJob], page_size: int) -> list[Segment]:
    """The stretches of the list worth reading: those holding a wanted batch."""
    ordered = [j.provider_batch_id for j in sorted(group_jobs, key=_sent_at, reverse=True) if j.provider_batch_id]
    ids = {job.provider_batch_id for job in wanted if job.provider_batch_id}
    found = []
    stride = _stride(len(ordered), page_size)
    for start in range(0, len(ordered), stride):
        members = ordered[start : start + stride]
        if ids.intersection(members):
            found.append(Segment(ordered[start - 1] if start else None, members, ids.intersection(members)))
    return found


def _stride(batches: int, page_size: int) -> int:
    """Batches per stretch: one page for a group that fits one; else a page less JITTER, spread evenly, so
    that a batch the provider lists a few places off our order (creates sent at once finish in any order)
    still falls on a page read in the first round."""
    if batches <= page_size:
        return max(1, batches)
    stretches = ceil(batches / max(1, page_size - JITTER))
    return ceil(batches / stretches)


def page_budget(wanted: Sequence[BatchJob], group_jobs: Sequence[BatchJob], page_size: int) -> int:
    """Pages worth reading for `wanted` (0: retrieving each is no dearer)."""
    needed = len(segments(wanted, group_jobs, page_size))
    return needed + SLACK_PAGES if 0 < needed < len(wanted) else 0


async def read_listed(
    provider: BatchProvider, wanted: Sequence[BatchJob], group_jobs: Sequence[BatchJob], each: Each
) -> Listed:
    """The wanted jobs' batches as the list pages show them; the rest are left in `unseen`."""
    pending = {job.provider_batch_id for job in wanted if job.provider_batch_id}
    listed = Listed()
    stretches = segments(wanted, group_jobs, provider.list_page_size)
    budget = page_budget(wanted, group_jobs, provider.list_page_size)
    cutoff = min((job.created_at for job in wanted), default=None)
    active = stretches if budget else []
    while active and pending:
        active = active[: budget - listed.pages]
        try:
            pages: list[BatchPage] = await each(active, lambda segment: provider.list_page(segment.cursor))
        except NotImplementedError:  # a provider without list pages: everything by retrieve
            break
        listed.pages += len(active)
        for segment, page in zip(active, pages, strict=True):
            _take(segment, page, pending, listed.seen, cutoff)
        active = [s for s in active if not s.ended and s.wanted & pending]
    listed.unseen = sorted(pending)
    return listed


def _take(
    segment: Segment, page: BatchPage, pending: set[str], seen: dict[str, ProviderBatch], cutoff: datetime | None
) -> None:
    for batch in page.batches:
        if batch.id in pending:
            pending.discard(batch.id)
            seen[batch.id] = batch
    ids = {batch.id for batch in page.batches}
    last = page.batches[-1] if page.batches else None
    older = (
        last is not None
        and last.created_at is not None
        and cutoff is not None
        and last.created_at < cutoff - CLOCK_SKEW
    )
    segment.ended = not page.has_more or last is None or segment.members[-1] in ids or older
    segment.cursor = last.id if last else segment.cursor
