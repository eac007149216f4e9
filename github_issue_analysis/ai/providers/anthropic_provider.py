"""Anthropic's Message Batches API (and live Messages API) through the official `anthropic` SDK.

Requests go inline with create (no upload); structured output through forced tool use: one tool whose
`input_schema` is the request's answer schema and a `tool_choice` naming it. The group's shared context is a
user content block marked with a 1-hour `cache_control`, the issue's prompt comes after it. `messages_params` writes a
`ModelRequest` as Messages parameters. Batches carry no metadata: a batch created just before
a crash is found by its request count and creation time (see `ai/batch/finder.py`)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Final

import orjson

from github_issue_analysis.config import Settings
from github_issue_analysis.domain.jobs import ItemErrorKind, JobStatus
from github_issue_analysis.domain.model_request import ModelRequest
from github_issue_analysis.domain.provider_batches import ItemOutcome, ProviderBatch
from github_issue_analysis.domain.usage import TokenUsage

from .answers import MalformedAnswer, snippet
from .base import NO_HOURLY_CAP, BatchPage, BatchProvider, LiveAnswer, LiveProvider, sdk_http
from .jsonl import json_line
from .plugin import ProviderPlugin
from .sdk_errors import SdkErrors

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic
    from anthropic.types.messages import MessageBatch

MAX_TOKENS: Final = 4096
CUSTOM_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")  # documented for Message Batches


_ERRORS = SdkErrors("anthropic", "Anthropic", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "AnthropicError")


class AnthropicProvider(BatchProvider, LiveProvider):
    name = "anthropic"
    api_key_env = "ANTHROPIC_API_KEY"
    uploads_input = False
    has_metadata = False
    envelope_bytes = len(b'{"requests":[]}')  # the create body: the lines joined by commas inside this
    list_page_size = 1000  # the documented maximum `limit` of the list endpoint
    temperature_range = (0.0, 1.0)  # documented range of the Messages API's temperature

    def __init__(
        self,
        api_key: str | None,
        base_url: str | None = None,
        max_retries: int = 6,
        max_requests_per_batch: int = 100_000,
        max_bytes_per_batch: int = 256 * 1024 * 1024,
        max_batches_per_hour: int = NO_HOURLY_CAP,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
    ) -> None:
        # Documented limits: 100,000 requests or 256 MB per batch, whichever comes first. No hourly cap on
        # creating batches is documented (rate limits and the processing queue answer 429 instead).
        super().__init__(api_key, base_url)
        self.max_requests_per_batch = max_requests_per_batch
        self.max_bytes_per_batch = max_bytes_per_batch
        self.max_batches_per_hour = max_batches_per_hour
        self._max_retries = max_retries
        self._timeouts = (connect_timeout, read_timeout)
        self._client_instance: AsyncAnthropic | None = None

    @property
    def _client(self) -> AsyncAnthropic:
        if self._client_instance is None:
            api_key = self.require_key()
            import anthropic

            from github_issue_analysis.waiting import waiting_transport

            http = sdk_http(anthropic)
            connect, read = self._timeouts
            self._client_instance = anthropic.AsyncAnthropic(
                api_key=api_key,
                base_url=self._base_url,
                max_retries=self._max_retries,
                timeout=http.Timeout(read, connect=connect),
                http_client=anthropic.DefaultAsyncHttpxClient(transport=waiting_transport(read, http)),
                # The API documents the key in `x-api-key`; this SDK version sends it as a bearer token.
                default_headers={"x-api-key": api_key},
            )
        return self._client_instance

    def request_line(self, custom_id: str, request: ModelRequest) -> bytes:
        if not CUSTOM_ID.fullmatch(custom_id):
            raise ValueError(f"custom_id {custom_id!r} is not 1-64 characters of [A-Za-z0-9_-]")
        return json_line({"custom_id": custom_id, "params": messages_params(request)})

    def model_accepts(self, model: str, option: str) -> bool:
        return option == "temperature"

    async def create(self, input_file_id: str | None, content: bytes, metadata: dict[str, str]) -> ProviderBatch:
        # No SDK retries: a retried create could double-pay; the caller looks for the batch before trying again.
        requests = [orjson.loads(line) for line in content.splitlines() if line.strip()]
        async with _ERRORS.around("create the message batch"):
            batch = await self._client.with_options(max_retries=0).messages.batches.create(requests=requests)
        return checked_batch(batch, "create the message batch")

    async def retrieve(self, batch_id: str) -> ProviderBatch:
        async with _ERRORS.around(f"read message batch {batch_id}"):
            batch = await self._client.messages.batches.retrieve(batch_id)
        return checked_batch(batch, f"read message batch {batch_id}")

    async def list_batches(self) -> AsyncIterator[ProviderBatch]:
        async with _ERRORS.around("list message batches"):
            async for batch in self._client.messages.batches.list(limit=self.list_page_size):
                yield checked_batch(batch, "list message batches")

    async def list_page(self, after: str | None) -> BatchPage:
        from anthropic import omit

        async with _ERRORS.around("list message batches"):
            page = await self._client.messages.batches.list(limit=self.list_page_size, after_id=after or omit)
        return BatchPage([checked_batch(batch, "list message batches") for batch in page.data], bool(page.has_more))

    async def cancel(self, batch_id: str) -> ProviderBatch:
        async with _ERRORS.around(f"cancel message batch {batch_id}"):
            batch = await self._client.messages.batches.cancel(batch_id)
        return checked_batch(batch, f"cancel message batch {batch_id}")

    async def read_outcomes(self, file_id: str) -> AsyncIterator[ItemOutcome]:
        """The results stream of an ended batch (`file_id` is the batch id), one outcome per line."""
        async with _ERRORS.around(f"read the results of message batch {file_id}"):
            decoder = await self._client.messages.batches.results(file_id)
            async for entry in decoder:
                yield parse_result(entry.to_dict())

    async def complete(self, request: ModelRequest) -> LiveAnswer:
        """The Messages API with the same parameters a batch line carries (the SDK retries 429, 5xx and 529)."""
        params = messages_params(request)
        async with _ERRORS.around("answer the request"):
            message = await self._client.messages.create(**params)
        outcome = parse_message("", message.to_dict())
        refusal = outcome.error_message if outcome.error_kind is ItemErrorKind.REFUSAL else None
        content = None if refusal is not None else outcome.content
        return LiveAnswer(content, outcome.usage, refusal)

    async def close(self) -> None:
        if self._client_instance is not None:
            await self._client_instance.close()


def messages_params(request: ModelRequest) -> dict[str, Any]:
    """Messages parameters for a request: the instructions as `system`, the answer schema as the one tool
    Claude must call, and the options the Messages API takes (it has no reasoning_effort)."""
    params: dict[str, Any] = {
        "model": request.model,
        "max_tokens": request.max_output_tokens or MAX_TOKENS,
        "messages": [{"role": "user", "content": _user_content(request)}],
    }
    if request.instructions:
        params["system"] = request.instructions
    if request.answer is not None:
        params["tools"] = [
            {
                "name": request.answer.name,
                "description": "Record the answer. Call this tool exactly once with the complete answer.",
                "input_schema": input_schema(request.answer.schema),
            }
        ]
        params["tool_choice"] = {"type": "tool", "name": request.answer.name}
    if request.options.temperature is not None:
        params["temperature"] = request.options.temperature
    return params


# The 1-hour cache: Anthropic's batch documentation recommends it, as a batch may take longer than 5 minutes.
CACHE_CONTROL: Final = {"type": "ephemeral", "ttl": "1h"}


def _user_content(request: ModelRequest) -> str | list[dict[str, Any]]:
    """The user turn: the group's shared context as a block ending the cached prefix (tools, system and
    the context, in that order), then the issue's own prompt."""
    if not request.context:
        return request.prompt
    return [
        {"type": "text", "text": request.context, "cache_control": dict(CACHE_CONTROL)},
        {"type": "text", "text": request.prompt},
    ]


_INLINED: dict[int, tuple[object, dict[str, Any]]] = {}


def input_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its `$defs` references written out in place (tool schemas are safest self-contained).
    Processors share one answer schema per label set, so each is converted once."""
    known = _INLINED.get(id(schema))
    if known is None or known[0] is not schema:
        defs = schema.get("$defs", {})

        def inline(node: Any) -> Any:
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/$defs/"):
                    return inline(defs[ref.removeprefix("#/$defs/")])
                return {key: inline(value) for key, value in node.items() if key != "$defs"}
            if isinstance(node, list):
                return [inline(item) for item in node]
            return node

        known = (schema, inline(schema))
        _INLINED[id(schema)] = known
    return known[1]


_STATUSES = {"in_progress": JobStatus.IN_PROGRESS, "canceling": JobStatus.CANCELLING}


def checked_batch(batch: object, action: str) -> ProviderBatch:
    """A message batch as the API documents it, or MalformedAnswer (an HTML page from a proxy, JSON without
    an id): never a job left running without a provider id."""
    try:
        converted = to_provider_batch(batch)  # type: ignore[arg-type]
    except (AttributeError, TypeError, ValueError):
        converted = None
    if converted is None or not isinstance(converted.id, str) or not converted.id.strip():
        text = batch if isinstance(batch, str) else type(batch).__name__
        raise MalformedAnswer(
            f"Anthropic answered the request to {action} with something that is not a message batch "
            f"('{snippet(str(text))}'); check ANTHROPIC_BASE_URL points at the API"
        )
    return converted


def to_provider_batch(batch: MessageBatch) -> ProviderBatch:
    counts = batch.request_counts
    unfinished = counts.canceled + counts.errored + counts.expired
    total = counts.processing + counts.succeeded + unfinished
    return ProviderBatch(
        id=batch.id,
        status=_status(batch),
        raw_status=batch.processing_status,
        metadata={},
        created_at=batch.created_at,
        total=total,
        completed=counts.succeeded,
        failed=unfinished,
        # Results are read by batch id once the batch has ended (they live at `results_url`).
        output_file_id=batch.id if batch.results_url else None,
    )


def _status(batch: MessageBatch) -> JobStatus:
    """`ended` is completed, cancelled (a cancel was asked) or expired (requests ran out of time)."""
    if batch.processing_status != "ended":
        return _STATUSES.get(batch.processing_status, JobStatus.IN_PROGRESS)
    if batch.cancel_initiated_at is not None:
        return JobStatus.CANCELLED
    if batch.request_counts.expired:
        return JobStatus.EXPIRED
    return JobStatus.COMPLETED


_UNFINISHED = {
    "canceled": (ItemErrorKind.CANCELLED, "the batch was cancelled before this request ran"),
    "expired": (ItemErrorKind.EXPIRED, "the batch expired before this request ran"),
}


def parse_result(record: dict[str, Any]) -> ItemOutcome:
    """One line of a results stream: `{custom_id, result: {type, message | error}}`."""
    custom_id = str(record.get("custom_id") or "")
    result = record.get("result") or {}
    kind = result.get("type")
    if kind == "succeeded":
        return parse_message(custom_id, result.get("message") or {})
    if kind in _UNFINISHED:
        error_kind, message = _UNFINISHED[kind]
        return ItemOutcome(custom_id, error_kind=error_kind, error_message=message)
    error = (result.get("error") or {}).get("error") or result.get("error") or {}
    detail = f"{error.get('type') or 'error'}: {error.get('message') or 'request failed'}"
    return ItemOutcome(custom_id, error_kind=ItemErrorKind.REQUEST_ERROR, error_message=detail)


def parse_message(custom_id: str, message: dict[str, Any]) -> ItemOutcome:
    """The forced tool call's input as JSON text; a refusal or prose answer otherwise."""
    usage = usage_of(message.get("usage"))
    blocks = message.get("content") or []
    if message.get("stop_reason") == "refusal":
        return ItemOutcome(custom_id, None, ItemErrorKind.REFUSAL, "the model refused", usage)
    tool = next((b for b in blocks if b.get("type") == "tool_use"), None)
    if tool is not None:
        return ItemOutcome(custom_id, orjson.dumps(tool.get("input")).decode(), None, None, usage)
    text = "".join(str(b.get("text") or "") for b in blocks if b.get("type") == "text")
    return ItemOutcome(custom_id, text, None, None, usage)


def usage_of(usage: Any) -> TokenUsage:
    """A message's `usage`: `input_tokens` leave out the tokens read from (`cache_read_input_tokens`) and
    written to (`cache_creation_input_tokens`) the cache, so the neutral total adds them."""
    usage = usage if isinstance(usage, dict) else {}
    plain, read, write = (int(usage.get(key) or 0) for key in _INPUT_FIELDS)
    return TokenUsage(plain + read + write, read, write, int(usage.get("output_tokens") or 0))


_INPUT_FIELDS = ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")


def _from_settings(settings: Settings) -> AnthropicProvider:
    key = settings.anthropic_api_key.get_secret_value() if settings.anthropic_api_key else None
    return AnthropicProvider(
        api_key=key,
        base_url=settings.anthropic_base_url,
        max_requests_per_batch=settings.anthropic_max_requests_per_batch,
        max_bytes_per_batch=settings.anthropic_max_bytes_per_batch,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
    )


PLUGIN = ProviderPlugin(
    name="anthropic",
    title="Anthropic Message Batches",
    api_key_env="ANTHROPIC_API_KEY",
    base_url_env="ANTHROPIC_BASE_URL",
    factory=_from_settings,
    models=(
        "claude-haiku-4-5",
        "claude-sonnet-4-5",
        "claude-opus-4-5",
        "claude-opus-4-1",
        "claude-sonnet-4",
        "claude-3-5-haiku",
    ),
    notes="requests inline (no upload); no batch metadata; structured output through one forced tool",
)
