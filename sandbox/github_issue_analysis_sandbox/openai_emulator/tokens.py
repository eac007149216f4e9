"""Offline token counting with OpenAI's real encodings (tiktoken with shipped encoding files, see
`encodings`: o200k_base for gpt-4o/4.1/o-series/gpt-5, cl100k_base for older models).

Models without a shipped encoding fall back to an approximation that starts from the same first step the
real tokenizer takes, the GPT-4 (cl100k) pre-tokenizer regex, and adds the splits BPE makes inside pieces:

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
from typing import TYPE_CHECKING, Any

from .encodings import count_tokens, encoding_for

if TYPE_CHECKING:
    from tiktoken import Encoding

DEFAULT_MODEL = "gpt-4o"  # the encoding used when a request names no model the tokenizer knows

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


def count_text(text: str, model: str | None = None) -> int:
    """Tokens of `text` with the model's encoding (o200k_base without a model); the approximation when the
    model has no shipped encoding."""
    encoding = _encoding(model)
    return count_tokens(text, encoding) if encoding is not None else approximate_count(text)


def _encoding(model: str | None) -> Encoding | None:
    try:
        return encoding_for(model or DEFAULT_MODEL)
    except ValueError:  # the encoding file is missing or damaged: count approximately
        return None


def approximate_count(text: str) -> int:
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


def count_messages(messages: list[Any], model: str | None = None) -> int:
    """Prompt tokens of a chat request, with the cookbook's per-message overhead."""
    total = REPLY_PRIMING_TOKENS
    for message in messages:
        if not isinstance(message, dict):
            continue
        total += TOKENS_PER_MESSAGE + count_text(str(message.get("role", "")), model)
        total += count_text(content_text(message.get("content")), model)
        if message.get("name"):
            total += TOKENS_PER_NAME + count_text(str(message["name"]), model)
    return total


def count_request(endpoint: str, body: dict[str, Any]) -> int:
    """Prompt tokens of one batch request body for `/v1/chat/completions` or `/v1/responses`."""
    model = body.get("model") if isinstance(body.get("model"), str) else None
    if endpoint == "/v1/responses":
        messages: list[Any] = []
        if isinstance(body.get("instructions"), str):
            messages.append({"role": "developer", "content": body["instructions"]})
        request_input = body.get("input")
        if isinstance(request_input, str):
            messages.append({"role": "user", "content": request_input})
        elif isinstance(request_input, list):
            messages.extend(request_input)
        return count_messages(messages, model)
    messages_field = body.get("messages")
    return count_messages(messages_field if isinstance(messages_field, list) else [], model) + _schema_tokens(
        body.get("response_format"), model
    )


def _schema_tokens(response_format: Any, model: str | None) -> int:
    if not isinstance(response_format, dict) or not isinstance(response_format.get("json_schema"), dict):
        return 0
    return count_text(json.dumps(response_format["json_schema"], separators=(",", ":")), model)
