"""Offline token counting: a documented approximation of OpenAI's cl100k/o200k BPE tokenizers.

The real encodings cannot be loaded offline, so the count starts from the same first step the real
tokenizer takes, the GPT-4 (cl100k) pre-tokenizer regex, and adds the splits BPE makes inside pieces:

* every piece of the pre-tokenizer is 1 token (a word with its leading space, 1-3 digits, a punctuation
  run, a whitespace run);
* a run of ASCII letters longer than 8 counts `ceil(n / 6)` tokens instead of 1;
* a run of letters with non-ASCII characters counts `ceil(utf8_bytes / 3)` (a CJK character ≈ 1 token);
* a run of 4+ punctuation/symbol characters counts `ceil(n / 3)` instead of 1.

Chat messages add OpenAI's cookbook overhead ("How to count tokens with tiktoken", gpt-4/gpt-4o family):
3 tokens per message, +1 when the message has a `name`, and 3 tokens priming the reply. Only text parts
of message contents are counted, plus a structured-output schema (`response_format.json_schema`), which
OpenAI adds to the prompt and bills as input; tools and images are not counted.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# The cl100k pre-tokenizer with \p{L} written as [^\W\d_] and \p{N} as \d (stdlib `re` has no \p{..}).
_PIECE = re.compile(
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)"""
    r"""|(?:[^\r\n\w]|_)?[^\W\d_]+"""
    r"""|\d{1,3}"""
    r"""| ?(?:[^\s\w]|_)+[\r\n]*"""
    r"""|\s*[\r\n]+"""
    r"""|\s+(?!\S)"""
    r"""|\s+"""
)
_LETTERS = re.compile(r"[^\W\d_]+")
_LONG_ASCII_WORD = re.compile(r"[A-Za-z]{9,}")
_LONG_SYMBOLS = re.compile(r"(?:[^\s\w]|_){4,}")

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING_TOKENS = 3


def _word_extra(word: str) -> int:
    if word.isascii():
        return math.ceil(len(word) / 6) - 1 if len(word) > 8 else 0
    return max(1, math.ceil(len(word.encode("utf-8")) / 3)) - 1


def count_text(text: str) -> int:
    """Approximate number of BPE tokens in `text` (one per pre-tokenizer piece, plus the extras above)."""
    total = len(_PIECE.findall(text))
    if text.isascii():
        total += sum(math.ceil(len(word) / 6) - 1 for word in _LONG_ASCII_WORD.findall(text))
    else:
        total += sum(_word_extra(word) for word in _LETTERS.findall(text))
    total += sum(math.ceil(len(run) / 3) - 1 for run in _LONG_SYMBOLS.findall(text))
    return total


def content_text(content: Any) -> str:
    """The text of a message content: a string, or a list of parts with `text` (others ignored)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def count_messages(messages: list[Any]) -> int:
    """Prompt tokens of a chat request, with the cookbook's per-message overhead."""
    total = REPLY_PRIMING_TOKENS
    for message in messages:
        if not isinstance(message, dict):
            continue
        total += TOKENS_PER_MESSAGE + count_text(str(message.get("role", "")))
        total += count_text(content_text(message.get("content")))
        if message.get("name"):
            total += TOKENS_PER_NAME + count_text(str(message["name"]))
    return total


def count_request(endpoint: str, body: dict[str, Any]) -> int:
    """Prompt tokens of one batch request body for `/v1/chat/completions` or `/v1/responses`."""
    if endpoint == "/v1/responses":
        messages: list[Any] = []
        if isinstance(body.get("instructions"), str):
            messages.append({"role": "developer", "content": body["instructions"]})
        request_input = body.get("input")
        if isinstance(request_input, str):
            messages.append({"role": "user", "content": request_input})
        elif isinstance(request_input, list):
            messages.extend(request_input)
        return count_messages(messages)
    messages_field = body.get("messages")
    return count_messages(messages_field if isinstance(messages_field, list) else []) + _schema_tokens(
        body.get("response_format")
    )


def _schema_tokens(response_format: Any) -> int:
    if not isinstance(response_format, dict) or not isinstance(response_format.get("json_schema"), dict):
        return 0
    return count_text(json.dumps(response_format["json_schema"], separators=(",", ":")))
