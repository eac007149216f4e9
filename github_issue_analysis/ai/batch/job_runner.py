"""The per-job runner: one child job against the provider, sent crash-safely (record, send, mark), refreshed,
collected and cancelled."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass

from github_issue_analysis.ai.providers.answers import MalformedAnswer
from github_issue_analysis.ai.providers.base import BatchProvider, ProviderError
from github_issue_analysis.domain.jobs import BatchJob, JobStatus
from github_issue_analysis.domain.provider_batches import ProviderBatch
from github_issue_analysis.storage.limit_store import LimitStore
from github_issue_analysis.storage.owners import process_owner
from github_issue_analysis.storage.store import Store
from github_issue_analysis.storage.timeutil import utcnow

from .finder import Found, batch_metadata, find_created
from .request_lines import RequestBuilder

TOKEN_LIMIT_CODE = "token_limit_exceeded"
_LIMIT_IN_MESSAGE = re.compile(r"Limit:\s*([\d,]+)")
CREATE_ATTEMPTS = 6
PAUSE_AFTER_REFUSAL = 4  # retry intervals in which no queued child is tried after a refusal
TOKEN_LIMIT_ATTEMPTS = 4  # sends of one child refused for the enqueued-token limit before it fails


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
    candidates: tuple[str, ...] = ()  # provider batches that could be this child's (never resent)
    elsewhere: bool = False  # another process holds it or sent it: not a failure of this run


class Requeued(Exception):
    """The provider refused the create (HTTP 429) before any attempt could have made a batch."""


def input_filename(job: BatchJob) -> str:
    return f"gh-analysis_{job.group_id}_{job.job_id}_a{job.attempt}.jsonl"


def learned_token_limit(batch: ProviderBatch) -> int | None:
    """The enqueued-token limit stated in a token_limit_exceeded error, if any."""
    for code, message in zip(batch.error_codes, batch.errors, strict=False):
        if code == TOKEN_LIMIT_CODE and (match := _LIMIT_IN_MESSAGE.search(message)):
            return int(match.group(1).replace(",", ""))
    return None


class JobRunner:
    def __init__(
        self,
        store: Store,
        provider: BatchProvider,
        owner: str | None = None,
        retry_seconds: float = 0.5,
        limits: LimitStore | None = None,
    ) -> None:
        self.store = store
        self.jobs = store.jobs
        self.job_items = store.job_items
        self.job_leases = store.job_leases
        self.limits = limits
        self.provider = provider
        self.owner = owner or process_owner()
        self.retry_seconds = retry_seconds
        self._paused_until = 0.0
        self._create_turn: asyncio.Lock | contextlib.nullcontext[None] = (
            contextlib.nullcontext() if provider.has_metadata else asyncio.Lock()
        )

    # -- submission ----------------------------------------------------------------------------------
    async def submit(self, job: BatchJob, requests: RequestBuilder, listing: Found | None = None) -> SubmitOutcome:
        """Send one queued child. The store says `submitting` before anything goes out, so a crash at any
        step is resumed by finding the batch (finder.py) before creating. `listing` is what the finder saw
        for the group, read after `job` was; it answers for jobs already `submitting` then. Providers without
        metadata get one create at a time."""
        async with self._create_turn:
            if job.status is JobStatus.QUEUED and time.monotonic() < self._paused_until:
                return SubmitOutcome(job, False, "waiting in the queue: the provider refused a create just now")
            return await self._submit(job, requests, listing)

    async def _submit(self, job: BatchJob, requests: RequestBuilder, listing: Found | None) -> SubmitOutcome:
        current = self.job_leases.claim_job(
            job.job_id, self.owner, [JobStatus.QUEUED, JobStatus.SUBMITTING], mark=JobStatus.SUBMITTING
        )
        if current is None:
            return SubmitOutcome(job, False, "taken by another process or no longer queued", elsewhere=True)
        adopted: BatchJob | None = None
        try:
            if current.status is JobStatus.SUBMITTING:  # an earlier attempt may have reached the provider
                use_listing = listing is not None and job.status is JobStatus.SUBMITTING
                found = listing if use_listing and listing else await find_created(self.provider, self.jobs, [current])
                if known := found.batches.get(current.job_id):
                    adopted = self._adopt(current, known)
                    return SubmitOutcome(adopted, True, "adopted")
                if reason := found.ambiguity(current.job_id):
                    self.jobs.update_job(job.job_id, error=reason)
                    candidates = tuple(found.ambiguous[current.job_id])
                    return SubmitOutcome(self._reload(job), False, reason, candidates)
            self.store.checkpoint()  # the write-ahead `submitting` reaches a durable state before the create
            file_id, content = await self._input(current, requests)
            adopted = self._adopt(current, await self._create(current, file_id, content))
            return SubmitOutcome(adopted, True)
        except Requeued as refused:
            self.jobs.update_job(job.job_id, status=JobStatus.QUEUED, submitted_at=None, error=f"waiting: {refused}")
            return SubmitOutcome(self._reload(job), False, f"waiting in the queue: {refused}")
        except MalformedAnswer:
            raise  # the batch may exist all the same: the job stays `submitting`, to be found by its metadata
        except ProviderError as error:
            if error.transient:
                return SubmitOutcome(self._reload(job), False, str(error))
            self.jobs.update_job(
                job.job_id, status=JobStatus.FAILED, raw_status=None, error=str(error), finished_at=utcnow()
            )
            raise
        finally:
            if adopted is None:
                self.job_leases.release_job(job.job_id, self.owner)

    async def _input(self, job: BatchJob, requests: RequestBuilder) -> tuple[str | None, bytes]:
        """The uploaded file's id (uploaded now unless it already was) and, for inline providers, the lines."""
        if self.provider.uploads_input and job.input_file_id is not None:
            return job.input_file_id, b""
        content = requests.input_file([(i.issue_id, i.custom_id) for i in self.job_items.items(job.job_id)])
        if not self.provider.uploads_input:
            return None, content
        file_id = await self.provider.upload(content, input_filename(job))
        self.jobs.update_job(job.job_id, input_file_id=file_id, input_bytes=len(content))
        return file_id, b""

    def adopt(self, job: BatchJob, batch: ProviderBatch) -> BatchJob:
        """Take over a provider batch found for a job, unless another process is submitting the job."""
        claimed = self.job_leases.claim_job(job.job_id, self.owner, [JobStatus.SUBMITTING])
        return self._adopt(claimed, batch) if claimed else job

    async def _create(self, job: BatchJob, file_id: str | None, content: bytes) -> ProviderBatch:
        """Create the batch; after a failure that may have created one, look it up before trying again (never
        pay twice). Refusals (429) before any such failure send the job back to the queue."""
        delay, uncertain = self.retry_seconds, False
        if not self.provider.has_metadata and job.submitted_at is None:
            self.jobs.update_job(job.job_id, submitted_at=utcnow())  # the window a finder searches
            job = self._reload(job)
        for attempt in range(CREATE_ATTEMPTS):
            try:
                return await self.provider.create(file_id, content, batch_metadata(job))
            except ProviderError as error:
                last = attempt == CREATE_ATTEMPTS - 1
                if error.refused and not uncertain and last:  # refused every time: wait in the queue
                    self._paused_until = time.monotonic() + PAUSE_AFTER_REFUSAL * self.retry_seconds
                    raise Requeued(str(error)) from None
                if not error.transient or last:
                    raise
                uncertain = uncertain or not error.refused
            await asyncio.sleep(delay)
            delay = min(delay * 2, 16 * self.retry_seconds)
            if uncertain:
                found = await find_created(self.provider, self.jobs, [job])
                if found.batches.get(job.job_id):
                    return found.batches[job.job_id]
                if reason := found.ambiguity(job.job_id):
                    raise ProviderError(reason, transient=True)
        raise AssertionError("unreachable")

    def _adopt(self, job: BatchJob, batch: ProviderBatch) -> BatchJob:
        """Record the provider batch and release the claim, in one statement."""
        self.jobs.update_job(
            job.job_id,
            provider_batch_id=batch.id,
            submitted_at=job.submitted_at or utcnow(),
            claimed_by=None,
            claimed_until=None,
            **_status_values(batch),
        )
        return self._reload(job)

    def _reload(self, job: BatchJob) -> BatchJob:
        fresh = self.jobs.job(job.job_id)
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
            return _token_limit_change(job, batch)
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
        self.jobs.update_jobs([(c.job.job_id, c.values, c.expected) for c in changes])
        for change in changes:
            if change.learned_token_limit:
                self.jobs.update_group_options(change.job.group_id, stated_token_limit=change.learned_token_limit)
                group = self.jobs.group(change.job.group_id)
                if self.limits is not None and group is not None:
                    self.limits.learn(
                        self.provider.name, self.provider.account, group.model, change.learned_token_limit
                    )

    async def _cancel_unsent(self, job: BatchJob) -> BatchJob:
        """A queued job is cancelled here. A `submitting` one may have reached the provider: it is looked up
        (finder.py) and adopted, then cancelled there; only when none exists is it cancelled here."""
        if job.status is JobStatus.QUEUED:
            if self.job_leases.claim_job(job.job_id, self.owner, [JobStatus.QUEUED]):
                self.jobs.update_job(job.job_id, **_cancelled_here())
            return self._reload(job)
        listing = await find_created(self.provider, self.jobs, [job])
        if reason := listing.ambiguity(job.job_id):
            raise ProviderError(f"job {job.job_id} was not cancelled: {reason}")
        found = listing.batches.get(job.job_id)
        claimed = self.job_leases.claim_job(job.job_id, self.owner, [JobStatus.SUBMITTING])
        if claimed is None:
            raise ProviderError(f"job {job.job_id} is being submitted by another process; cancel it in a minute")
        if found is not None:
            return self._adopt(claimed, found)
        self.jobs.update_job(job.job_id, **_cancelled_here())
        return self._reload(job)

    async def cancel(self, job: BatchJob) -> BatchJob:
        if job.status.is_terminal:
            return job
        if job.provider_batch_id is None:
            job = await self._cancel_unsent(job)
            if job.provider_batch_id is None:
                return job
        try:
            batch = await self.provider.cancel(job.provider_batch_id)
        except ProviderError as error:
            batch = await self.provider.retrieve(job.provider_batch_id)
            if not batch.status.is_terminal:  # refused for another reason than having ended already
                raise error from None
        self.jobs.update_job(job.job_id, **_status_values(batch))
        return self._reload(job)


def needs_refresh(job: BatchJob) -> bool:
    """A batch the provider may still change for us: unfinished, or finished without its files seen yet."""
    return not job.status.is_terminal or _files_pending(job)


def _cancelled_here() -> dict[str, object]:
    return {"status": JobStatus.CANCELLED, "finished_at": utcnow(), "claimed_by": None, "claimed_until": None}


def _token_limit_change(job: BatchJob, batch: ProviderBatch) -> JobChange:
    """A child refused for the enqueued-token limit goes back to `queued` for another attempt, up to
    TOKEN_LIMIT_ATTEMPTS; then it fails with why, so no loop resubmits it without bound."""
    stated = batch.errors[0] if batch.errors else TOKEN_LIMIT_CODE
    limit = learned_token_limit(batch)
    if job.attempt >= TOKEN_LIMIT_ATTEMPTS:
        values: dict[str, object] = {
            "status": JobStatus.FAILED,
            "raw_status": batch.raw_status,
            "finished_at": utcnow(),
            "error": (
                f"refused {job.attempt} times for the enqueued-token limit ({stated}); this batch holds about "
                f"{job.estimated_tokens:,} tokens: retry with `batch group-retry --failed-only` once other "
                "batches have finished, or submit again with a smaller --batch-size"
            )[:2000],
        }
        return JobChange(job, values, limit)
    values = {
        "status": JobStatus.QUEUED,
        "raw_status": batch.raw_status,
        "provider_batch_id": None,
        "attempt": job.attempt + 1,
        "error": f"requeued (attempt {job.attempt} of {TOKEN_LIMIT_ATTEMPTS} refused): {stated}"[:2000],
    }
    return JobChange(job, values, limit)


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
