"""The emulator's state and operations: files, batches, limits, injected faults and statistics."""

from __future__ import annotations

import asyncio
import random
import string
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..emulator_common import newest_first, roll_http_fault
from ..stats import EmulatorStats
from .answers import line_fault_for
from .config import EmulatorConfig
from .errors import ApiError, invalid, not_found, rate_limited, server_error
from .finalize import build_result
from .params import BatchParams
from .prompt_cache import PromptCache
from .state import ACTIVE, CANCELLABLE, WITH_OUTPUT, BatchRecord, BatchStatus, FileRecord, Schedule
from .validation import InputLimits, InputPlan, batch_error, validate_input

HOUR_SECONDS = 3600.0
_ALPHANUM = string.ascii_letters + string.digits


@dataclass
class Stats(EmulatorStats):
    batches_created: int = 0
    files_uploaded: int = 0
    peak_enqueued_tokens: dict[str, int] = field(default_factory=dict)
    chat_completions: int = 0

    def counters(self) -> dict[str, Any]:
        return {
            "batches_created": self.batches_created,
            "files_uploaded": self.files_uploaded,
            "peak_enqueued_tokens": max(self.peak_enqueued_tokens.values(), default=0),
            "peak_enqueued_tokens_by_model": dict(self.peak_enqueued_tokens),
            "chat_completions": self.chat_completions,
        }


def _page(items: list[Any], after: str | None, limit: int) -> dict[str, Any]:
    start = 0
    if after is not None:
        ids = [item["id"] for item in items]
        if after not in ids:
            raise invalid(f"No object found with id '{after}' for the 'after' cursor.", param="after")
        start = ids.index(after) + 1
    data = items[start : start + limit]
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": start + limit < len(items),
    }


class OpenAIEmulator:
    """In-memory OpenAI Files + Batches service; `create_openai_app` serves it over HTTP."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self.reset()

    def reset(self) -> None:
        """Forget every file, batch and statistic (the config is kept)."""
        self.files: dict[str, FileRecord] = {}
        self.batches: dict[str, BatchRecord] = {}
        self.stats = Stats()
        self.prompt_cache = PromptCache()
        self._creations: deque[float] = deque()
        self._finalizing: dict[str, asyncio.Task[None]] = {}
        self._id_rng = random.Random(f"ids:{self.config.seed}")
        self._fault_rng = random.Random(f"faults:{self.config.seed}")

    def now(self) -> float:
        return self.config.clock()

    def _new_id(self, prefix: str, length: int = 24) -> str:
        return prefix + "".join(self._id_rng.choices(_ALPHANUM, k=length))

    # --- request gates
    def check_auth(self, authorization: str | None) -> None:
        scheme, _, key = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise ApiError(
                401,
                "You didn't provide an API key. Provide it in an Authorization header using Bearer auth "
                "(i.e. Authorization: Bearer YOUR_KEY).",
            )
        if self.config.api_key is not None and key.strip() != self.config.api_key:
            raise ApiError(401, "Incorrect API key provided.", code="invalid_api_key")

    def roll_http_fault(self) -> ApiError | None:
        """A 429 or 5xx to answer instead of the request (decided before any state changes)."""
        status = roll_http_fault(self._fault_rng, self.config, self.stats.faults, (503, 500))
        if status == 429:
            return rate_limited(
                "Rate limit reached for requests (sandbox-injected fault).", self.config.retry_after_seconds
            )
        return None if status is None else server_error(status, self.config.retry_after_seconds)

    # --- files
    def add_file(self, filename: str, purpose: str, content: bytes) -> FileRecord:
        record = FileRecord(self._new_id("file-"), filename, purpose, content, int(self.now()))
        self.files[record.id] = record
        return record

    def upload_file(self, filename: str, purpose: str, content: bytes) -> FileRecord:
        self.stats.files_uploaded += 1
        return self.add_file(filename, purpose, content)

    def get_file(self, file_id: str) -> FileRecord:
        record = self.files.get(file_id)
        if record is None:
            raise not_found("file", file_id, "file_id")
        return record

    def delete_file(self, file_id: str) -> dict[str, Any]:
        self.get_file(file_id)
        del self.files[file_id]
        return {"id": file_id, "object": "file", "deleted": True}

    def list_files(self, purpose: str | None, after: str | None, limit: int, order: str) -> dict[str, Any]:
        records = [f for f in self.files.values() if purpose is None or f.purpose == purpose]
        if order == "desc":
            records.reverse()
        return _page([record.to_api() for record in records], after, limit)

    # --- batches
    def enqueued_tokens(self, model: str, now: float | None = None) -> int:
        """Prompt tokens of this model's batches that are validating, in progress or finalizing."""
        instant = self.now() if now is None else now
        return sum(
            batch.enqueued_tokens
            for batch in self.batches.values()
            if batch.model == model and batch.status_at(instant) in ACTIVE
        )

    @property
    def peak_enqueued_tokens(self) -> int:
        return max(self.stats.peak_enqueued_tokens.values(), default=0)

    def _check_creation_rate(self, now: float) -> None:
        while self._creations and self._creations[0] <= now - HOUR_SECONDS:
            self._creations.popleft()
        limit = self.config.max_batches_per_hour
        if len(self._creations) >= limit:
            wait = self._creations[0] + HOUR_SECONDS - now if self._creations else HOUR_SECONDS
            raise rate_limited(
                f"Batch creation rate limit reached: at most {limit} batches per hour. "
                f"Try again in {wait:.0f} seconds.",
                max(wait, 0.0),
            )

    async def create_batch(self, params: BatchParams) -> dict[str, Any]:
        self._check_creation_rate(self.now())
        input_file = self.get_file(params.input_file_id)
        if input_file.purpose != "batch":
            raise invalid(
                f"The input file must have purpose 'batch', not '{input_file.purpose}'.",
                param="input_file_id",
            )
        config = self.config
        limits = InputLimits(config.max_requests_per_batch, config.max_file_bytes, config.max_validation_errors)
        plan = await asyncio.to_thread(validate_input, input_file.content, params.endpoint, limits)
        now = self.now()
        self._check_creation_rate(now)
        batch = self._new_batch(params, input_file, plan, now)
        self._check_token_limit(batch, now)
        self.batches[batch.id] = batch
        self._creations.append(now)
        self.stats.batches_created += 1
        await self._settle(batch, now)  # a zero-second schedule may already have finished it
        return batch.to_api(now)

    def _new_batch(self, params: BatchParams, input_file: FileRecord, plan: InputPlan, now: float) -> BatchRecord:
        config = self.config
        batch_id = self._new_id("batch_", 32)
        faults = (
            []
            if plan.errors
            else [line_fault_for(config, batch_id, index, custom_id) for index, custom_id in enumerate(plan.custom_ids)]
        )
        schedule = Schedule(
            config.validating_seconds,
            config.processing_seconds,
            config.finalizing_seconds,
            config.cancelling_seconds,
            config.expire_after_seconds,
        )
        return BatchRecord(
            id=batch_id,
            input_file_id=input_file.id,
            endpoint=params.endpoint,
            completion_window=params.completion_window,
            metadata=params.metadata,
            created=now,
            schedule=schedule,
            input_content=input_file.content,
            model=plan.model,
            custom_ids=plan.custom_ids if not plan.errors else [],
            prompt_tokens=plan.prompt_tokens,
            faults=faults,
            errors=plan.errors,
        )

    def _check_token_limit(self, batch: BatchRecord, now: float) -> None:
        if batch.errors or batch.model is None:
            return
        enqueued = self.enqueued_tokens(batch.model, now) + batch.enqueued_tokens
        limit = self.config.token_limit_for(batch.model)
        if limit is not None and enqueued > limit:
            batch.errors = [
                batch_error(
                    "token_limit_exceeded",
                    f"Enqueued token limit reached for {batch.model} in organization "
                    f"{self.config.organization}. "
                    f"Limit: {limit:,} enqueued tokens. "
                    "Please try again once some in_progress batches have been completed.",
                )
            ]
            return
        peaks = self.stats.peak_enqueued_tokens
        peaks[batch.model] = max(peaks.get(batch.model, 0), enqueued)

    def _get_batch(self, batch_id: str) -> BatchRecord:
        batch = self.batches.get(batch_id)
        if batch is None:
            raise not_found("batch", batch_id, "batch_id")
        return batch

    async def _settle(self, batch: BatchRecord, now: float) -> None:
        """Write the output and error files the first time the batch is seen in a status with output."""
        status = batch.status_at(now)
        if status not in WITH_OUTPUT or batch.result is not None:
            return
        task = self._finalizing.get(batch.id)
        if task is None:
            task = asyncio.create_task(self._finalize(batch, status))
            self._finalizing[batch.id] = task
        await asyncio.shield(task)

    async def _finalize(self, batch: BatchRecord, status: BatchStatus) -> None:
        try:
            built = await asyncio.to_thread(
                build_result, batch, status, self.config.seed, self.prompt_cache, self.now()
            )
        finally:
            self._finalizing.pop(batch.id, None)
        for fault, count in built.faults.items():
            self.stats.faults[fault] += count
        output_id = self._store_output(built.output, f"{batch.id}_output.jsonl")
        error_id = self._store_output(built.error, f"{batch.id}_error.jsonl")
        batch.result = built.result(output_id, error_id)

    def _store_output(self, content: bytes, filename: str) -> str | None:
        return self.add_file(filename, "batch_output", content).id if content else None

    async def get_batch(self, batch_id: str) -> dict[str, Any]:
        batch = self._get_batch(batch_id)
        now = self.now()
        await self._settle(batch, now)
        return batch.to_api(now)

    async def cancel_batch(self, batch_id: str) -> dict[str, Any]:
        batch = self._get_batch(batch_id)
        now = self.now()
        status = batch.status_at(now)
        if status in CANCELLABLE:
            batch.cancel_at = now
        elif status not in (BatchStatus.CANCELLING, BatchStatus.CANCELLED):
            raise ApiError(409, f"Cannot cancel a batch with status '{status.value}'.")
        await self._settle(batch, now)
        return batch.to_api(now)

    async def list_batches(self, after: str | None, limit: int) -> dict[str, Any]:
        now = self.now()
        config = self.config
        ordered = newest_first(
            self.batches.values(), lambda b: b.created, lambda b: b.id, config.list_order_within_second, config.seed
        )
        page = _page([{"id": batch.id} for batch in ordered], after, limit)
        records = [self.batches[item["id"]] for item in page["data"]]
        for batch in records:
            await self._settle(batch, now)
        page["data"] = [batch.to_api(now) for batch in records]
        return page
