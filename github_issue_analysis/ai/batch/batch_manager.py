"""One child job against the provider: crash-safe submission, refresh, collection, cancellation."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from github_issue_analysis.ai.providers.base import BatchProvider, ProviderError
from github_issue_analysis.domain.jobs import BatchJob, JobStatus
from github_issue_analysis.domain.provider_batches import ProviderBatch
from github_issue_analysis.storage.batch_store import BatchStore, process_owner
from github_issue_analysis.storage.timeutil import utcnow

from .requests import RequestBuilder

META_GROUP = "gh_analysis_group"
META_JOB = "gh_analysis_job"
META_ATTEMPT = "gh_analysis_attempt"
TOKEN_LIMIT_CODE = "token_limit_exceeded"
_LIMIT_IN_MESSAGE = re.compile(r"Limit:\s*([\d,]+)")
CREATE_ATTEMPTS = 6


@dataclass(frozen=True)
class JobChange:
    job: BatchJob
    values: dict[str, object]
    learned_token_limit: int | None = None

    @property
    def expected(self) -> dict[str, object]:
        """What the row must still hold for this change to apply: a stale refresh never undoes newer state."""
        return {"status": self.job.status, "attempt": self.job.attempt, "provider_batch_id": self.job.provider_batch_id}


@dataclass(frozen=True)
class SubmitOutcome:
    job: BatchJob
    submitted: bool
    reason: str = ""


def batch_metadata(job: BatchJob) -> dict[str, str]:
    return {META_GROUP: job.group_id, META_JOB: job.job_id, META_ATTEMPT: str(job.attempt)}


def input_filename(job: BatchJob) -> str:
    return f"gh-analysis_{job.group_id}_{job.job_id}_a{job.attempt}.jsonl"


def learned_token_limit(batch: ProviderBatch) -> int | None:
    """The enqueued-token limit stated in a token_limit_exceeded error, if any."""
    for code, message in zip(batch.error_codes, batch.errors, strict=False):
        if code == TOKEN_LIMIT_CODE and (match := _LIMIT_IN_MESSAGE.search(message)):
            return int(match.group(1).replace(",", ""))
    return None


class BatchManager:
    def __init__(
        self, batches: BatchStore, provider: BatchProvider, owner: str | None = None, retry_seconds: float = 0.5
    ) -> None:
        self.batches = batches
        self.provider = provider
        self.owner = owner or process_owner()
        self.retry_seconds = retry_seconds

    # -- submission ----------------------------------------------------------------------------------
    async def submit(
        self,
        job: BatchJob,
        requests: RequestBuilder,
        listing: dict[tuple[str, int], ProviderBatch] | None = None,
    ) -> SubmitOutcome:
        """Send one queued child. The store says `submitting` before anything goes out, so a crash at any
        step is resumed by looking the batch up by its metadata before creating. `listing` is the group's
        batches by (job id, attempt), read after `job` was; it answers for jobs already `submitting` then."""
        current = self.batches.claim_job(
            job.job_id, self.owner, [JobStatus.QUEUED, JobStatus.SUBMITTING], mark=JobStatus.SUBMITTING
        )
        if current is None:
            return SubmitOutcome(job, False, "taken by another process or no longer queued")
        adopted: BatchJob | None = None
        try:
            if current.status is JobStatus.SUBMITTING:  # an earlier attempt may have reached the provider
                if listing is not None and job.status is JobStatus.SUBMITTING:
                    known = listing.get((current.job_id, current.attempt))
                else:
                    known = await self.find_provider_batch(current)
                if known is not None:
                    adopted = self._adopt(current, known)
                    return SubmitOutcome(adopted, True, "adopted")
            file_id = current.input_file_id
            if file_id is None:
                content = requests.input_file([(i.issue_id, i.custom_id) for i in self.batches.items(job.job_id)])
                file_id = await self.provider.upload(content, input_filename(current))
                self.batches.update_job(job.job_id, input_file_id=file_id, input_bytes=len(content))
            adopted = self._adopt(current, await self._create(current, file_id))
            return SubmitOutcome(adopted, True)
        except ProviderError as error:
            if error.transient:
                return SubmitOutcome(self._reload(job), False, str(error))
            self.batches.update_job(
                job.job_id, status=JobStatus.FAILED, raw_status=None, error=str(error), finished_at=utcnow()
            )
            raise
        finally:
            if adopted is None:
                self.batches.release_job(job.job_id, self.owner)

    def adopt(self, job: BatchJob, batch: ProviderBatch) -> BatchJob:
        """Take over a provider batch found by its metadata, unless another process is submitting the job."""
        claimed = self.batches.claim_job(job.job_id, self.owner, [JobStatus.SUBMITTING])
        return self._adopt(claimed, batch) if claimed else job

    async def _create(self, job: BatchJob, file_id: str) -> ProviderBatch:
        """Create the batch; after a transient failure, look it up before trying again (never pay twice)."""
        delay = self.retry_seconds
        for attempt in range(CREATE_ATTEMPTS):
            try:
                return await self.provider.create(file_id, batch_metadata(job))
            except ProviderError as error:
                if not error.transient or attempt == CREATE_ATTEMPTS - 1:
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 16 * self.retry_seconds)
            found = await self.find_provider_batch(job)
            if found is not None:
                return found
        raise AssertionError("unreachable")

    async def find_provider_batch(self, job: BatchJob) -> ProviderBatch | None:
        found = await self.find_provider_batches(job.group_id, job.created_at)
        return found.get((job.job_id, job.attempt))

    async def find_provider_batches(self, group_id: str, since: datetime) -> dict[tuple[str, int], ProviderBatch]:
        """The provider's batches of a group by (job id, attempt), newest first until older than `since`."""
        found: dict[tuple[str, int], ProviderBatch] = {}
        cutoff = since - timedelta(minutes=5)  # clocks differ a little between us and the provider
        async for batch in self.provider.list_batches():
            if batch.created_at and batch.created_at < cutoff:
                break
            meta = batch.metadata
            if meta.get(META_GROUP) == group_id and META_JOB in meta:
                key = (meta[META_JOB], int(meta.get(META_ATTEMPT, "1")))
                found.setdefault(key, batch)
        return found

    def _adopt(self, job: BatchJob, batch: ProviderBatch) -> BatchJob:
        """Record the provider batch and release the claim, in one statement."""
        self.batches.update_job(
            job.job_id,
            provider_batch_id=batch.id,
            submitted_at=job.submitted_at or utcnow(),
            claimed_by=None,
            claimed_until=None,
            **_status_values(batch),
        )
        return self._reload(job)

    def _reload(self, job: BatchJob) -> BatchJob:
        fresh = self.batches.job(job.job_id)
        assert fresh is not None
        return fresh

    # -- refresh ---------------------------------------------------------------------------------------
    async def refresh(self, job: BatchJob) -> BatchJob:
        """Bring one job's status from the provider."""
        change = await self.fetch_change(job)
        if change:
            self.apply_changes([change])
        return self._reload(job)

    async def fetch_change(self, job: BatchJob) -> JobChange | None:
        """What the provider says changed for a job (None: nothing). A child that failed for the
        enqueued-token limit goes back to `queued` for its next attempt."""
        if job.provider_batch_id is None or not needs_refresh(job):
            return None
        return self.change_for(job, await self.provider.retrieve(job.provider_batch_id))

    def change_for(self, job: BatchJob, batch: ProviderBatch) -> JobChange | None:
        """What changed for a job, given its batch as the provider shows it now (retrieved or listed)."""
        if batch.status is JobStatus.FAILED and TOKEN_LIMIT_CODE in batch.error_codes:
            values: dict[str, object] = {
                "status": JobStatus.QUEUED,
                "raw_status": batch.raw_status,
                "provider_batch_id": None,
                "attempt": job.attempt + 1,
                "error": f"requeued: {batch.errors[0] if batch.errors else TOKEN_LIMIT_CODE}",
            }
            return JobChange(job, values, learned_token_limit(batch))
        values = _status_values(batch)
        unchanged = (
            values["status"] is job.status
            and values["completed_items"] == job.completed_items
            and values["failed_items"] == job.failed_items
            and values["output_file_id"] == job.output_file_id
            and values["error_file_id"] == job.error_file_id
        )
        return None if unchanged else JobChange(job, values)

    def apply_changes(self, changes: list[JobChange]) -> None:
        """Every change in one transaction (refreshing 100 children costs one commit, not 100)."""
        self.batches.update_jobs([(c.job.job_id, c.values, c.expected) for c in changes])
        for change in changes:
            if change.learned_token_limit:
                self.batches.update_group_options(change.job.group_id, max_enqueued_tokens=change.learned_token_limit)

    async def cancel(self, job: BatchJob) -> BatchJob:
        if job.status.is_terminal:
            return job
        if job.provider_batch_id is None:
            if self.batches.claim_job(job.job_id, self.owner, [JobStatus.QUEUED]):
                self.batches.update_job(
                    job.job_id, status=JobStatus.CANCELLED, finished_at=utcnow(), claimed_by=None, claimed_until=None
                )
            return self._reload(job)
        batch = await self.provider.cancel(job.provider_batch_id)
        self.batches.update_job(job.job_id, **_status_values(batch))
        return self._reload(job)


def needs_refresh(job: BatchJob) -> bool:
    """A batch the provider may still change for us: unfinished, or finished without its files seen yet."""
    return not job.status.is_terminal or _files_pending(job)


def _files_pending(job: BatchJob) -> bool:
    """A finished batch that reported work done but whose output or error file we have not seen yet."""
    done = job.completed_items + job.failed_items
    return job.status.has_output and done > 0 and not (job.output_file_id or job.error_file_id)


def _status_values(batch: ProviderBatch) -> dict[str, object]:
    values: dict[str, object] = {
        "status": batch.status,
        "raw_status": batch.raw_status,
        "output_file_id": batch.output_file_id,
        "error_file_id": batch.error_file_id,
        "completed_items": batch.completed,
        "failed_items": batch.failed,
        "error": "; ".join(batch.errors)[:2000] or None,
    }
    if batch.status.is_terminal:
        values["finished_at"] = utcnow()
        if batch.input_tokens is not None:
            values["input_tokens"] = batch.input_tokens
            values["output_tokens"] = batch.output_tokens
    return values
