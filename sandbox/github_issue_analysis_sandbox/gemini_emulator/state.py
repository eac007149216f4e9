"""Batches held in memory, and their lifecycle computed from the clock.

A batch's schedule is fixed when it is created; its state at any instant follows from the schedule and
the cancel time, so nothing runs in the background:

    PENDING --Q--> RUNNING --P--> SUCCEEDED                 (or FAILED, when the batch is set to fail)
    PENDING|RUNNING --cancel--> (RUNNING for C) --> CANCELLED    (requests run before the cancel keep answers)
    PENDING|RUNNING --(created + expire_after)--> EXPIRED        (documented: no results to retrieve)

Requests are processed evenly over P: request i (0-based) is done at `running_at + P * (i + 1) / total`,
which drives `batchStats` while the batch runs and decides what a cancelled batch had finished.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from ..openai_emulator.answers import LineFault
from .errors import status_object

METADATA_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch"
OUTPUT_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput"


class BatchState(StrEnum):
    PENDING = "BATCH_STATE_PENDING"
    RUNNING = "BATCH_STATE_RUNNING"
    SUCCEEDED = "BATCH_STATE_SUCCEEDED"
    FAILED = "BATCH_STATE_FAILED"
    CANCELLED = "BATCH_STATE_CANCELLED"
    EXPIRED = "BATCH_STATE_EXPIRED"


ACTIVE = frozenset({BatchState.PENDING, BatchState.RUNNING})
WITH_OUTPUT = frozenset({BatchState.SUCCEEDED, BatchState.CANCELLED})


def rfc3339(instant: float) -> str:
    return datetime.fromtimestamp(instant, UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Schedule:
    pending: float
    processing: float
    cancelling: float
    expire_after: float | None


@dataclass
class BatchRequest:
    key: str | None
    """`metadata.key` of an inlined request, `key` of an input-file line."""
    metadata: Any
    request: dict[str, Any] | None
    """The checked request, or None when the line could not be used (see `problem`)."""
    problem: dict[str, Any] | None
    fault: LineFault

    @property
    def fails(self) -> bool:
        return self.problem is not None or self.fault is LineFault.LINE_FAILURE


@dataclass
class BatchRecord:
    id: str
    model: str
    display_name: str
    created: float
    schedule: Schedule
    requests: list[BatchRequest]
    input_file: str | None
    """`files/...` for a batch made from an uploaded file; None for inlined requests."""
    failure: str | None = None
    """Why the batch ends FAILED (an unusable input file, an injected failure), or None."""
    priority: str | None = None
    cancel_at: float | None = None
    output: dict[str, Any] | None = None
    """The built `GenerateContentBatchOutput`, once the batch ended with output."""
    prompt_tokens: int = 0
    """What the batch counts against the model's enqueued-token limit while it is pending or running."""

    @property
    def name(self) -> str:
        return f"batches/{self.id}"

    @property
    def total(self) -> int:
        return len(self.requests)

    @property
    def running_at(self) -> float:
        return self.created + self.schedule.pending

    @property
    def finished_at(self) -> float:
        return self.running_at + self.schedule.processing

    @property
    def expires_at(self) -> float | None:
        """When the batch expires unfinished, or None when it ends (or is cancelled) before its deadline."""
        if self.schedule.expire_after is None:
            return None
        deadline = self.created + self.schedule.expire_after
        if deadline >= self.finished_at or (self.cancel_at is not None and self.cancel_at <= deadline):
            return None
        return deadline

    @property
    def ended_at(self) -> float:
        if self.cancel_at is not None:
            return self.cancel_at + self.schedule.cancelling
        return self.expires_at or self.finished_at

    def state_at(self, now: float) -> BatchState:
        if now >= self.ended_at:
            if self.cancel_at is not None:
                return BatchState.CANCELLED
            if self.expires_at is not None:
                return BatchState.EXPIRED
            return BatchState.FAILED if self.failure else BatchState.SUCCEEDED
        return BatchState.PENDING if now < self.running_at else BatchState.RUNNING

    def processed_by(self, instant: float) -> int:
        if instant < self.running_at:
            return 0
        if self.schedule.processing <= 0 or instant >= self.finished_at:
            return self.total
        return min(self.total, math.floor(self.total * (instant - self.running_at) / self.schedule.processing))

    def processed_at_end(self) -> int:
        """How many requests (in order) ran before the batch stopped."""
        if self.cancel_at is not None:
            return self.processed_by(self.cancel_at)
        expires_at = self.expires_at
        return self.processed_by(expires_at) if expires_at is not None else self.total

    def batch_stats(self, state: BatchState, now: float) -> dict[str, str]:
        """Request counts as int64 strings, zero counts left out (proto3 JSON)."""
        done = 0
        if state is BatchState.RUNNING:
            done = self.processed_by(min(now, self.cancel_at if self.cancel_at is not None else now))
        elif state in WITH_OUTPUT:
            done = self.processed_at_end()
        failed = sum(1 for request in self.requests[:done] if request.fails)
        counts = {
            "requestCount": self.total,
            "successfulRequestCount": done - failed,
            "failedRequestCount": self.total if state is BatchState.FAILED else failed,
            "pendingRequestCount": 0 if state in (BatchState.FAILED, BatchState.SUCCEEDED) else self.total - done,
        }
        return {key: str(value) for key, value in counts.items() if value}

    def metadata(self, state: BatchState, now: float) -> dict[str, Any]:
        """The `GenerateContentBatch` (the operation's `metadata`), as the API writes it."""
        ended = state not in ACTIVE
        batch: dict[str, Any] = {
            "@type": METADATA_TYPE,
            "model": f"models/{self.model}",
            "displayName": self.display_name,
            **({"inputConfig": {"fileName": self.input_file}} if self.input_file else {}),
            "createTime": rfc3339(self.created),
            **({"endTime": rfc3339(self.ended_at)} if ended else {}),
            "updateTime": rfc3339(self.ended_at if ended else max(self.created, min(now, self.running_at))),
            "batchStats": self.batch_stats(state, now),
            "state": state.value,
            "name": self.name,
            **({"priority": self.priority} if self.priority else {}),
        }
        if state in WITH_OUTPUT and self.output is not None:
            batch["output"] = self.output
        return batch

    def operation(self, now: float) -> dict[str, Any]:
        """The long-running operation: `done` with `response` (the output) or `error` once the batch ended."""
        state = self.state_at(now)
        operation: dict[str, Any] = {"name": self.name, "metadata": self.metadata(state, now)}
        if state in ACTIVE:
            return operation
        operation["done"] = True
        if state is BatchState.SUCCEEDED and self.output is not None:
            operation["response"] = {"@type": OUTPUT_TYPE, **self.output}
        elif state is BatchState.CANCELLED:
            operation["error"] = status_object("CANCELLED", "The batch was cancelled.")
        elif state is BatchState.EXPIRED:
            operation["error"] = status_object(
                "DEADLINE_EXCEEDED", "The batch expired before it finished; it has no results to retrieve."
            )
        else:
            operation["error"] = status_object("INTERNAL", self.failure or "The batch failed.")
        return operation
