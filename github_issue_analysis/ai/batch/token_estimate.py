"""Prompt-token estimates for scheduling and cost lines.

No tokenizer works offline here (tiktoken downloads its encodings at run time), so this is a calibrated
estimate: characters per token measured on issue prompts of the product-labeling processor, plus the
per-message overhead OpenAI documents for chat requests. The structured-output schema is sent with each
request and counted like text."""

from __future__ import annotations

import json
from typing import Any

CHARS_PER_TOKEN = 4.0
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3


def estimate_prompt_tokens(body: dict[str, Any]) -> int:
    messages = body.get("messages") or []
    chars = sum(len(str(m.get("content") or "")) for m in messages)
    response_format = body.get("response_format")
    if response_format:
        chars += len(json.dumps(response_format, separators=(",", ":")))
    return int(chars / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE * len(messages) + TOKENS_PER_REPLY
