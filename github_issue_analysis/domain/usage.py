"""Token usage of one answer or many, in provider-neutral terms.

`input_tokens` counts every input token of the request; `cached_input_tokens` of them were read from the
provider's prompt cache and `cache_write_tokens` were written to it (both are parts of `input_tokens`, so the
tokens billed at the plain input price are `uncached_input_tokens`). Each provider maps its own fields onto
these: OpenAI's `prompt_tokens` already include `prompt_tokens_details.cached_tokens`; Anthropic's
`input_tokens` leave out `cache_read_input_tokens` and `cache_creation_input_tokens`, which are added."""

from __future__ import annotations

from dataclasses import asdict, astuple, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class TokenUsage:
    input_tokens: int = 0
    cached_input_tokens: int = 0
    cache_write_tokens: int = 0
    output_tokens: int = 0

    @property
    def uncached_input_tokens(self) -> int:
        return max(0, self.input_tokens - self.cached_input_tokens - self.cache_write_tokens)

    @property
    def cached_share(self) -> float:
        """The share of input tokens served from the cache (0 without input)."""
        return self.cached_input_tokens / self.input_tokens if self.input_tokens else 0.0

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(*(mine + theirs for mine, theirs in zip(astuple(self), astuple(other), strict=True)))

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The four counts' names, in field order: the keys of `document()` and the store's column names."""
        return tuple(field.name for field in fields(cls))

    def document(self) -> dict[str, int]:
        """The four counts by name: the JSON shape (`batch status`, `results show`) and the store's columns."""
        return asdict(self)

    @classmethod
    def from_document(cls, stored: dict[str, Any] | None) -> TokenUsage:
        stored = stored or {}
        return cls(*(int(stored.get(name) or 0) for name in cls.names()))

    @classmethod
    def from_row(cls, row: object) -> TokenUsage:
        """The counts of a store row, or of a record that mirrors one; a count not recorded (NULL) is 0."""
        return cls(*(int(getattr(row, name) or 0) for name in cls.names()))
