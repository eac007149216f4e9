"""The OpenAI Batch API (and live chat completions) through the official SDK (async client).

A `ModelRequest` is written as a /v1/chat/completions body (`chat_body`): a system and a user message (the
group's shared context first, the issue last, so the prefix caches), the answer schema as a strict
`json_schema` response format, the options the model accepts and a `prompt_cache_key` per shared prefix."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Final

from github_issue_analysis.config import Settings
from github_issue_analysis.domain.model_request import ModelRequest
from github_issue_analysis.domain.provider_batches import ItemOutcome, ProviderBatch

from . import openai_answers as answers
from .answers import not_json
from .base import BatchPage, BatchProvider, LiveAnswer, LiveProvider, sdk_http
from .jsonl import json_line
from .plugin import ProviderPlugin
from .sdk_errors import SdkErrors

if TYPE_CHECKING:
    from openai import AsyncOpenAI

ENDPOINT: Final = "/v1/chat/completions"
_REASONING_MODEL = re.compile(r"^(o\d|gpt-5)")


_ERRORS = SdkErrors("openai", "OpenAI", "OPENAI_API_KEY", "OPENAI_BASE_URL", "OpenAIError")


class OpenAIProvider(BatchProvider, LiveProvider):
    name = "openai"
    api_key_env = "OPENAI_API_KEY"

    def __init__(
        self,
        api_key: str | None,
        base_url: str | None = None,
        max_retries: int = 6,
        max_requests_per_batch: int = 50_000,
        max_bytes_per_batch: int = 200 * 1024 * 1024,
        max_batches_per_hour: int = 2_000,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
    ) -> None:
        # Documented limits: 50,000 requests and 200 MB per input file, 2,000 new batches per hour.
        self.max_requests_per_batch = max_requests_per_batch
        self.max_bytes_per_batch = max_bytes_per_batch
        self.max_batches_per_hour = max_batches_per_hour
        super().__init__(api_key, base_url)
        self._max_retries = max_retries
        self._timeouts = (connect_timeout, read_timeout)
        self._client_instance: AsyncOpenAI | None = None

    @property
    def _client(self) -> AsyncOpenAI:
        """Created on first use, so planning and dry runs need neither a key nor the SDK import."""
        if self._client_instance is None:
            api_key = self.require_key()
            import openai
            from openai import AsyncOpenAI, DefaultAsyncHttpxClient

            from github_issue_analysis.waiting import waiting_transport

            http = sdk_http(openai)
            connect, read = self._timeouts
            self._client_instance = AsyncOpenAI(
                api_key=api_key,
                base_url=self._base_url,
                max_retries=self._max_retries,
                timeout=http.Timeout(read, connect=connect),
                http_client=DefaultAsyncHttpxClient(transport=waiting_transport(read, http)),
            )
        return self._client_instance

    def request_line(self, custom_id: str, request: ModelRequest) -> bytes:
        return json_line({"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": chat_body(request)})

    def model_accepts(self, model: str, option: str) -> bool:
        reasoning = bool(_REASONING_MODEL.match(model))
        return {"temperature": not reasoning, "reasoning_effort": reasoning}.get(option, False)

    async def upload(self, content: bytes, filename: str) -> str:
        async with _ERRORS.around("upload the request file"):
            uploaded = await self._client.files.create(file=(filename, content), purpose="batch")
        return answers.file_id(uploaded, "upload the request file")

    async def create(self, input_file_id: str | None, content: bytes, metadata: dict[str, str]) -> ProviderBatch:
        # No SDK retries here: a retried create could double-pay. The caller looks the batch up by its
        # metadata before trying again.
        assert input_file_id is not None, "OpenAI batches are created from an uploaded file"
        async with _ERRORS.around("create the batch"):
            batch = await self._client.with_options(max_retries=0).batches.create(
                input_file_id=input_file_id, endpoint=ENDPOINT, completion_window="24h", metadata=metadata
            )
        return answers.provider_batch(batch, "create the batch")

    async def complete(self, request: ModelRequest) -> LiveAnswer:
        """Chat completions with the same body a batch line carries (the SDK retries 429/5xx)."""
        async with _ERRORS.around("answer the request"):
            response = await self._client.chat.completions.create(**chat_body(request))
        usage = answers.usage_of(response.usage.to_dict() if response.usage else {})
        message = response.choices[0].message if response.choices else None
        refusal = message.refusal if message is not None and message.refusal else None
        content = message.content if message is not None and refusal is None else None
        return LiveAnswer(content, usage, refusal)

    async def retrieve(self, batch_id: str) -> ProviderBatch:
        async with _ERRORS.around(f"read batch {batch_id}"):
            batch = await self._client.batches.retrieve(batch_id)
        return answers.provider_batch(batch, f"read batch {batch_id}")

    async def list_batches(self) -> AsyncIterator[ProviderBatch]:
        async with _ERRORS.around("list batches"):
            async for batch in self._client.batches.list(limit=self.list_page_size):
                yield answers.provider_batch(batch, "list batches")

    async def list_page(self, after: str | None) -> BatchPage:
        from openai import omit

        async with _ERRORS.around("list batches"):
            page = await self._client.batches.list(limit=self.list_page_size, after=after or omit)
        return BatchPage([answers.provider_batch(batch, "list batches") for batch in page.data], bool(page.has_more))

    async def cancel(self, batch_id: str) -> ProviderBatch:
        async with _ERRORS.around(f"cancel batch {batch_id}"):
            batch = await self._client.batches.cancel(batch_id)
        return answers.provider_batch(batch, f"cancel batch {batch_id}")

    async def read_outcomes(self, file_id: str) -> AsyncIterator[ItemOutcome]:
        where = f"file {file_id}"
        async with (
            _ERRORS.around(f"download {where}"),
            self._client.files.with_streaming_response.content(file_id) as response,
        ):
            if "html" in response.headers.get("content-type", ""):
                raise not_json(answers.PROVIDER, f"download {where}", await response.text(), answers.SETTING)
            async for line in response.iter_lines():
                if line.strip():
                    yield answers.parse_result_line(line, where)

    async def close(self) -> None:
        if self._client_instance is not None:
            await self._client_instance.close()


def chat_body(request: ModelRequest) -> dict[str, Any]:
    """The /v1/chat/completions body for a request (what a batch line carries and the live call sends)."""
    system = [{"role": "system", "content": request.instructions}] if request.instructions else []
    body: dict[str, Any] = {
        "model": request.model,
        "messages": [*system, {"role": "user", "content": request.user_text}],
    }
    if request.answer is not None:
        spec = {"name": request.answer.name, "strict": request.answer.strict, "schema": request.answer.schema}
        body["response_format"] = {"type": "json_schema", "json_schema": spec}
    if request.cache_key is not None:
        body["prompt_cache_key"] = request.cache_key  # requests sharing a prefix reach the same cache
    if request.max_output_tokens is not None:
        body["max_completion_tokens"] = request.max_output_tokens
    options = request.options
    if options.temperature is not None:
        body["temperature"] = options.temperature
    if options.reasoning_effort is not None:
        body["reasoning_effort"] = options.reasoning_effort
    return body


def _from_settings(settings: Settings) -> OpenAIProvider:
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return OpenAIProvider(
        api_key=key,
        base_url=settings.openai_base_url,
        max_requests_per_batch=settings.openai_max_requests_per_batch,
        max_bytes_per_batch=settings.openai_max_bytes_per_batch,
        max_batches_per_hour=settings.openai_max_batches_per_hour,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
    )


PLUGIN = ProviderPlugin(
    name="openai",
    title="OpenAI Batch API",
    api_key_env="OPENAI_API_KEY",
    base_url_env="OPENAI_BASE_URL",
    factory=_from_settings,
    models=(
        "gpt-4o-mini",
        "gpt-4o",
        "gpt-4.1",
        "gpt-4.1-mini",
        "gpt-4.1-nano",
        "o4-mini",
        "o3",
        "gpt-5",
        "gpt-5-mini",
        "gpt-5-nano",
    ),
    notes="input uploaded as a JSONL file; batches carry metadata; structured output through json_schema",
)
