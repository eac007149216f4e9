"""The provider interfaces: everything provider-specific (HTTP, limits, wire formats) lives behind them.

`BatchProvider` is the batch protocol and `LiveProvider` the live one; a provider class may implement both.
Both receive a provider-neutral `ModelRequest` and write their own wire format."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from github_issue_analysis.domain.model_request import ModelRequest
from github_issue_analysis.domain.provider_batches import ItemOutcome, ProviderBatch
from github_issue_analysis.domain.usage import TokenUsage
from github_issue_analysis.errors import MissingCredentials


class ProviderError(Exception):
    """A provider call failed; `transient` says whether trying again later may succeed; `refused` that the
    provider turned the request away before doing anything (HTTP 429: rate or queue limit)."""

    def __init__(
        self, message: str, transient: bool = False, refused: bool = False, status_code: int | None = None
    ) -> None:
        super().__init__(message)
        self.transient = transient or refused
        self.refused = refused
        self.status_code = status_code

    @property
    def credentials_rejected(self) -> bool:
        return self.status_code in (401, 403)


@dataclass(frozen=True)
class LiveAnswer:
    """One answer of a provider's live API: the structured output as JSON text, or why there is none."""

    content: str | None
    usage: TokenUsage = field(default_factory=TokenUsage)
    refusal: str | None = None


NO_HOURLY_CAP = 1_000_000  # providers that document no limit on batches created per hour


class NotFoundAtProvider(ProviderError):
    """The provider has no such object (HTTP 404): a batch deleted there, or one another account created."""


@dataclass(frozen=True)
class BatchPage:
    batches: list[ProviderBatch]
    has_more: bool


class Provider(ABC):
    """What every provider has: a name, its key and endpoint, and which request options a model accepts."""

    name: str
    api_key_env: str  # the setting that holds the key, named for messages
    temperature_range: tuple[float, float] = (0.0, 2.0)  # the documented range of the provider's `temperature`

    def __init__(self, api_key: str | None, base_url: str | None = None) -> None:
        self._api_key = api_key
        self._base_url = base_url

    @property
    def account(self) -> str:
        """Which account requests go to (the endpoint and a short fingerprint of the key, never the key nor
        any user, password or query of the URL): limits are kept per account."""
        import hashlib
        from urllib.parse import urlsplit

        fingerprint = hashlib.sha256((self._api_key or "").encode()).hexdigest()[:12]
        parts = urlsplit(self._base_url or "")
        endpoint = f"{parts.hostname or 'default'}{f':{parts.port}' if parts.port else ''}{parts.path}"
        return f"{endpoint}#key-{fingerprint}"

    @property
    def has_key(self) -> bool:
        return bool(self._api_key)

    def require_key(self) -> str:
        """The API key; the one check that a key is there (before anything is recorded or sent)."""
        if not self._api_key:
            raise MissingCredentials(self.name, self.api_key_env)
        return self._api_key

    @abstractmethod
    def model_accepts(self, model: str, option: str) -> bool:
        """Whether a model accepts a request option such as temperature or reasoning_effort."""

    @abstractmethod
    async def close(self) -> None: ...


class BatchProvider(Provider):
    """The batch protocol: request lines, upload, create, retrieve, list, cancel and result files, with the
    provider's documented limits beside it."""

    uploads_input: bool = True  # False: requests go inline with create (nothing to upload)
    has_metadata: bool = True  # False: a batch created before a crash is found by count and time window
    envelope_bytes: int = 0  # bytes a batch adds around its request lines (counted against max_bytes_per_batch)
    max_requests_per_batch: int
    max_bytes_per_batch: int
    max_batches_per_hour: int
    list_page_size: int = 100  # batches per list page: the most the provider's list endpoint returns at once

    @abstractmethod
    def request_line(self, custom_id: str, request: ModelRequest) -> bytes:
        """One line of the input file in the provider's wire format, newline included."""

    async def upload(self, content: bytes, filename: str) -> str:
        """Upload an input file; returns its file id (providers with `uploads_input`)."""
        raise NotImplementedError(f"{self.name} takes requests inline")

    @abstractmethod
    async def create(self, input_file_id: str | None, content: bytes, metadata: dict[str, str]) -> ProviderBatch:
        """Create a batch from an uploaded file or (providers without uploads) from the request lines."""

    @abstractmethod
    async def retrieve(self, batch_id: str) -> ProviderBatch: ...

    @abstractmethod
    def list_batches(self) -> AsyncIterator[ProviderBatch]:
        """Newest first, across every page."""

    async def list_page(self, after: str | None) -> BatchPage:
        """One page of the batch list, newest first: the `list_page_size` batches created just before the batch
        `after` (the newest when None). Providers without it are refreshed by single retrieves."""
        raise NotImplementedError(f"{self.name} lists no pages")

    @abstractmethod
    async def cancel(self, batch_id: str) -> ProviderBatch: ...

    @abstractmethod
    def read_outcomes(self, file_id: str) -> AsyncIterator[ItemOutcome]:
        """Stream an output or error file line by line as outcomes."""


class LiveProvider(Provider):
    """The live protocol: one request answered now."""

    @abstractmethod
    async def complete(self, request: ModelRequest) -> LiveAnswer:
        """One request through the provider's live API (the same request a batch line carries)."""


def sdk_http(sdk: Any) -> Any:
    """The httpx module an SDK's client is built on (the OpenAI SDK ships its own copy, `httpx2`)."""
    import importlib

    return importlib.import_module(sdk.DefaultAsyncHttpxClient.__mro__[1].__module__.split(".")[0])
