"""Settle a child left `submitting` whose provider batch could not be told apart (finder.py: several equal
candidates, never resent automatically): the user checks at the provider, then either names its batch
(`batch adopt JOB PROVIDER_BATCH_ID`, checked against the provider) or says nothing was created
(`batch unsent JOB`: the child goes back to the queue and is sent by the next submit --resume or watch)."""

from __future__ import annotations

from github_issue_analysis.ai.providers.base import NotFoundAtProvider
from github_issue_analysis.domain.jobs import BatchJob, JobStatus
from github_issue_analysis.domain.provider_batches import META_JOB, ProviderBatch
from github_issue_analysis.errors import ConcurrentChange, UsageError
from github_issue_analysis.storage.store import Store

from .finder import CLOCK_SKEW
from .job_runner import JobRunner


def check_stranded(job: BatchJob) -> None:
    """Only a child left `submitting` without a provider batch id may be settled by hand."""
    if job.superseded or job.status is not JobStatus.SUBMITTING or job.provider_batch_id:
        state = f"tracks provider batch {job.provider_batch_id}" if job.provider_batch_id else job.status.value
        raise UsageError(f"batch {job.job_id} is not waiting to be settled (it {_is(state)}); nothing to do")


def _is(state: str) -> str:
    return state if state.startswith("tracks") else f"is {state}"


def mismatch(job: BatchJob, batch: ProviderBatch, owner: str | None) -> str | None:
    """Why `batch` cannot be the job's batch, or None when it can."""
    if owner is not None:
        return "a job in the store already tracks it"
    named = batch.metadata.get(META_JOB)
    if named and named != job.job_id:
        return f"its metadata names job {named}"
    if batch.total != job.total_items:
        return f"it holds {batch.total} requests and the job has {job.total_items}"
    started = job.submitted_at or job.created_at
    if batch.created_at is not None and batch.created_at < started - CLOCK_SKEW:
        return f"it was created at {batch.created_at:%Y-%m-%d %H:%M:%S} UTC, before the job was sent"
    return None


async def adopt_batch(runner: JobRunner, store: Store, job: BatchJob, batch_id: str) -> BatchJob:
    """Take the provider's batch `batch_id` as the job's, once it is seen to exist and to match."""
    check_stranded(job)
    try:
        batch = await runner.provider.retrieve(batch_id)
    except NotFoundAtProvider:
        raise UsageError(f"the provider has no batch {batch_id}; check the id") from None
    owned = store.jobs.owned_provider_batch_ids([batch.id])
    if problem := mismatch(job, batch, next(iter(owned), None)):
        raise UsageError(f"batch {batch_id} cannot be {job.job_id}'s: {problem}")
    adopted = runner.adopt(job, batch)
    if adopted.provider_batch_id != batch.id:
        raise ConcurrentChange(job.group_id, f"submitting {job.job_id} in")
    store.jobs.update_job(job.job_id, error=None)
    return adopted


def mark_unsent(runner: JobRunner, store: Store, job: BatchJob) -> BatchJob:
    """Back to `queued` (the user checked: the provider has no batch of it); sent again by resume or watch."""
    check_stranded(job)
    if runner.job_leases.claim_job(job.job_id, runner.owner, [JobStatus.SUBMITTING]) is None:
        raise ConcurrentChange(job.group_id, f"submitting {job.job_id} in")
    store.jobs.update_job(
        job.job_id, status=JobStatus.QUEUED, submitted_at=None, error=None, claimed_by=None, claimed_until=None
    )
    fresh = store.jobs.job(job.job_id)
    assert fresh is not None
    return fresh
