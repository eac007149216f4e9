"""Child jobs of a batch group: their states, their items' states and failure kinds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .usage import TokenUsage


class JobStatus(StrEnum):
    """Our status of a child job. `queued`: recorded, nothing sent. `submitting`: we began sending it, so a
    provider batch may exist (look it up by metadata before creating one). The rest mirror the provider."""

    QUEUED = "queued"
    SUBMITTING = "submitting"
    VALIDATING = "validating"
    IN_PROGRESS = "in_progress"
    FINALIZING = "finalizing"
    COMPLETED = "completed"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATUSES

    @property
    def is_in_flight(self) -> bool:
        """At the provider and still holding enqueued tokens."""
        return self in (JobStatus.VALIDATING, JobStatus.IN_PROGRESS, JobStatus.FINALIZING, JobStatus.CANCELLING)

    @property
    def has_output(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.EXPIRED, JobStatus.CANCELLED)


TERMINAL_STATUSES = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.EXPIRED, JobStatus.CANCELLED})
UNSUCCESSFUL_STATUSES = frozenset({JobStatus.FAILED, JobStatus.EXPIRED, JobStatus.CANCELLED})


class ItemState(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ItemErrorKind(StrEnum):
    REQUEST_ERROR = "request_error"
    NON_JSON = "non_json"
    SCHEMA_VIOLATION = "schema_violation"
    REFUSAL = "refusal"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    MISSING = "missing"
    BATCH_FAILED = "batch_failed"


@dataclass(frozen=True)
class BatchJob:
    """One provider batch of a group (a *child job*)."""

    job_id: str
    group_id: str
    batch_sequence: int
    total_batches_in_group: int
    attempt: int
    status: JobStatus
    raw_status: str | None
    provider_batch_id: str | None
    input_file_id: str | None
    output_file_id: str | None
    error_file_id: str | None
    total_items: int
    completed_items: int
    failed_items: int
    estimated_tokens: int
    input_bytes: int
    input_tokens: int | None
    output_tokens: int | None
    error: str | None
    superseded: bool
    created_at: datetime
    submitted_at: datetime | None
    finished_at: datetime | None
    collected_at: datetime | None
    cached_input_tokens: int | None = None  # parts of input_tokens read from / written to the prompt cache
    cache_write_tokens: int | None = None

    @property
    def usage(self) -> TokenUsage:
        return TokenUsage.from_row(self)
