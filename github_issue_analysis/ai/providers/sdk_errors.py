"""Exceptions of the official provider SDKs (both generated alike: the same class names) as ProviderError,
with messages that name the setting to check and never carry the API key. The SDK is imported only when a
call failed, so a provider module costs nothing to import."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from .answers import MalformedAnswer
from .base import NotFoundAtProvider, ProviderError


@dataclass(frozen=True)
class SdkErrors:
    sdk: str  # the SDK's module: "openai" or "anthropic"
    provider: str  # the provider's name in messages
    key_env: str
    url_env: str
    base_error: str  # the SDK's root exception class

    def around(self, action: str) -> TranslatedErrors:
        return TranslatedErrors(self, action)


class TranslatedErrors:
    """`async with errors.around("create the batch"):` around one SDK call."""

    def __init__(self, errors: SdkErrors, action: str) -> None:
        self.errors = errors
        self.action = action

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        if exc is not None:
            translated = self._translate(exc)
            if translated is not None:
                raise translated from None

    def _translate(self, exc: BaseException) -> ProviderError | None:
        sdk = importlib.import_module(self.errors.sdk)
        who, action, url_env = self.errors.provider, self.action, self.errors.url_env
        if isinstance(exc, sdk.AuthenticationError):
            return ProviderError(f"{who} rejected the API key (HTTP 401): check {self.errors.key_env}", status_code=401)
        if isinstance(exc, sdk.PermissionDeniedError):
            return ProviderError(f"{who} refused to {action} (HTTP 403): check the key's permissions", status_code=403)
        if isinstance(exc, sdk.NotFoundError):
            return NotFoundAtProvider(f"{who} could not {action} (HTTP 404): {error_message(exc)}", status_code=404)
        if isinstance(exc, sdk.APIStatusError):
            return ProviderError(
                f"{who} could not {action} (HTTP {exc.status_code}): {error_message(exc)}",
                transient=exc.status_code >= 500,
                refused=exc.status_code == 429,
                status_code=exc.status_code,
            )
        if isinstance(exc, sdk.APIResponseValidationError | ValueError | TypeError | AttributeError):
            return MalformedAnswer(
                f"{who} answered the request to {action} with something that is not what the API "
                f"documents; check {url_env} points at the API"
            )
        if isinstance(exc, sdk.APITimeoutError):
            return ProviderError(
                f"{who} did not answer the request to {action} in time (no answer within "
                "GH_ANALYSIS_READ_TIMEOUT seconds, or no connection within GH_ANALYSIS_CONNECT_TIMEOUT)",
                transient=True,
            )
        if isinstance(exc, sdk.APIConnectionError):
            return ProviderError(
                f"could not reach {who} to {action} ({type(exc).__name__}); check {url_env}", transient=True
            )
        if isinstance(exc, getattr(sdk, self.errors.base_error)):
            return ProviderError(f"{who} could not {action}: {exc}")
        return None


def error_message(exc: Any) -> str:
    """The provider's own words from an error body (OpenAI: `{message}`; Anthropic: `{error: {message}}`)."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        message = body.get("message") or (body.get("error") or {}).get("message")
        if message:
            return str(message)[:300]
    return "request failed"
