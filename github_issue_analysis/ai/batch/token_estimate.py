"""Prompt-token estimates for scheduling and cost lines.

No tokenizer works offline here (tiktoken downloads its encodings at run time), so this is a calibrated
estimate: characters per token measured on issue prompts of the product-labeling processor, plus the
per-message overhead OpenAI documents for chat requests. The structured-output schema is sent with each
request and counted like text."""

from __future__ import annotations

from typing import Any

import orjson

CHARS_PER_TOKEN = 4.0
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3


# Processors share one response_format object per label set; its size is measured once.
_FORMAT_CHARS: dict[int, tuple[object, int]] = {}


def estimate_prompt_tokens(body: dict[str, Any]) -> int:
    messages = body.get("messages") or []
    chars = sum(len(str(m.get("content") or "")) for m in messages)
    response_format = body.get("response_format")
    if response_format:
        chars += _format_chars(response_format)
    return int(chars / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE * len(messages) + TOKENS_PER_REPLY


def _format_chars(response_format: object) -> int:
    known = _FORMAT_CHARS.get(id(response_format))
    if known is None or known[0] is not response_format:
        known = (response_format, len(orjson.dumps(response_format).decode()))
        _FORMAT_CHARS[id(response_format)] = known
    return known[1]
