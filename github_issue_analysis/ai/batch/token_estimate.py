"""Prompt-token counts for scheduling and cost lines.

OpenAI models are counted exactly with their own encoding (tiktoken with the encoding files shipped in a
package, see `github_issue_analysis.tokenizer`), plus the per-message overhead OpenAI documents for chat
requests. Models without a shipped encoding (Anthropic's, unknown names) fall back to a calibrated 4
characters per token. Counted are the texts every provider sends: the instructions, the shared context and
the prompt, one message overhead per turn, and the answer schema (sent with each request) like text.

A plan measures its requests with one `PromptTokens`. What the requests of a plan share (the instructions, the
shared context, the answer schema, the role names) is counted once; each request adds its own prompt. The
user turn is the context, a newline, then the prompt, and tiktoken splits text into pieces before it merges
bytes: a piece never runs from a newline into a letter, so when the prompt starts with a letter the user turn
counts exactly as the context with its newline plus the prompt (other prompts are counted whole).

Exact counting still costs time in a dry-run plan of 100,000 issues, so the first EXACT_SAMPLE prompts of a
plan (per encoding and answer schema) are counted exactly and the rest estimated from their length at the
ratio measured on those (within about 1%)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import orjson

from github_issue_analysis.domain.model_request import AnswerSchema, ModelRequest
from github_issue_analysis.tokenizer import count_tokens, encoding_for

if TYPE_CHECKING:
    from tiktoken import Encoding

CHARS_PER_TOKEN = 4.0
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3
EXACT_SAMPLE = 2_000

# Processors share one answer schema per label set; its size is measured once per encoding.
_SCHEMA_SIZE: dict[tuple[int, str], tuple[object, int]] = {}


@dataclass
class _Calibration:
    """Exact counts seen so far in a plan for one encoding and answer schema: prompts, their tokens and
    characters (the texts of every turn, role names included)."""

    prompts: int = 0
    tokens: int = 0
    chars: int = 0

    @property
    def learned(self) -> bool:
        return self.prompts >= EXACT_SAMPLE and self.chars > 0

    def add(self, tokens: int, chars: int) -> int:
        self.prompts, self.tokens, self.chars = self.prompts + 1, self.tokens + tokens, self.chars + chars
        return tokens

    def scaled(self, chars: int) -> int:
        return round(chars * self.tokens / self.chars)


@dataclass
class _Shared:
    """What the requests of a plan with the same model, instructions, context and schema share."""

    encoding: Encoding
    calibration: _Calibration
    text_tokens: int  # the role names and the instructions
    text_chars: int
    context_tokens: int  # the context and the newline before the prompt (0 without a context)
    context_chars: int
    fixed_tokens: int  # the schema and the message overheads


@dataclass
class PromptTokens:
    """The prompt-token estimates of one plan's requests (a new instance per plan: its calibration is the
    plan's own)."""

    _shared: dict[tuple[str, str, str, int], tuple[AnswerSchema | None, _Shared | None]] = field(default_factory=dict)
    _calibrations: dict[tuple[str, int], tuple[AnswerSchema | None, _Calibration]] = field(default_factory=dict)

    def estimate(self, request: ModelRequest) -> int:
        shared = self._shared_of(request)
        if shared is None:
            return estimate_by_characters(request)
        prompt, calibration = request.prompt, shared.calibration
        chars = shared.text_chars + shared.context_chars + len(prompt)
        if calibration.learned:
            return calibration.scaled(chars) + shared.fixed_tokens
        if not request.context or prompt[:1].isalpha():
            user_tokens = shared.context_tokens + count_tokens(prompt, shared.encoding)
        else:  # a prompt starting with a space, digit or mark may join the newline's piece: count it whole
            user_tokens = count_tokens(request.user_text, shared.encoding)
        return calibration.add(shared.text_tokens + user_tokens, chars) + shared.fixed_tokens

    def _shared_of(self, request: ModelRequest) -> _Shared | None:
        key = (request.model, request.instructions, request.context, id(request.answer))
        known = self._shared.get(key)
        if known is None or known[0] is not request.answer:
            known = (request.answer, self._measure_shared(request))
            self._shared[key] = known
        return known[1]

    def _measure_shared(self, request: ModelRequest) -> _Shared | None:
        encoding = _encoding(request.model)
        if encoding is None:
            return None
        texts = ["system", request.instructions, "user"] if request.instructions else ["user"]
        context = f"{request.context}\n" if request.context else ""
        fixed = TOKENS_PER_MESSAGE * len(_turns(request)) + TOKENS_PER_REPLY
        if request.answer is not None:
            fixed += _schema_size(request.answer, encoding)
        return _Shared(
            encoding,
            self._calibration(encoding, request.answer),
            sum(count_tokens(text, encoding) for text in texts),
            sum(len(text) for text in texts),
            count_tokens(context, encoding) if context else 0,
            len(context),
            fixed,
        )

    def _calibration(self, encoding: Encoding, answer: AnswerSchema | None) -> _Calibration:
        """One calibration per encoding and answer schema: requests sharing a schema object share a label set,
        so the ratio learned on the first prompts applies to the others."""
        key = (encoding.name, id(answer))
        known = self._calibrations.get(key)
        if known is None or known[0] is not answer:
            known = (answer, _Calibration())
            self._calibrations[key] = known
        return known[1]


def estimate_prompt_tokens(request: ModelRequest) -> int:
    """One request's prompt tokens, counted exactly when its model has a shipped encoding."""
    return PromptTokens().estimate(request)


def _turns(request: ModelRequest) -> list[tuple[str, str]]:
    """The (role, text) turns a request is sent as: the instructions (if any), then the user text."""
    system = [("system", request.instructions)] if request.instructions else []
    return [*system, ("user", request.user_text)]


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
