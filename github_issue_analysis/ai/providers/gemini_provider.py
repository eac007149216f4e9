"""Gemini batch mode (and the live `generateContent`) through the official `google-genai` SDK, imported only
when a Gemini call is made.

A batch goes inline (`batches.create` with `InlinedRequest`s) while its requests stay under the documented
20 MB of a create request, and as an uploaded JSONL input file (one `{"key", "request"}` line each, up to
2 GB) above it. Gemini's create is not idempotent and a batch carries no metadata, but its required
`display_name` is ours to choose: it names the group, job and attempt (`gemini_wire.display_name`), so after
a crash the finder (`ai/batch/finder.py`) adopts the batch of that name instead of creating another; two
batches of one name are reported, never resent. Status and list pages are read as the API writes them
(the SDK's `BatchJob` drops `batchStats` and the operation's error), through the SDK's own HTTP client."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode

import orjson

from github_issue_analysis.config import Settings
from github_issue_analysis.domain.jobs import ItemErrorKind, JobStatus
from github_issue_analysis.domain.model_request import ModelRequest
from github_issue_analysis.domain.provider_batches import ItemOutcome, ProviderBatch

from . import gemini_batches as batches
from .answers import MalformedAnswer, not_json
from .base import NO_HOURLY_CAP, BatchPage, BatchProvider, LiveAnswer, LiveProvider
from .gemini_errors import URL_ENV, around
from .gemini_wire import CUSTOM_ID, content_config, display_name, generate_content_request, inlined_requests
from .plugin import ProviderPlugin

if TYPE_CHECKING:
    from google import genai

API_VERSION: Final = "v1beta"  # batch mode is documented in v1beta (the SDK's default is v1)
MAX_INLINE_BYTES: Final = 20 * 1024 * 1024  # documented: inlined requests while the create stays under 20 MB
MAX_FILE_BYTES: Final = 2 * 1024 * 1024 * 1024  # documented: an input file of up to 2 GB
# Bytes an inlined request adds to its file line (`{"request":…,"metadata":{"key":…}}` against
# `{"key":…,"request":…}`), and the create body around the requests (model, display name, nesting).
INLINE_OVERHEAD_PER_REQUEST: Final = 32
ENVELOPE_BYTES: Final = 512
CREATE_ONCE: Final = {"retry_options": {"attempts": 1}}  # never retried by the SDK: a retry could pay twice


class GeminiProvider(BatchProvider, LiveProvider):
    name = "gemini"
    api_key_env = "GEMINI_API_KEY"
    uploads_input = False  # create uploads the input file itself when the batch is too large to go inline
    has_metadata = True  # the display name carries the group, job and attempt (see gemini_wire)
    envelope_bytes = ENVELOPE_BYTES
    list_page_size = 1000  # the most one list page returns
    temperature_range = (0.0, 2.0)

    def __init__(
        self,
        api_key: str | None,
        base_url: str | None = None,
        max_requests_per_batch: int = 100_000,
        max_bytes_per_batch: int = MAX_FILE_BYTES,
        max_inline_bytes: int = MAX_INLINE_BYTES,
        max_batches_per_hour: int = NO_HOURLY_CAP,
        read_timeout: float = 60.0,
        retry_seconds: float = 0.5,
        attempts: int = 6,
    ) -> None:
        super().__init__(api_key, base_url)
        self.max_requests_per_batch = max_requests_per_batch
        self.max_bytes_per_batch = max_bytes_per_batch
        self.max_inline_bytes = max_inline_bytes
        self.max_batches_per_hour = max_batches_per_hour
        self._read_timeout = read_timeout
        self._retry = (retry_seconds, attempts)
        self._client_instance: genai.Client | None = None
        self._page_tokens: dict[str, str] = {}  # last batch of a list page -> the token of the next page

    @property
    def _client(self) -> genai.Client:
        """Created on first use, so planning and dry runs need neither a key nor the SDK import."""
        if self._client_instance is None:
            api_key = self.require_key()
            from google import genai
            from google.genai import types

            from github_issue_analysis.waiting import waiting_transport

            delay, attempts = self._retry
            options = types.HttpOptions(
                base_url=self._base_url,
                api_version=API_VERSION,
                timeout=int(self._read_timeout * 1000),
                retry_options=types.HttpRetryOptions(attempts=attempts, initial_delay=delay, max_delay=16 * delay),
                # Slow calls are reported as for the other providers (the SDK's async client on our transport).
                async_client_args={"transport": waiting_transport(self._read_timeout, _http_module())},
            )
            self._client_instance = genai.Client(api_key=api_key, vertexai=False, http_options=options)
        return self._client_instance

    def request_line(self, custom_id: str, request: ModelRequest) -> bytes:
        """`{"key", "request"}`; the request names its model, which `create` takes out again."""
        if not CUSTOM_ID.fullmatch(custom_id):
            raise ValueError(f"custom_id {custom_id!r} is not 1-64 characters of [A-Za-z0-9_-]")
        body = {"model": f"models/{request.model}", **generate_content_request(request)}
        return orjson.dumps({"key": custom_id, "request": body}) + b"\n"

    def model_accepts(self, model: str, option: str) -> bool:
        if option == "temperature":
            return True
        return option == "reasoning_effort" and model.startswith("gemini-2.5")

    def inline(self, content: bytes, requests: int) -> bool:
        """Whether a batch goes inline: its create request stays under the inline limit."""
        return len(content) + requests * INLINE_OVERHEAD_PER_REQUEST + ENVELOPE_BYTES <= self.max_inline_bytes

    async def create(self, input_file_id: str | None, content: bytes, metadata: dict[str, str]) -> ProviderBatch:
        lines = [orjson.loads(line) for line in content.splitlines() if line.strip()]
        models = {str(line["request"].pop("model", "")).removeprefix("models/") for line in lines}
        if len(models) != 1:
            raise ValueError(f"a Gemini batch runs one model; these requests name {sorted(models)}")
        name = display_name(metadata)
        config = {"display_name": name, "http_options": CREATE_ONCE}
        src: Any
        if self.inline(content, len(lines)):
            src = inlined_requests(lines)
        else:
            src = await self.upload(b"".join(orjson.dumps(line) + b"\n" for line in lines), name)
        async with around("create the batch"):
            job = await self._client.aio.batches.create(model=models.pop(), src=src, config=config)  # type: ignore[arg-type]
        return batches.created_batch(job, len(lines))

    async def upload(self, content: bytes, filename: str) -> str:
        """Upload a JSONL input file; its name (`files/…`). Files are kept 48 hours."""
        from google.genai import types

        config = types.UploadFileConfig(mime_type="jsonl", display_name=filename)
        async with around("upload the request file"):
            uploaded = await self._client.aio.files.upload(file=io.BytesIO(content), config=config)
        if not isinstance(uploaded.name, str) or not uploaded.name.startswith("files/"):
            raise MalformedAnswer(f"Gemini answered the upload without a file name; check {URL_ENV}")
        return uploaded.name

    async def _get(self, path: str, action: str) -> Any:
        """A GET as the API answers it (JSON), through the SDK's HTTP client (key, base URL, retries)."""
        async with around(action):
            response = await self._client.aio._api_client.async_request("get", path, {})
        try:
            return orjson.loads(response.body or "{}")
        except orjson.JSONDecodeError:
            raise not_json("Gemini", action, str(response.body), URL_ENV) from None

    async def retrieve(self, batch_id: str) -> ProviderBatch:
        action = f"read batch {batch_id}"
        return batches.provider_batch(await self._get(batch_id, action), action)

    async def list_batches(self) -> AsyncIterator[ProviderBatch]:
        token: str | None = None
        while True:
            listed, token = await self._read_page(token)
            for batch in listed:
                yield batch
            if token is None:
                return

    async def list_page(self, after: str | None) -> BatchPage:
        """One page, newest first. Gemini pages by an opaque token, known once a page ending with `after` was
        read; for another `after`, pages are read from the newest until one holds it, and the rest of that
        page is the answer (fewer than a page; `has_more` says whether the list goes on)."""
        token = self._page_tokens.get(after) if after else None
        if after is None or token is not None:
            listed, token = await self._read_page(token)
            return BatchPage(listed, token is not None)
        token = None
        while True:
            listed, token = await self._read_page(token)
            ids = [batch.id for batch in listed]
            if after in ids:
                rest = listed[ids.index(after) + 1 :]
                if rest or token is None:
                    return BatchPage(rest, token is not None)
                listed, token = await self._read_page(token)
                return BatchPage(listed, token is not None)
            if token is None:
                return BatchPage([], False)

    async def _read_page(self, token: str | None) -> tuple[list[ProviderBatch], str | None]:
        query = {"pageSize": self.list_page_size, **({"pageToken": token} if token else {})}
        page = await self._get(f"batches?{urlencode(query)}", "list batches")
        if not isinstance(page, dict):
            raise MalformedAnswer(f"Gemini answered the batch list with something else; check {URL_ENV}")
        listed = [batches.provider_batch(operation, "list batches") for operation in page.get("operations") or []]
        following = page.get("nextPageToken") or None
        if listed and following:
            self._page_tokens[listed[-1].id] = str(following)
        return listed, following

    async def cancel(self, batch_id: str) -> ProviderBatch:
        """Asked to cancel, a batch stays RUNNING until it has stopped: until then it is `cancelling` here."""
        async with around(f"cancel batch {batch_id}"):
            await self._client.aio.batches.cancel(name=batch_id)
        batch = await self.retrieve(batch_id)
        return batch if batch.status.is_terminal else dataclasses.replace(batch, status=JobStatus.CANCELLING)

    async def delete(self, batch_id: str) -> None:
        """Delete a batch at the provider (documented: it is not cancelled by this)."""
        async with around(f"delete batch {batch_id}"):
            await self._client.aio.batches.delete(name=batch_id)

    async def read_outcomes(self, file_id: str) -> AsyncIterator[ItemOutcome]:
        """The results of an ended batch: its inlined responses (`file_id` is the batch) or its output file,
        whose lines come in any order (each names its request by `key`)."""
        if file_id.startswith("batches/"):
            action = f"read the results of batch {file_id}"
            for outcome in batches.inlined_outcomes(await self._get(file_id, action), action):
                yield outcome
            return
        action = f"download {file_id}"
        async with around(action):
            content = await self._client.aio.files.download(file=file_id)
        for line in content.splitlines():
            if not line.strip():
                continue
            try:
                entry = orjson.loads(line)
            except orjson.JSONDecodeError:
                raise not_json("Gemini", action, line.decode("utf-8", "replace"), URL_ENV) from None
            yield batches.outcome(str(entry.get("key") or ""), entry)

    async def complete(self, request: ModelRequest) -> LiveAnswer:
        """`generate_content` with the same request a batch line carries (the SDK retries 429 and 5xx)."""
        body = generate_content_request(request)
        async with around("answer the request"):
            response = await self._client.aio.models.generate_content(
                model=request.model, contents=body["contents"], config=content_config(body)
            )
        entry = {"response": response.model_dump(mode="json", by_alias=True, exclude_none=True)}
        outcome = batches.outcome("", entry)
        if outcome.error_kind is ItemErrorKind.REFUSAL:
            return LiveAnswer(None, outcome.usage, refusal=outcome.error_message)
        return LiveAnswer(outcome.content, outcome.usage)

    async def close(self) -> None:
        if self._client_instance is not None:
            await self._client_instance.aio.aclose()
            self._client_instance.close()


def _http_module() -> Any:
    """The HTTP library the SDK builds its clients on: its fork `httpx2` when installed, else `httpx`."""
    import importlib

    try:
        return importlib.import_module("httpx2")
    except ImportError:
        return importlib.import_module("httpx")


def _from_settings(settings: Settings) -> GeminiProvider:
    key = settings.gemini_api_key.get_secret_value() if settings.gemini_api_key else None
    return GeminiProvider(
        api_key=key,
        base_url=settings.gemini_base_url,
        max_requests_per_batch=settings.gemini_max_requests_per_batch,
        max_bytes_per_batch=settings.gemini_max_bytes_per_batch,
        max_inline_bytes=settings.gemini_max_inline_bytes,
        read_timeout=settings.read_timeout,
        retry_seconds=settings.retry_seconds,
    )


PLUGIN = ProviderPlugin(
    name="gemini",
    title="Gemini API batch mode",
    api_key_env="GEMINI_API_KEY",
    base_url_env="GEMINI_BASE_URL",
    factory=_from_settings,
    models=("gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.5-pro", "gemini-2.0-flash", "gemini-2.0-flash-lite"),
    notes=(
        "inline under 20 MB, an uploaded JSONL file above; the display name names group and job "
        "(no metadata); structured output through responseJsonSchema; thinking billed as output"
    ),
)
