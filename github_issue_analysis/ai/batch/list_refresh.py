"""Read the state of many batches from the provider's list pages instead of one retrieve per batch.

A provider lists its batches newest first, `list_page_size` to a page (OpenAI 100, Anthropic up to 1,000).
Refreshing a group reads pages only while they can still hold one of the group's unfinished batches, and
only while paging is cheaper than retrieving: the pages it may read are the depth at which the oldest
unfinished batch should sit (the group's own batches sent since then, a page each `list_page_size`) plus
one page of slack for other batches in between. Paging stops as soon as every wanted batch is seen, or
when a page reaches batches older than the wanted ones; what the pages did not reach is retrieved one by
one by the caller (who bounds the concurrency)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from math import ceil

from github_issue_analysis.ai.providers.base import BatchProvider
from github_issue_analysis.domain.jobs import BatchJob
from github_issue_analysis.domain.provider_batches import ProviderBatch

CLOCK_SKEW = timedelta(minutes=5)  # clocks differ a little between us and the provider
SLACK_PAGES = 1  # pages allowed beyond the expected depth, for other batches created in between


@dataclass
class Listed:
    seen: dict[str, ProviderBatch] = field(default_factory=dict)  # provider batch id -> the batch as listed
    unseen: list[str] = field(default_factory=list)  # provider batch ids the pages did not reach
    pages: int = 0


def _sent_at(job: BatchJob) -> datetime:
    return job.submitted_at or job.created_at


def page_budget(wanted: Sequence[BatchJob], group_jobs: Sequence[BatchJob], page_size: int) -> int:
    """Pages worth reading for `wanted` (0: retrieving each is no dearer). `group_jobs` are every batch of
    the group, finished and superseded ones included: they sit in the list between the wanted ones."""
    if not wanted:
        return 0
    oldest = min(_sent_at(job) for job in wanted)
    newer = sum(1 for job in group_jobs if job.provider_batch_id and _sent_at(job) >= oldest)
    depth = max(1, ceil(newer / page_size))
    return depth + SLACK_PAGES if depth < len(wanted) else 0


async def read_listed(provider: BatchProvider, wanted: Sequence[BatchJob], group_jobs: Sequence[BatchJob]) -> Listed:
    """The wanted jobs' batches as the list pages show them; the rest are left in `unseen`."""
    pending = {job.provider_batch_id: job for job in wanted if job.provider_batch_id}
    listed = Listed()
    budget = page_budget(wanted, group_jobs, provider.list_page_size)
    if budget:
        cutoff = min(job.created_at for job in wanted) - CLOCK_SKEW
        async with aclosing(provider.list_pages()) as pages:
            async for page in pages:
                listed.pages += 1
                for batch in page:
                    if pending.pop(batch.id, None) is not None:
                        listed.seen[batch.id] = batch
                if not pending or listed.pages >= budget or _reaches_before(page, cutoff):
                    break
    listed.unseen = list(pending)
    return listed


def _reaches_before(page: list[ProviderBatch], cutoff: datetime) -> bool:
    """The page ends with a batch created before any wanted one: later pages cannot hold them."""
    last = page[-1].created_at if page else None
    return not page or (last is not None and last < cutoff)
