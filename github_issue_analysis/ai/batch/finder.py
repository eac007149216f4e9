"""Find provider batches our jobs created just before a crash (the job says `submitting`, the store has no
batch id), so that resuming adopts them instead of paying twice.

With metadata (OpenAI): every batch names its group, job and attempt; a match is exact.
Without metadata (Anthropic): the job's write-ahead record holds its request count and the time its create
began (`submitted_at`, stored before the request goes out). A listed batch created since then (less a
clock-skew margin), with exactly that many requests, that no job in the store owns, is a candidate. One
candidate claimed by one job is adopted; anything else is ambiguous: reported with every candidate's id and
never sent again automatically. Creates for such providers go out one at a time, so a crash strands at most
one job with a create in flight."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from github_issue_analysis.ai.providers.base import BatchProvider
from github_issue_analysis.domain.jobs import BatchJob
from github_issue_analysis.domain.provider_batches import META_ATTEMPT, META_GROUP, META_JOB, ProviderBatch
from github_issue_analysis.storage.job_store import JobStore

CLOCK_SKEW = timedelta(minutes=5)  # clocks differ a little between us and the provider


@dataclass
class Found:
    batches: dict[str, ProviderBatch] = field(default_factory=dict)  # job id -> its batch
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # job id -> candidate batch ids

    def ambiguity(self, job_id: str) -> str | None:
        candidates = self.ambiguous.get(job_id)
        if not candidates:
            return None
        return (
            f"not sent again: provider batch(es) {', '.join(candidates)} match this job's request count and "
            "creation time and could be its batch; check them at the provider, then run "
            f"`gh-analysis batch adopt {job_id} PROVIDER_BATCH_ID` or `gh-analysis batch unsent {job_id}`"
        )


def batch_metadata(job: BatchJob) -> dict[str, str]:
    return {META_GROUP: job.group_id, META_JOB: job.job_id, META_ATTEMPT: str(job.attempt)}


async def find_created(provider: BatchProvider, store: JobStore, jobs: Sequence[BatchJob]) -> Found:
    if not jobs:
        return Found()
    if provider.has_metadata:
        return await _by_metadata(provider, jobs)
    return await _by_count_and_time(provider, store, jobs)


async def _listed_since(provider: BatchProvider, since: datetime) -> list[ProviderBatch]:
    """Listed newest first: stop at the first batch older than `since`."""
    listed = []
    async for batch in provider.list_batches():
        if batch.created_at and batch.created_at < since:
            break
        listed.append(batch)
    return listed


async def _by_metadata(provider: BatchProvider, jobs: Sequence[BatchJob]) -> Found:
    """Exact by group, job and attempt; two batches naming one job (created by hand, or a create that went out
    twice) make it ambiguous: reported with both ids, never adopted or sent again."""
    wanted = {(job.group_id, job.job_id, str(job.attempt)) for job in jobs}
    matches: dict[str, list[ProviderBatch]] = {}
    for batch in await _listed_since(provider, min(job.created_at for job in jobs) - CLOCK_SKEW):
        meta = batch.metadata
        key = (meta.get(META_GROUP), meta.get(META_JOB), meta.get(META_ATTEMPT, "1"))
        if key in wanted:
            matches.setdefault(str(key[1]), []).append(batch)
    found = Found()
    for job_id, batches in matches.items():
        if len(batches) == 1:
            found.batches[job_id] = batches[0]
        else:
            found.ambiguous[job_id] = sorted(batch.id for batch in batches)
    return found


async def _by_count_and_time(provider: BatchProvider, store: JobStore, jobs: Sequence[BatchJob]) -> Found:
    starts = {job.job_id: (job.submitted_at or job.created_at) - CLOCK_SKEW for job in jobs}
    listed = await _listed_since(provider, min(starts.values()))
    owned = store.owned_provider_batch_ids([batch.id for batch in listed])
    candidates = {
        job.job_id: [
            batch
            for batch in listed
            if batch.id not in owned
            and batch.total == job.total_items
            and (batch.created_at is None or batch.created_at >= starts[job.job_id])
        ]
        for job in jobs
    }
    claims = Counter(batch.id for batches in candidates.values() for batch in batches)
    found = Found()
    for job_id, batches in candidates.items():
        if len(batches) == 1 and claims[batches[0].id] == 1:
            found.batches[job_id] = batches[0]
        elif batches:
            found.ambiguous[job_id] = sorted(batch.id for batch in batches)
    return found
