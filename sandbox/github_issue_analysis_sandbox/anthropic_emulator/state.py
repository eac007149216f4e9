"""Message batches held in memory, and their lifecycle computed from the clock.

A batch's schedule is fixed when it is created; its status at any instant follows from the schedule and
the cancel time, so nothing runs in the background:

    in_progress --P--> ended                                   (every request succeeded or errored)
    in_progress --cancel--> canceling --C--> ended             (unprocessed requests: canceled)
    in_progress --(created + expire_after)--> ended            (unprocessed requests: expired)

Requests are processed evenly over P: request i (0-based) is done at `created + P * (i + 1) / total`.
As documented, `request_counts` shows every request as `processing` until the batch ends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from ..openai_emulator.answers import LineFault
from .config import DAY_SECONDS


class ProcessingStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    CANCELING = "canceling"
    ENDED = "ended"


class ResultType(StrEnum):
    SUCCEEDED = "succeeded"
    ERRORED = "errored"
    CANCELED = "canceled"
    EXPIRED = "expired"


def rfc3339(instant: float | None) -> str | None:
    if instant is None:
        return None
    return datetime.fromtimestamp(instant, UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Schedule:
    processing: float
    canceling: float
    expire_after: float | None


@dataclass
class BatchRequest:
    custom_id: str
    params: dict[str, Any]
    invalid: str | None
    """Why the params are not a valid Messages request (reported as an `errored` result), or None."""
    fault: LineFault


@dataclass
class BatchRecord:
    id: str
    created: float
    schedule: Schedule
    requests: list[BatchRequest]
    cancel_at: float | None = None
    results: bytes | None = None

    @property
    def total(self) -> int:
        return len(self.requests)

    @property
    def deadline(self) -> float:
        return self.created + (self.schedule.expire_after if self.schedule.expire_after is not None else DAY_SECONDS)

    @property
    def expires_at(self) -> float | None:
        """When the batch expires unfinished, or None when it ends (or is canceled) before then."""
        if self.schedule.expire_after is None:
            return None
        natural_end = self.created + self.schedule.processing
        if self.deadline >= natural_end or (self.cancel_at is not None and self.cancel_at < self.deadline):
            return None
        return self.deadline

    @property
    def ended_at(self) -> float:
        if self.cancel_at is not None:
            return self.cancel_at + self.schedule.canceling
        return self.expires_at or self.created + self.schedule.processing

    def processed_by(self, instant: float) -> int:
        if self.schedule.processing <= 0 or instant >= self.created + self.schedule.processing:
            return self.total
        elapsed = max(0.0, instant - self.created)
        return min(self.total, math.floor(self.total * elapsed / self.schedule.processing))

    def status_at(self, now: float) -> ProcessingStatus:
        if now >= self.ended_at:
            return ProcessingStatus.ENDED
        if self.cancel_at is not None and now >= self.cancel_at:
            return ProcessingStatus.CANCELING
        return ProcessingStatus.IN_PROGRESS

    def processed_at_end(self) -> int:
        """How many requests (in order) ran before the batch ended."""
        if self.cancel_at is not None:
            return self.processed_by(self.cancel_at)
        expires_at = self.expires_at
        return self.processed_by(expires_at) if expires_at is not None else self.total

    def result_type(self, index: int, processed: int) -> ResultType:
        if index >= processed:
            return ResultType.CANCELED if self.cancel_at is not None else ResultType.EXPIRED
        request = self.requests[index]
        failed = request.invalid is not None or request.fault is LineFault.LINE_FAILURE
        return ResultType.ERRORED if failed else ResultType.SUCCEEDED

    def request_counts(self, status: ProcessingStatus) -> dict[str, int]:
        counts = {"processing": 0, **{kind.value: 0 for kind in ResultType}}
        if status is not ProcessingStatus.ENDED:
            counts["processing"] = self.total
            return counts
        processed = self.processed_at_end()
        for index in range(self.total):
            counts[self.result_type(index, processed).value] += 1
        return counts

    def to_api(self, now: float, base_url: str) -> dict[str, Any]:
        status = self.status_at(now)
        ended = status is ProcessingStatus.ENDED
        return {
            "id": self.id,
            "type": "message_batch",
            "processing_status": status.value,
            "request_counts": self.request_counts(status),
            "ended_at": rfc3339(self.ended_at) if ended else None,
            "created_at": rfc3339(self.created),
            "expires_at": rfc3339(self.deadline),
            "archived_at": None,
            "cancel_initiated_at": rfc3339(self.cancel_at),
            "results_url": f"{base_url}/v1/messages/batches/{self.id}/results" if ended else None,
        }
