"""The emulator's state and operations: message batches, the queue limit, injected faults and statistics."""

from __future__ import annotations

import asyncio
import random
import re
import string
from dataclasses import dataclass
from typing import Any, ClassVar

from ..emulator_common import newest_first, roll_http_fault
from ..openai_emulator.answers import LineFault, line_fault_for
from ..stats import EmulatorStats
from .answers import build_message, make_ids
from .config import AnthropicEmulatorConfig
from .create_body import parse_create_body
from .errors import ApiError, invalid, not_found, rate_limited, server_fault
from .params import params_error
from .prompt_cache import PromptCache
from .results import build_results
from .state import BatchRecord, BatchRequest, ProcessingStatus, Schedule

_ALPHANUM = string.ascii_letters + string.digits
_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_LIST_LIMIT = 1000


@dataclass
class Stats(EmulatorStats):
    batches_created: int = 0
    batch_requests_created: int = 0
    messages_created: int = 0
    peak_queued_requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    cache_write_tokens: int = 0

    SHOWN_AS: ClassVar[dict[str, str]] = {
        "cached_input_tokens": "cache_read_input_tokens",
        "cache_write_tokens": "cache_creation_input_tokens",
    }


class AnthropicEmulator:
    """In-memory Message Batches (and live Messages) service; `create_anthropic_app` serves it over HTTP."""

    def __init__(self, config: AnthropicEmulatorConfig | None = None) -> None:
        self.config = config or AnthropicEmulatorConfig()
        self.reset()

    def reset(self) -> None:
        """Forget every batch and statistic (the config is kept)."""
        self.batches: dict[str, BatchRecord] = {}
        self.stats = Stats()
        self._building: dict[str, asyncio.Task[None]] = {}
        self._id_rng = random.Random(f"ids:{self.config.seed}")
        self._fault_rng = random.Random(f"faults:{self.config.seed}")
        self.prompt_cache = PromptCache()

    def now(self) -> float:
        return self.config.clock()

    def _new_id(self, prefix: str) -> str:
        return prefix + "".join(self._id_rng.choices(_ALPHANUM, k=24))

    # --- request gates
    def check_headers(self, api_key: str | None, authorization: str | None, version: str | None) -> None:
        """`x-api-key` (documented) or `Authorization: Bearer` (what newer SDKs send) and `anthropic-version`."""
        key = (api_key or "").strip()
        scheme, _, bearer = (authorization or "").partition(" ")
        if not key and scheme.lower() == "bearer":
            key = bearer.strip()
        if not key:
            raise ApiError(401, "x-api-key header is required")
        if self.config.api_key is not None and key != self.config.api_key:
            raise ApiError(401, "invalid x-api-key")
        if version is not None and not _VERSION.match(version.strip()):
            raise invalid(f"anthropic-version: invalid version '{version}'; expected a date such as 2023-06-01")

    def roll_http_fault(self) -> ApiError | None:
        """A 429, 500 or 529 to answer instead of the request (decided before any state changes)."""
        status = roll_http_fault(self._fault_rng, self.config, self.stats.faults, (529, 500))
        if status == 429:
            return rate_limited(
                "Number of requests has exceeded your rate limit (sandbox-injected fault).",
                self.config.retry_after_seconds,
            )
        return None if status is None else server_fault(status, self.config.retry_after_seconds)

    def _line_fault(self, *parts: object) -> LineFault:
        return line_fault_for(self.config, *parts)

    # --- batches
    def queued_requests(self, now: float) -> int:
        """Requests of batches that have not ended (the queue the documented rate limit counts)."""
        return sum(b.total for b in self.batches.values() if b.status_at(now) is not ProcessingStatus.ENDED)

    def _check_queue(self, adding: int, now: float) -> None:
        limit = self.config.queue_limit
        queued = self.queued_requests(now)
        if limit is not None and queued + adding > limit:
            raise rate_limited(
                f"Number of batch requests in the processing queue would exceed your limit of {limit:,} "
                f"({queued:,} queued, {adding:,} in this batch). Try again once some batches have ended.",
                self.config.retry_after_seconds,
            )
        self.stats.peak_queued_requests = max(self.stats.peak_queued_requests, queued + adding)

    def _plan_requests(self, body: Any, batch_id: str) -> list[BatchRequest]:
        items = parse_create_body(body, self.config.max_requests_per_batch)
        return [
            BatchRequest(custom_id, params, params_error(params), self._line_fault(batch_id, index, custom_id))
            for index, (custom_id, params) in enumerate(items)
        ]

    async def create_batch(self, body: Any) -> BatchRecord:
        """Check the body (in a worker thread: up to 100,000 requests), then queue the batch at once."""
        batch_id = self._new_id("msgbatch_")
        requests = await asyncio.to_thread(self._plan_requests, body, batch_id)
        now = self.now()
        self._check_queue(len(requests), now)
        config = self.config
        schedule = Schedule(config.processing_seconds, config.canceling_seconds, config.expire_after_seconds)
        batch = BatchRecord(batch_id, now, schedule, requests)
        self.batches[batch_id] = batch
        self.stats.batches_created += 1
        self.stats.batch_requests_created += len(requests)
        return batch

    def get_batch(self, batch_id: str) -> BatchRecord:
        batch = self.batches.get(batch_id)
        if batch is None:
            raise not_found(batch_id)
        return batch

    def cancel_batch(self, batch_id: str) -> BatchRecord:
        batch = self.get_batch(batch_id)
        now = self.now()
        status = batch.status_at(now)
        if status is ProcessingStatus.ENDED:
            raise invalid(f"Message Batch {batch_id} has already ended and cannot be canceled.")
        if status is ProcessingStatus.IN_PROGRESS:
            batch.cancel_at = now
        return batch

    def delete_batch(self, batch_id: str) -> dict[str, Any]:
        batch = self.get_batch(batch_id)
        if batch.status_at(self.now()) is not ProcessingStatus.ENDED:
            raise invalid(f"Message Batch {batch_id} cannot be deleted while it is processing; cancel it first.")
        del self.batches[batch_id]
        return {"id": batch_id, "type": "message_batch_deleted"}

    def list_batches(self, limit: int, before_id: str | None, after_id: str | None) -> tuple[list[BatchRecord], bool]:
        """Newest first; `after_id` pages towards older batches, `before_id` towards newer ones."""
        config = self.config
        ordered = newest_first(
            self.batches.values(), lambda b: b.created, lambda b: b.id, config.list_order_within_second, config.seed
        )
        ids = [batch.id for batch in ordered]
        cursor = after_id if after_id is not None else before_id
        if cursor is not None and cursor not in ids:
            raise invalid(f"{'after_id' if after_id is not None else 'before_id'}: no batch with id '{cursor}'")
        if before_id is not None and after_id is None:
            end = ids.index(before_id)
            start = max(0, end - limit)
            return ordered[start:end], start > 0
        start = ids.index(after_id) + 1 if after_id is not None else 0
        return ordered[start : start + limit], start + limit < len(ordered)

    async def results(self, batch_id: str) -> bytes:
        batch = self.get_batch(batch_id)
        now = self.now()
        if batch.status_at(now) is not ProcessingStatus.ENDED:
            raise invalid(f"Message Batch {batch_id} has not yet ended; results are available once it ends.")
        if now > batch.created + self.config.results_retention_seconds:
            raise ApiError(404, f"The results of Message Batch {batch_id} are no longer available.")
        if batch.results is None:
            task = self._building.get(batch_id)
            if task is None:
                task = asyncio.create_task(self._build(batch))
                self._building[batch_id] = task
            await asyncio.shield(task)
        assert batch.results is not None
        return batch.results

    async def _build(self, batch: BatchRecord) -> None:
        try:
            built = await asyncio.to_thread(
                build_results, batch, self.config.seed, self.config.shuffle_results, self.prompt_cache, self.now()
            )
        finally:
            self._building.pop(batch.id, None)
        self.stats.faults.update(built.faults)
        self.stats.input_tokens += built.input_tokens
        self.stats.output_tokens += built.output_tokens
        self.stats.cached_input_tokens += built.cached_input_tokens
        self.stats.cache_write_tokens += built.cache_write_tokens
        batch.results = built.content

    # --- live Messages API
    def create_message(self, params: Any) -> dict[str, Any]:
        problem = params_error(params)
        if problem:
            raise invalid(problem)
        if params.get("stream"):
            raise invalid("stream: the sandbox does not stream; send the request without 'stream'")
        self.stats.messages_created += 1
        serial = self.stats.messages_created
        fault = self._line_fault("live", serial)
        if fault is not LineFault.NONE:
            self.stats.faults[fault.value] += 1
        if fault is LineFault.LINE_FAILURE:
            raise ApiError(500, "Internal server error (sandbox-injected fault).")
        use = self.prompt_cache.use(params, self.now())
        ids = make_ids("live", self.config.seed, serial)
        message = build_message(params, fault, ids, "standard", (use.read, use.written))
        self.stats.input_tokens += message["usage"]["input_tokens"]
        self.stats.cached_input_tokens += use.read
        self.stats.cache_write_tokens += use.written
        self.stats.output_tokens += message["usage"]["output_tokens"]
        return message
