"""The emulator's state and operations: batches, files, the live endpoint, injected faults and statistics."""

from __future__ import annotations

import asyncio
import base64
import random
import string
from dataclasses import dataclass
from typing import Any

from ..emulator_common import newest_first, roll_http_fault
from ..openai_emulator.answers import LineFault, hex_id, line_fault_for, unit_hash
from ..stats import EmulatorStats
from .answers import Usage, build_response, prompt_tokens
from .config import GeminiEmulatorConfig
from .errors import ApiError, invalid, not_found, precondition, rate_limited, server_fault
from .files import FileRecord, UploadSession
from .intake import CreateBody, file_requests, inlined_requests, parse_create_body
from .request_check import check_request
from .results import build_output, output_file_content
from .state import ACTIVE, WITH_OUTPUT, BatchRecord, BatchRequest, BatchState, Schedule

_ID_CHARS = string.ascii_lowercase + string.digits
NO_KEY_MESSAGE = (
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API."
)
INJECTED_FAILURE = "The batch failed while processing (sandbox-injected fault)."


@dataclass
class Stats(EmulatorStats):
    batches_created: int = 0
    batch_requests_created: int = 0
    files_uploaded: int = 0
    generate_content_calls: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0
    peak_enqueued_tokens: int = 0


class GeminiEmulator:
    """In-memory Gemini batch mode, Files API and live generateContent; `create_gemini_app` serves it."""

    def __init__(self, config: GeminiEmulatorConfig | None = None) -> None:
        self.config = config or GeminiEmulatorConfig()
        self.reset()

    def reset(self) -> None:
        """Forget every batch, file, upload and statistic (the config is kept)."""
        self.batches: dict[str, BatchRecord] = {}
        self.files: dict[str, FileRecord] = {}
        self.uploads: dict[str, UploadSession] = {}
        self.stats = Stats()
        self._building: dict[str, asyncio.Task[None]] = {}
        self._id_rng = random.Random(f"ids:{self.config.seed}")
        self._fault_rng = random.Random(f"faults:{self.config.seed}")

    def now(self) -> float:
        return self.config.clock()

    def _new_id(self, length: int) -> str:
        return "".join(self._id_rng.choices(_ID_CHARS, k=length))

    @property
    def usage(self) -> Usage:
        return Usage(self.config.thinking_tokens, self.config.cached_token_rate)

    # --- request gates
    def check_key(self, header: str | None, query: str | None) -> None:
        """`x-goog-api-key` or `?key=`: none is 403 PERMISSION_DENIED, a wrong one 400 (API_KEY_INVALID)."""
        key = (header or query or "").strip()
        if not key:
            raise ApiError(403, NO_KEY_MESSAGE)
        if self.config.api_key is not None and key != self.config.api_key:
            raise invalid("API key not valid. Please pass a valid API key.")

    def roll_http_fault(self) -> ApiError | None:
        """A 429, 500 or 503 to answer instead of the request (decided before any state changes)."""
        status = roll_http_fault(self._fault_rng, self.config, self.stats.faults, (503, 500))
        if status == 429:
            return rate_limited(
                "Resource has been exhausted (e.g. check quota). (sandbox-injected fault)",
                self.config.retry_after_seconds,
            )
        return None if status is None else server_fault(status, self.config.retry_after_seconds)

    def _line_fault(self, *parts: object) -> LineFault:
        return line_fault_for(self.config, *parts)

    # --- batches
    def active_batches(self, now: float) -> int:
        return sum(1 for batch in self.batches.values() if batch.state_at(now) in ACTIVE)

    def enqueued_tokens(self, model: str, now: float) -> int:
        return sum(b.prompt_tokens for b in self.batches.values() if b.model == model and b.state_at(now) in ACTIVE)

    def _check_limits(self, model: str, tokens: int, now: float) -> None:
        config = self.config
        if config.max_concurrent_batches is not None and self.active_batches(now) >= config.max_concurrent_batches:
            raise rate_limited(
                f"Too many concurrent batches: at most {config.max_concurrent_batches} may be pending or running.",
                config.retry_after_seconds,
            )
        enqueued = self.enqueued_tokens(model, now) + tokens
        if config.enqueued_token_limit is not None and enqueued > config.enqueued_token_limit:
            raise rate_limited(
                f"Enqueued token limit reached for models/{model}: {enqueued:,} tokens would be enqueued, the limit "
                f"is {config.enqueued_token_limit:,}. Try again once some batches have finished.",
                config.retry_after_seconds,
            )
        self.stats.peak_enqueued_tokens = max(self.stats.peak_enqueued_tokens, enqueued)

    def _plan(self, model: str, body: Any, batch_id: str) -> tuple[CreateBody, list[BatchRequest], int]:
        """The parsed body, the batch's requests and their prompt tokens."""
        parsed = parse_create_body(body)
        fault_for = lambda index: self._line_fault(batch_id, index)  # noqa: E731
        if parsed.file_name is None:
            requests = inlined_requests(parsed, fault_for)
        else:
            requests = file_requests(self._file(parsed.file_name.removeprefix("files/")).content, fault_for)
        tokens = sum(prompt_tokens(item.request, model) for item in requests if item.request is not None)
        return parsed, requests, tokens

    async def create_batch(self, model: str, body: Any) -> BatchRecord:
        """Check the body (in a worker thread), then queue the batch at once."""
        batch_id = self._new_id(36)
        parsed, requests, tokens = await asyncio.to_thread(self._plan, model, body, batch_id)
        now = self.now()
        self._check_limits(model, tokens, now)
        config = self.config
        schedule = Schedule(
            config.pending_seconds, config.processing_seconds, config.cancelling_seconds, config.expire_after_seconds
        )
        failure = None
        if not requests:
            failure = "The input file has no requests."
        elif unit_hash(config.seed, "batch-failure", batch_id) < config.batch_failure_rate:
            failure = INJECTED_FAILURE
        batch = BatchRecord(
            batch_id, model, parsed.display_name, now, schedule, requests, parsed.file_name, failure, parsed.priority
        )
        batch.prompt_tokens = tokens
        self.batches[batch_id] = batch
        self.stats.batches_created += 1
        self.stats.batch_requests_created += len(requests)
        return batch

    def get_batch(self, batch_id: str) -> BatchRecord:
        batch = self.batches.get(batch_id)
        if batch is None:
            raise not_found(f"Batch batches/{batch_id}")
        return batch

    async def operation(self, batch: BatchRecord) -> dict[str, Any]:
        now = self.now()
        await self._settle(batch, now)
        return batch.operation(now)

    def cancel_batch(self, batch_id: str) -> None:
        batch = self.get_batch(batch_id)
        now = self.now()
        state = batch.state_at(now)
        if state in ACTIVE and batch.cancel_at is None:
            batch.cancel_at = now
        elif state not in ACTIVE and state is not BatchState.CANCELLED:
            raise precondition(f"Batch {batch.name} has already ended ({state.value}) and cannot be cancelled.")

    def delete_batch(self, batch_id: str) -> None:
        """Documented for operations: the client is no longer interested; a running batch is not cancelled."""
        self.get_batch(batch_id)
        del self.batches[batch_id]

    def list_batches(self, page_size: int, page_token: str | None) -> tuple[list[BatchRecord], str | None]:
        """Newest first (the order within a second as configured); the token names the last batch given."""
        config = self.config
        ordered = newest_first(
            self.batches.values(), lambda b: b.created, lambda b: b.id, config.list_order_within_second, config.seed
        )
        start = 0
        if page_token:
            after = _decode_token(page_token)
            ids = [batch.id for batch in ordered]
            if after not in ids:
                raise invalid("Invalid page token.")
            start = ids.index(after) + 1
        page = ordered[start : start + page_size]
        more = start + page_size < len(ordered)
        return page, (_encode_token(page[-1].id) if more and page else None)

    async def _settle(self, batch: BatchRecord, now: float) -> None:
        """Build the output the first time the batch is seen ended with output."""
        state = batch.state_at(now)
        if state not in WITH_OUTPUT or batch.output is not None:
            return
        if state is BatchState.CANCELLED and not self.config.keep_output_on_cancel:
            return
        task = self._building.get(batch.id)
        if task is None:
            task = asyncio.create_task(self._build(batch))
            self._building[batch.id] = task
        await asyncio.shield(task)

    async def _build(self, batch: BatchRecord) -> None:
        try:
            built = await asyncio.to_thread(build_output, batch, self.usage)
        finally:
            self._building.pop(batch.id, None)
        self.stats.faults.update(built.faults)
        self.stats.prompt_tokens += built.prompt_tokens
        self.stats.output_tokens += built.output_tokens
        if batch.input_file is None:
            batch.output = {"inlinedResponses": {"inlinedResponses": built.entries}}
            return
        config = self.config
        content = output_file_content(built.entries, config.seed, batch.id, config.shuffle_file_results)
        record = self.add_file(f"batch-{batch.id}", "application/jsonl", content, generated=True)
        batch.output = {"responsesFile": record.name}

    # --- files
    def add_file(self, display_name: str | None, mime_type: str, content: bytes, generated: bool = False) -> FileRecord:
        now = self.now()
        record = FileRecord(
            self._new_id(12), display_name, mime_type, content, now, now + self.config.file_retention_seconds, generated
        )
        self.files[record.id] = record
        return record

    def start_upload(self, display_name: str | None, mime_type: str | None, size: int) -> UploadSession:
        if size > self.config.max_file_bytes:
            raise invalid(f"The file is {size} bytes; the largest allowed is {self.config.max_file_bytes} bytes.")
        session = UploadSession(self._new_id(24), display_name, mime_type or "application/octet-stream", size)
        self.uploads[session.id] = session
        return session

    def upload_chunk(self, upload_id: str, offset: int, chunk: bytes, finalize: bool) -> FileRecord | None:
        session = self.uploads.get(upload_id)
        if session is None:
            raise not_found(f"Upload {upload_id}")
        session.append(offset, chunk)
        if not finalize:
            return None
        del self.uploads[upload_id]
        self.stats.files_uploaded += 1
        return self.add_file(session.display_name, session.mime_type, bytes(session.received))

    def _file(self, file_id: str) -> FileRecord:
        record = self.files.get(file_id)
        if record is None or self.now() >= record.expires:
            raise ApiError(403, f"You do not have permission to access the File {file_id} or it may not exist.")
        return record

    def get_file(self, file_id: str) -> FileRecord:
        return self._file(file_id)

    def delete_file(self, file_id: str) -> None:
        self._file(file_id)
        del self.files[file_id]

    def download(self, file_id: str) -> bytes:
        record = self._file(file_id)
        if not record.generated:
            raise invalid(f"Only generated files can be downloaded; files/{file_id} was uploaded.")
        return record.content

    # --- live generateContent
    def generate_content(self, model: str, body: Any) -> dict[str, Any]:
        request = check_request(body)
        self.stats.generate_content_calls += 1
        serial = self.stats.generate_content_calls
        fault = self._line_fault("live", serial)
        if fault is not LineFault.NONE:
            self.stats.faults[f"live_{fault.value}"] += 1
        if fault is LineFault.LINE_FAILURE:
            raise server_fault(500, self.config.retry_after_seconds)
        response = build_response(request, model, fault, hex_id(22, "live", self.config.seed, serial), self.usage)
        usage = response["usageMetadata"]
        self.stats.prompt_tokens += usage.get("promptTokenCount", 0)
        self.stats.output_tokens += usage.get("candidatesTokenCount", 0) + usage.get("thoughtsTokenCount", 0)
        return response


def _encode_token(batch_id: str) -> str:
    return base64.urlsafe_b64encode(f"after:{batch_id}".encode()).decode().rstrip("=")


def _decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode().removeprefix("after:")
    except (ValueError, UnicodeDecodeError):
        return ""
