"""The enqueued-token limit a group goes out under: the one given, else the one kept with the group, else the
one the provider stated for this account and model, and never more than the provider stated for the group. A
queued child that can never fit is split smaller, or (one request alone too big) failed with why, so nothing is
resubmitted without bound."""

from __future__ import annotations

import contextlib
import math

from github_issue_analysis.ai.providers.base import BatchProvider
from github_issue_analysis.domain.groups import BatchGroup, new_job_id
from github_issue_analysis.domain.jobs import BatchJob, JobStatus
from github_issue_analysis.storage.batch_records import NewJob, RetryRaced
from github_issue_analysis.storage.owners import process_owner
from github_issue_analysis.storage.store import Store
from github_issue_analysis.storage.timeutil import utcnow

from .batch_splitter import BatchSplitter


def effective_limit(store: Store, provider: BatchProvider, group: BatchGroup, given: int | None) -> int | None:
    """The limit to plan with: the one given (kept with the group for later runs), else the one kept, else the
    one learned for this account and model; never above a limit the provider stated for this group."""
    if given:
        if group.options.get("max_enqueued_tokens") != given:
            store.jobs.update_group_options(group.group_id, max_enqueued_tokens=given)
        chosen: int | None = given
    else:
        kept = group.options.get("max_enqueued_tokens")
        chosen = int(kept) if kept else store.limits.learned(provider.name, provider.account, group.model)
    stated = group.options.get("stated_token_limit")
    if stated and (chosen is None or int(stated) < chosen):
        return int(stated)  # the provider's own word beats a guess that proved too high
    return chosen


def fit_children(store: Store, group: BatchGroup, children: list[BatchJob], limit: int | None) -> list[BatchJob]:
    """The group's sendable children with every queued one that exceeds `limit` split (or failed)."""
    if not limit or not any(_too_big(child, limit) for child in children):
        return children
    for child in children:
        if _too_big(child, limit):
            _split_or_fail(store, group, child, limit)
    return [
        c
        for c in store.jobs.jobs(group.group_id)
        if not c.superseded and c.status in (JobStatus.QUEUED, JobStatus.SUBMITTING)
    ]


def _too_big(child: BatchJob, limit: int) -> bool:
    return child.status is JobStatus.QUEUED and child.estimated_tokens > limit


def _split_or_fail(store: Store, group: BatchGroup, child: BatchJob, limit: int) -> None:
    owner = f"{process_owner()}:split"
    if store.job_leases.claim_job(child.job_id, owner, [JobStatus.QUEUED]) is None:
        return  # another process is sending or splitting it
    if child.total_items <= 1:
        store.jobs.update_job(
            child.job_id,
            status=JobStatus.FAILED,
            finished_at=utcnow(),
            claimed_by=None,
            claimed_until=None,
            error=(
                f"this single request needs about {child.estimated_tokens:,} prompt tokens, more than the "
                f"enqueued-token limit of {limit:,} for {group.model}: it can never be sent under that limit"
            ),
        )
        return
    with contextlib.suppress(RetryRaced):
        store.jobs.add_jobs(group.group_id, _pieces(store, group, child, limit), [child.job_id])
    store.job_leases.release_job(child.job_id, owner)


def _pieces(store: Store, group: BatchGroup, child: BatchJob, limit: int) -> list[NewJob]:
    """The child cut by the one splitter under the token limit (from its per-item average), always into
    smaller children than itself."""
    items = [(item.issue_id, item.custom_id) for item in store.job_items.items(child.job_id)]
    per_item = child.estimated_tokens / max(1, len(items))
    # every item counts as the average, so the budget is a whole number of items (no float drift at the edge)
    items_per_limit = math.floor(limit / per_item) if per_item else None
    splitter = BatchSplitter(max(1, len(items) // 2), max_tokens=items_per_limit)
    chunks = splitter.chunks(items, tokens=[1] * len(items))
    next_sequence = max((c.batch_sequence for c in store.jobs.jobs(group.group_id)), default=0) + 1
    total = len(group.child_job_ids) + len(chunks)
    return [
        NewJob(new_job_id(), next_sequence + n, total, chunk, estimated_tokens=math.ceil(per_item * len(chunk)))
        for n, chunk in enumerate(chunks)
    ]
