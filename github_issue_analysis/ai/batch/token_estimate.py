"""Prompt-token counts for scheduling and cost lines.

OpenAI models are counted exactly with their own encoding (tiktoken with the encoding files shipped in a
package, see `github_issue_analysis.tokenizer`), plus the per-message overhead OpenAI documents for chat
requests. Models without a shipped encoding (Anthropic's, unknown names) fall back to a calibrated 4
characters per token. The structured-output schema is sent with each request and counted like text.

Exact counting costs about 0.3 ms per issue prompt, too slow for dry-run plans of 100,000 issues (seconds
matter there). So the first EXACT_SAMPLE prompts of a plan (requests sharing one response format) are
counted exactly and the rest estimated from their length at the ratio measured on those (within about 1%)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from github_issue_analysis.tokenizer import count_tokens, encoding_for

if TYPE_CHECKING:
    from tiktoken import Encoding

CHARS_PER_TOKEN = 4.0
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3


# Processors share one response_format object per label set; its size is measured once per encoding.
_FORMAT_SIZE: dict[tuple[int, str], tuple[object, int]] = {}


EXACT_SAMPLE = 2_000


@dataclass
class _Calibration:
    """Exact counts seen so far for one encoding: how many prompts, their tokens and characters."""

    prompts: int = 0
    tokens: int = 0
    chars: int = 0

    def count(self, texts: list[str], encoding: Encoding) -> int:
        chars = sum(len(text) for text in texts)
        if self.prompts >= EXACT_SAMPLE and self.chars:
            return round(chars * self.tokens / self.chars)
        tokens = sum(count_tokens(text, encoding) for text in texts)
        self.prompts, self.tokens, self.chars = self.prompts + 1, self.tokens + tokens, self.chars + chars
        return tokens


# One calibration per encoding and response format: requests sharing a format object come from one plan (one
# label set), so the ratio learned on a plan's first prompts is applied to that plan's other prompts only.
_CALIBRATIONS: dict[tuple[str, int], tuple[object, _Calibration]] = {}


def _calibration(encoding: Encoding, response_format: object) -> _Calibration:
    key = (encoding.name, id(response_format))
    known = _CALIBRATIONS.get(key)
    if known is None or known[0] is not response_format:
        known = (response_format, _Calibration())
        _CALIBRATIONS[key] = known
    return known[1]


def estimate_prompt_tokens(body: dict[str, Any]) -> int:
    encoding = _encoding(body.get("model"))
    if encoding is None:
        return estimate_by_characters(body)
    messages = body.get("messages") or []
    texts = [str(m.get(key) or "") for m in messages for key in ("role", "content")]
    tokens = _calibration(encoding, body.get("response_format")).count(texts, encoding)
    response_format = body.get("response_format")
    if response_format:
        tokens += _format_size(response_format, encoding)
    return tokens + TOKENS_PER_MESSAGE * len(messages) + TOKENS_PER_REPLY


def estimate_by_characters(body: dict[str, Any]) -> int:
    """The fallback: 4 characters per token."""
    messages = body.get("messages") or []
    chars = sum(len(str(m.get("content") or "")) for m in messages)
    response_format = body.get("response_format")
    if response_format:
        chars += _format_size(response_format, None)
    return int(chars / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE * len(messages) + TOKENS_PER_REPLY


def _encoding(model: object) -> Encoding | None:
    if not isinstance(model, str):
        return None
    try:
        return encoding_for(model)
    except ValueError:  # the shipped encoding file is missing or damaged: estimate by characters
        return None


def _format_size(response_format: object, encoding: Encoding | None) -> int:
    """Tokens of the schema (characters without an encoding), measured once per format object."""
    key = (id(response_format), encoding.name if encoding else "")
    known = _FORMAT_SIZE.get(key)
    if known is None or known[0] is not response_format:
        schema = response_format.get("json_schema", response_format) if isinstance(response_format, dict) else {}
        text = orjson.dumps(schema).decode()
        known = (response_format, count_tokens(text, encoding) if encoding else len(text))
        _FORMAT_SIZE[key] = known
    return known[1]
