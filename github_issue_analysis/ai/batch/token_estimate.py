"""Prompt-token counts for scheduling and cost lines.

OpenAI models are counted exactly with their own encoding (tiktoken with the encoding files shipped in a
package, see `github_issue_analysis.tokenizer`), plus the per-message overhead OpenAI documents for chat
requests. Models without a shipped encoding (Anthropic's, unknown names) fall back to a calibrated 4
characters per token. Counted are the texts every provider sends: the instructions, the shared context and
the prompt, one message overhead per turn, and the answer schema (sent with each request) like text.

Exact counting costs about 0.3 ms per issue prompt, too slow for dry-run plans of 100,000 issues (seconds
matter there). So the first EXACT_SAMPLE prompts of a plan (requests sharing one answer schema) are
counted exactly and the rest estimated from their length at the ratio measured on those (within about 1%)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson

from github_issue_analysis.domain.model_request import AnswerSchema, ModelRequest
from github_issue_analysis.tokenizer import count_tokens, encoding_for

if TYPE_CHECKING:
    from tiktoken import Encoding

CHARS_PER_TOKEN = 4.0
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3


# Processors share one answer schema per label set; its size is measured once per encoding.
_SCHEMA_SIZE: dict[tuple[int, str], tuple[object, int]] = {}


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


# One calibration per encoding and answer schema: requests sharing a schema object come from one plan (one
# label set), so the ratio learned on a plan's first prompts is applied to that plan's other prompts only.
_CALIBRATIONS: dict[tuple[str, int], tuple[object, _Calibration]] = {}


def _calibration(encoding: Encoding, answer: AnswerSchema | None) -> _Calibration:
    key = (encoding.name, id(answer))
    known = _CALIBRATIONS.get(key)
    if known is None or known[0] is not answer:
        known = (answer, _Calibration())
        _CALIBRATIONS[key] = known
    return known[1]


def _turns(request: ModelRequest) -> list[tuple[str, str]]:
    """The (role, text) turns a request is sent as: the instructions (if any), then the user text."""
    system = [("system", request.instructions)] if request.instructions else []
    return [*system, ("user", request.user_text)]


def estimate_prompt_tokens(request: ModelRequest) -> int:
    encoding = _encoding(request.model)
    if encoding is None:
        return estimate_by_characters(request)
    turns = _turns(request)
    texts = [text for turn in turns for text in turn]
    tokens = _calibration(encoding, request.answer).count(texts, encoding)
    if request.answer is not None:
        tokens += _schema_size(request.answer, encoding)
    return tokens + TOKENS_PER_MESSAGE * len(turns) + TOKENS_PER_REPLY


def estimate_by_characters(request: ModelRequest) -> int:
    """The fallback: 4 characters per token."""
    turns = _turns(request)
    chars = sum(len(text) for _, text in turns)
    if request.answer is not None:
        chars += _schema_size(request.answer, None)
    return int(chars / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE * len(turns) + TOKENS_PER_REPLY


def _encoding(model: object) -> Encoding | None:
    if not isinstance(model, str):
        return None
    try:
        return encoding_for(model)
    except ValueError:  # the shipped encoding file is missing or damaged: estimate by characters
        return None


def _schema_size(answer: AnswerSchema, encoding: Encoding | None) -> int:
    """Tokens of the schema (characters without an encoding), measured once per schema object."""
    key = (id(answer), encoding.name if encoding else "")
    known = _SCHEMA_SIZE.get(key)
    if known is None or known[0] is not answer:
        text = orjson.dumps({"name": answer.name, "strict": answer.strict, "schema": answer.schema}).decode()
        known = (answer, count_tokens(text, encoding) if encoding else len(text))
        _SCHEMA_SIZE[key] = known
    return known[1]
