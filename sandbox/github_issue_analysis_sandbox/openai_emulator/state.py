"""Files and batches held in memory, and the batch lifecycle computed from the clock.

A batch's schedule is fixed when it is created (`Schedule`); its status at any instant follows from the
schedule, the cancel time and the validation result, so nothing runs in the background:

    validating --V--> in_progress --P--> finalizing --F--> completed
    validating --V--> failed                       (validation errors, token_limit_exceeded)
    validating|in_progress --cancel--> cancelling --C--> cancelled
    in_progress --(created + expire_after)--> expired   (partial output)

Requests are processed evenly over the in-progress phase: request i (0-based) is done at
`in_progress_at + P * (i + 1) / total`, which drives `request_counts` while the batch runs and decides which
requests a cancelled or expired batch had finished.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .answers import LineFault

DAY_SECONDS = 24 * 3600


class BatchStatus(StrEnum):
    VALIDATING = "validating"
    FAILED = "failed"
    IN_PROGRESS = "in_progress"
    FINALIZING = "finalizing"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"


ACTIVE = frozenset({BatchStatus.VALIDATING, BatchStatus.IN_PROGRESS, BatchStatus.FINALIZING})
CANCELLABLE = frozenset({BatchStatus.VALIDATING, BatchStatus.IN_PROGRESS})
WITH_OUTPUT = frozenset({BatchStatus.COMPLETED, BatchStatus.EXPIRED, BatchStatus.CANCELLED})


@dataclass
class FileRecord:
    id: str
    filename: str
    purpose: str
    content: bytes
    created_at: int

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "file",
            "bytes": len(self.content),
            "created_at": self.created_at,
            "expires_at": None,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": "processed",
            "status_details": None,
        }


@dataclass(frozen=True)
class Schedule:
    validating: float
    processing: float
    finalizing: float
    cancelling: float
    expire_after: float | None


@dataclass
class BatchResult:
    """What finalization produced; computed once, when the batch first reaches a status with output."""

    output_file_id: str | None
    error_file_id: str | None
    input_tokens: int
    output_tokens: int
    cached_tokens: int = 0


@dataclass
class BatchRecord:
    id: str
    input_file_id: str
    endpoint: str
    completion_window: str
    metadata: dict[str, str] | None
    created: float
    schedule: Schedule
    input_content: bytes
    model: str | None
    custom_ids: list[str]
    prompt_tokens: list[int]
    faults: list[LineFault]
    errors: list[dict[str, Any]]
    cancel_at: float | None = None
    result: BatchResult | None = None
    failed_prefix: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        running = 0
        self.failed_prefix = [0]
        for fault in self.faults:
            running += fault is LineFault.LINE_FAILURE
            self.failed_prefix.append(running)

    # --- schedule
    @property
    def total(self) -> int:
        return len(self.custom_ids)

    @property
    def enqueued_tokens(self) -> int:
        return 0 if self.errors else sum(self.prompt_tokens)

    @property
    def in_progress_at(self) -> float:
        return self.created + self.schedule.validating

    @property
    def finalizing_at(self) -> float:
        return self.in_progress_at + self.schedule.processing

    @property
    def completed_at(self) -> float:
        return self.finalizing_at + self.schedule.finalizing

    @property
    def expired_at(self) -> float | None:
        """When the batch expires, or None when it finishes (or is cancelled) before its deadline."""
        if self.schedule.expire_after is None or self.errors:
            return None
        deadline = self.created + self.schedule.expire_after
        if deadline >= self.finalizing_at or (self.cancel_at is not None and self.cancel_at < deadline):
            return None
        return deadline

    @property
    def cancelled_at(self) -> float | None:
        return None if self.cancel_at is None else self.cancel_at + self.schedule.cancelling

    def processed_by(self, instant: float) -> int:
        if instant < self.in_progress_at:
            return 0
        if self.schedule.processing <= 0 or instant >= self.finalizing_at:
            return self.total
        return min(self.total, math.floor(self.total * (instant - self.in_progress_at) / self.schedule.processing))

    def status_at(self, now: float) -> BatchStatus:
        if self.cancel_at is not None and now >= self.cancel_at:
            return BatchStatus.CANCELLING if now < self.cancel_at + self.schedule.cancelling else BatchStatus.CANCELLED
        if self.errors:
            return BatchStatus.VALIDATING if now < self.in_progress_at else BatchStatus.FAILED
        expired_at = self.expired_at
        if expired_at is not None and now >= expired_at:
            return BatchStatus.EXPIRED
        if now < self.in_progress_at:
            return BatchStatus.VALIDATING
        if now < self.finalizing_at:
            return BatchStatus.IN_PROGRESS
        return BatchStatus.FINALIZING if now < self.completed_at else BatchStatus.COMPLETED

    def processed_at_end(self, status: BatchStatus) -> int:
        """How many requests (in file order) a batch with output had run when it stopped."""
        if status is BatchStatus.CANCELLED and self.cancel_at is not None:
            return self.processed_by(self.cancel_at)
        expired_at = self.expired_at
        if status is BatchStatus.EXPIRED and expired_at is not None:
            return self.processed_by(expired_at)
        return self.total

    # --- API object
    def request_counts(self, status: BatchStatus, now: float) -> dict[str, int]:
        """Expired/cancelled requests that never ran are counted in neither `completed` nor `failed`."""
        if status in (BatchStatus.VALIDATING, BatchStatus.FAILED):
            return {"total": 0, "completed": 0, "failed": 0}
        if status in WITH_OUTPUT or status is BatchStatus.CANCELLING:
            done = self.processed_at_end(status) if status in WITH_OUTPUT else self.processed_by(self.cancel_at or now)
        else:
            done = self.processed_by(now)
        failed = self.failed_prefix[done]
        return {"total": self.total, "completed": done - failed, "failed": failed}

    def timestamps(self, status: BatchStatus, now: float) -> dict[str, int | None]:
        def at(instant: float | None) -> int | None:
            return None if instant is None or instant > now else int(instant)

        stopped = status in (
            BatchStatus.FAILED,
            BatchStatus.EXPIRED,
            BatchStatus.CANCELLING,
            BatchStatus.CANCELLED,
        )
        stopped_at = self.cancel_at if self.cancel_at is not None else self.expired_at
        reached_progress = not self.errors and (stopped_at is None or stopped_at >= self.in_progress_at)
        return {
            "in_progress_at": at(self.in_progress_at) if reached_progress else None,
            "finalizing_at": None if stopped else at(self.finalizing_at),
            "completed_at": at(self.completed_at) if status is BatchStatus.COMPLETED else None,
            "failed_at": at(self.in_progress_at) if status is BatchStatus.FAILED else None,
            "expired_at": at(self.expired_at) if status is BatchStatus.EXPIRED else None,
            "cancelling_at": at(self.cancel_at),
            "cancelled_at": at(self.cancelled_at) if status is BatchStatus.CANCELLED else None,
        }

    def to_api(self, now: float) -> dict[str, Any]:
        status = self.status_at(now)
        result = self.result if status in WITH_OUTPUT else None
        return {
            "id": self.id,
            "object": "batch",
            "endpoint": self.endpoint,
            "model": self.model,
            "errors": {"object": "list", "data": self.errors} if status is BatchStatus.FAILED else None,
            "input_file_id": self.input_file_id,
            "completion_window": self.completion_window,
            "status": status.value,
            "output_file_id": result.output_file_id if result else None,
            "error_file_id": result.error_file_id if result else None,
            "created_at": int(self.created),
            **self.timestamps(status, now),
            "expires_at": int(self.created) + DAY_SECONDS,
            "request_counts": self.request_counts(status, now),
            "usage": _usage(result) if result else None,
            "metadata": self.metadata,
        }


def _usage(result: BatchResult) -> dict[str, Any]:
    return {
        "input_tokens": result.input_tokens,
        "input_tokens_details": {"cached_tokens": result.cached_tokens},
        "output_tokens": result.output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": result.input_tokens + result.output_tokens,
    }
