"""Read the state of many batches from the provider's list pages instead of one retrieve per batch.

A provider lists its batches newest first by creation second, `list_page_size` to a page (OpenAI 100,
Anthropic up to 1,000), and a page can start after any batch id. Within one second the order is not promised
(newest first, oldest first, shuffled), and other batches of the account may sit between ours.

The group's own batches, newest first, are cut into stretches of a little less than three pages; a *chain* of
pages starts after the last batch of the stretch before (None: the top of the list), and every chain holding
an unfinished batch reads its first page at once. Where each page ends is known only once it is read, so the
chains go on in rounds, each from the last batch its page showed, until the pages together cover the part
of the list that can hold what is still unseen. A chain stops when

- the list ended, or its page reached batches older than the oldest wanted one;
- its page ends inside what another chain listed (or on another chain's starting batch): the rest is
  covered there;
- every wanted batch of its own stretch and of the next one is seen (a batch created in the same second
  as a chain's starting batch may be listed before it, so on the previous chain's pages).

Paging stops as soon as every wanted batch is seen, and is skipped when retrieving each is no dearer; the
pages allowed are twice the chains plus slack (other batches between ours), and never as many as the wanted
batches. Measured on the emulator (benchmarks/scale.py) and by simulation: 22-26 pages for 2,000 batches created
70 a second, against a minimum of 21, under every order. What the pages did not reach is retrieved one by one
by the caller."""

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
SLACK_PAGES = 2  # pages allowed beyond twice the chains' own, for other batches created in between
PAGES_PER_CHAIN = 3  # pages a chain is cut for: fewer chains lose less where one ends inside another
JITTER = 10  # places a stretch stays short of its pages, for batches listed a little off our order

Each = Callable[[Sequence[Any], Callable[[Any], Awaitable[Any]]], Awaitable[list[Any]]]


@dataclass
class Listed:
    seen: dict[str, ProviderBatch] = field(default_factory=dict)  # provider batch id -> the batch as listed
    unseen: list[str] = field(default_factory=list)  # provider batch ids the pages did not reach
    pages: int = 0


@dataclass
class Chain:
    start: str | None  # the first page starts after this batch (None: the newest)
    members: list[str]  # the group's batch ids in this stretch, newest first
    wanted: set[str]  # unfinished batches of this stretch and the next one
    cursor: str | None = None  # the next page starts after this batch
    listed: set[str] = field(default_factory=set)  # every id this chain's pages showed
    last: str | None = None  # the id its latest page ended on
    read: bool = False  # a page of it was read
    ended: bool = False

    def __post_init__(self) -> None:
        self.cursor = self.start


def _sent_at(job: BatchJob) -> datetime:
    return job.submitted_at or job.created_at


def chains(wanted: Sequence[BatchJob], group_jobs: Sequence[BatchJob], page_size: int) -> list[Chain]:
    """A chain for every stretch of the group holding a wanted batch."""
    ordered = [j.provider_batch_id for j in sorted(group_jobs, key=_sent_at, reverse=True) if j.provider_batch_id]
    ids = {job.provider_batch_id for job in wanted if job.provider_batch_id}
    stride = _stride(len(ordered), page_size)
    stretches = [ordered[start : start + stride] for start in range(0, len(ordered), stride)]
    found = []
    for index, members in enumerate(stretches):
        if ids.intersection(members):
            following = stretches[index + 1] if index + 1 < len(stretches) else []
            start = stretches[index - 1][-1] if index else None
            found.append(Chain(start, members, ids.intersection(members + following)))
    return found


def _stride(batches: int, page_size: int) -> int:
    """Batches per stretch: one page for a group that fits one; else PAGES_PER_CHAIN pages less JITTER, spread
    evenly (a chain's end is where pages are wasted: its last page is read whole)."""
    if batches <= page_size:
        return max(1, batches)
    stretches = ceil(batches / max(1, PAGES_PER_CHAIN * page_size - JITTER))
    return ceil(batches / stretches)


def page_budget(wanted: Sequence[BatchJob], group_jobs: Sequence[BatchJob], page_size: int) -> int:
    """Pages worth reading for `wanted` (0: retrieving each is no dearer)."""
    found = chains(wanted, group_jobs, page_size)
    needed = sum(ceil(len(chain.members) / page_size) for chain in found)
    if not 0 < needed < len(wanted):
        return 0
    return min(2 * needed + SLACK_PAGES, len(wanted) - 1)


async def read_listed(
    provider: BatchProvider, wanted: Sequence[BatchJob], group_jobs: Sequence[BatchJob], each: Each
) -> Listed:
    """The wanted jobs' batches as the list pages show them; the rest are left in `unseen`."""
    pending = {job.provider_batch_id for job in wanted if job.provider_batch_id}
    listed = Listed()
    found = chains(wanted, group_jobs, provider.list_page_size)
    budget = page_budget(wanted, group_jobs, provider.list_page_size)
    cutoff = min((job.created_at for job in wanted), default=None)
    active = found if budget else []
    while active and pending:
        active = active[: min(budget - listed.pages, len(pending))]
        if not active:
            break
        try:
            pages: list[BatchPage] = await each(active, lambda chain: provider.list_page(chain.cursor))
        except NotImplementedError:  # a provider without list pages: everything by retrieve
            break
        listed.pages += len(active)
        for chain, page in zip(active, pages, strict=True):
            _take(chain, page, pending, listed.seen, cutoff)
        for chain in active:
            chain.ended = chain.ended or _covered(chain, found) or not chain.wanted & pending
        active = [chain for chain in found if not chain.ended]
    listed.unseen = sorted(pending)
    return listed


def _take(
    chain: Chain, page: BatchPage, pending: set[str], seen: dict[str, ProviderBatch], cutoff: datetime | None
) -> None:
    for batch in page.batches:
        if batch.id in pending:
            pending.discard(batch.id)
            seen[batch.id] = batch
    chain.read = True
    chain.listed.update(batch.id for batch in page.batches)
    last = page.batches[-1] if page.batches else None
    older = (
        last is not None
        and last.created_at is not None
        and cutoff is not None
        and last.created_at < cutoff - CLOCK_SKEW
    )
    chain.ended = not page.has_more or last is None or older
    chain.last = last.id if last else chain.last
    chain.cursor = chain.last


def _covered(chain: Chain, every: Sequence[Chain]) -> bool:
    """Whether the list past this chain's latest page is read by another chain: its page ended on another
    chain's starting batch, or inside what another chain listed that goes on past it (of two chains ending
    on the same batch, the newer goes on)."""
    for index, other in enumerate(every):
        if other is chain or chain.last is None or not other.read:
            continue
        if other.start == chain.last:
            return True
        if chain.last in other.listed and (other.last != chain.last or index < every.index(chain)):
            return True
    return False
