"""Checks on what a provider answered, for every provider: an answer that is not what the API documents (an
HTML page from a proxy, JSON without an id) is one clear error, never a job left without a provider id."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .base import ProviderError

M = TypeVar("M", bound=BaseModel)


class MalformedAnswer(ProviderError):
    """The provider answered, but not with what its API documents. Not transient: asking again the same way
    gets the same answer. After a create, the batch may exist all the same (look it up before sending again)."""


def snippet(text: str, length: int = 60) -> str:
    """The start of an answer, whitespace collapsed, to say what came back."""
    flat = " ".join(text.split())
    return flat[:length] + ("…" if len(flat) > length else "")


def not_json(provider: str, action: str, text: str, setting: str) -> MalformedAnswer:
    return MalformedAnswer(
        f"{provider} answered the request to {action} with something that is not JSON "
        f"('{snippet(text)}'); check {setting} points at the API, not a web page or proxy"
    )


def checked(model: type[M], data: Any, provider: str, action: str, setting: str) -> M:
    """`data` validated as `model`, or MalformedAnswer naming the fields that were missing or wrong."""
    if isinstance(data, str | bytes):
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        raise not_json(provider, action, text, setting)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields = sorted({".".join(str(part) for part in issue["loc"]) or "answer" for issue in error.errors()})
        raise MalformedAnswer(
            f"{provider} answered the request to {action} without a valid {', '.join(fields[:4])}; "
            f"the answer is not what the API documents (check {setting})"
        ) from None
