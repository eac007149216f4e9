"""Finalization: the output and error files of a batch, built once (in a worker thread) as bytes."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .answers import LineFault, hex_id, respond, unprocessed
from .prompt_cache import PromptCache
from .state import BatchRecord, BatchResult, BatchStatus
from .validation import iter_requests


@dataclass
class BuiltFiles:
    output: bytes
    error: bytes
    input_tokens: int
    output_tokens: int
    faults: Counter[str] = field(default_factory=Counter)
    cached_tokens: int = 0

    def result(self, output_file_id: str | None, error_file_id: str | None) -> BatchResult:
        return BatchResult(output_file_id, error_file_id, self.input_tokens, self.output_tokens, self.cached_tokens)


def _finished_at(batch: BatchRecord, status: BatchStatus) -> float:
    if status is BatchStatus.CANCELLED and batch.cancel_at is not None:
        return batch.cancel_at
    return batch.expired_at or batch.finalizing_at


def build_result(
    batch: BatchRecord, status: BatchStatus, seed: int, cache: PromptCache | None = None, now: float = 0.0
) -> BuiltFiles:
    """Lines processed before the batch stopped are answered, in input order, through the prompt cache; the
    rest are expired/cancelled errors."""
    cache = cache if cache is not None else PromptCache()
    done = batch.processed_at_end(status)
    created = int(_finished_at(batch, status))
    output: list[str] = []
    errors: list[str] = []
    built = BuiltFiles(b"", b"", 0, 0)
    requests = iter_requests(batch.input_content) if done else iter(())
    for index, custom_id in enumerate(batch.custom_ids):
        ident = hex_id(24, seed, batch.id, index)
        if index >= done:
            errors.append(json.dumps(unprocessed(custom_id, ident, status.value)))
            continue
        fault = batch.faults[index]
        request, tokens = next(requests), batch.prompt_tokens[index]
        hit = _cached(cache, batch.endpoint, request, tokens, now) if fault is not LineFault.LINE_FAILURE else 0
        outcome = respond(batch.endpoint, request, fault, ident, created, tokens, hit)
        built.cached_tokens += outcome.cached_tokens
        (output if outcome.ok else errors).append(json.dumps(outcome.line))
        built.input_tokens += outcome.prompt_tokens
        built.output_tokens += outcome.completion_tokens
        if fault is not LineFault.NONE:
            built.faults[fault.value] += 1
    built.output = ("\n".join(output) + "\n").encode() if output else b""
    built.error = ("\n".join(errors) + "\n").encode() if errors else b""
    return built


def _cached(cache: PromptCache, endpoint: str, request: dict[str, Any], prompt_tokens: int, now: float) -> int:
    body = request.get("body")
    if endpoint != "/v1/chat/completions" or not isinstance(body, dict):
        return 0
    return cache.use(body, prompt_tokens, now)
