"""The provider-neutral request a processor makes for one issue; each provider writes it in its own wire format.

A request is made of what every request of a run shares (the model, the instructions, the shared context, the
answer schema, the options) and the issue's own prompt, kept apart so that a provider can send the shared part
first as a prefix it caches. Nothing here knows any provider's field names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AnswerSchema:
    """The structured answer asked for: a named JSON schema. Processors share one instance per label set, so
    providers and estimates may convert or measure it once (treat `schema` as read-only)."""

    name: str
    schema: dict[str, Any]
    strict: bool = True  # every property required, no additional properties


@dataclass(frozen=True)
class RequestOptions:
    """Sampling options the run chose; None leaves the provider's default."""

    temperature: float | None = None
    reasoning_effort: str | None = None  # minimal, low, medium or high (reasoning models only)

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> RequestOptions:
        """From a group's stored `request_options` (only the options a provider accepted were stored)."""
        temperature = stored.get("temperature")
        effort = stored.get("reasoning_effort")
        return cls(
            temperature=float(temperature) if temperature is not None else None,
            reasoning_effort=str(effort) if effort is not None else None,
        )


@dataclass(frozen=True)
class ModelRequest:
    """One issue's request: `instructions` (system text), `context` (user text shared by every request of a
    run, sent before the prompt: the label list and the examples), `prompt` (the issue's own text), the
    answer schema and limits. `cache_key` names the shared prefix (instructions, context, schema) so that a
    provider can route requests sharing it to its prompt cache; providers mark `context` as cacheable."""

    model: str  # the provider's model name, without the provider prefix
    instructions: str
    prompt: str
    answer: AnswerSchema | None = None
    context: str = ""
    max_output_tokens: int | None = None  # None: the provider's default
    options: RequestOptions = field(default_factory=RequestOptions)
    cache_key: str | None = None

    @property
    def user_text(self) -> str:
        """The user turn as sent today: the shared context (if any), then the issue's prompt."""
        return f"{self.context}\n{self.prompt}" if self.context else self.prompt
