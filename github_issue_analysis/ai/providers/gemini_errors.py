"""Errors of the `google-genai` SDK as `ProviderError`, with messages that name the setting to check and never
carry the API key: `async with around("create the batch"):` around one SDK call.

The SDK raises `errors.ClientError` (4xx) and `errors.ServerError` (5xx) with the HTTP code, Google's status
word and message; a connection or timeout failure surfaces as the HTTP library's own exception. Gemini
answers a wrong key with 400 `API key not valid` (not 401), so that one is told apart by its words."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from .answers import MalformedAnswer
from .base import NotFoundAtProvider, ProviderError

KEY_ENV = "GEMINI_API_KEY"
URL_ENV = "GEMINI_BASE_URL"


@contextlib.asynccontextmanager
async def around(action: str) -> AsyncIterator[None]:
    try:
        yield
    except ProviderError:
        raise
    except Exception as error:
        translated = translate(error, action)
        if translated is None:
            raise
        raise translated from None


def translate(error: BaseException, action: str) -> ProviderError | None:
    from google.genai import errors

    if isinstance(error, errors.APIError):
        return _api_error(int(error.code or 0), str(error.status or ""), str(error.message or ""), action)
    family = type(error).__module__.split(".")[0]
    names = {cls.__name__ for cls in type(error).__mro__}
    if family in ("httpx", "httpx2", "httpcore"):
        if "TimeoutException" in names or "Timeout" in type(error).__name__:
            return ProviderError(
                f"Gemini did not answer the request to {action} in time (no answer within "
                "GH_ANALYSIS_READ_TIMEOUT seconds)",
                transient=True,
            )
        return ProviderError(f"could not reach Gemini to {action} ({type(error).__name__}); check {URL_ENV}", True)
    if isinstance(error, ValueError | TypeError | KeyError | AttributeError):
        return MalformedAnswer(
            f"Gemini answered the request to {action} with something that is not what the API documents; "
            f"check {URL_ENV} points at the API"
        )
    return None


def _api_error(code: int, status: str, message: str, action: str) -> ProviderError:
    said = (message or status or "request failed")[:300]
    if code == 401 or (code == 400 and "API key" in message):
        return ProviderError(f"Gemini rejected the API key (HTTP {code}): check {KEY_ENV}", status_code=401)
    if code == 403:
        return ProviderError(f"Gemini refused to {action} (HTTP 403): {said}; check {KEY_ENV}", status_code=403)
    if code == 404:
        return NotFoundAtProvider(f"Gemini could not {action} (HTTP 404): {said}", status_code=404)
    return ProviderError(
        f"Gemini could not {action} (HTTP {code} {status}): {said}".replace("  ", " "),
        transient=code >= 500 or code == 0,
        refused=code == 429,
        status_code=code or None,
    )
