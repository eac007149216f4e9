"""The results file of an ended batch: one JSON line per request, built once (in a worker thread)."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..openai_emulator.answers import LineFault
from .answers import build_message, make_ids
from .errors import ApiError
from .prompt_cache import PromptCache
from .state import BatchRecord, ResultType

LINE_FAILURE_MESSAGE = "Internal server error while processing this request (sandbox-injected line failure)."


@dataclass
class BuiltResults:
    content: bytes = b""
    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    cache_write_tokens: int = 0
    faults: Counter[str] = field(default_factory=Counter)


def _result(batch: BatchRecord, index: int, kind: ResultType, cache: PromptCache, now: float) -> dict[str, Any]:
    request = batch.requests[index]
    if kind is ResultType.SUCCEEDED:
        use = cache.use(request.params, now) if request.fault is not LineFault.LINE_FAILURE else None
        tokens = (use.read, use.written) if use is not None else (0, 0)
        message = build_message(request.params, request.fault, make_ids(batch.id, index), "batch", tokens)
        return {"type": kind.value, "message": message}
    if kind is ResultType.ERRORED:
        error = ApiError(400, request.invalid) if request.invalid else ApiError(500, LINE_FAILURE_MESSAGE)
        return {"type": kind.value, "error": error.error_object()}
    return {"type": kind.value}


def build_results(
    batch: BatchRecord, seed: int, shuffle: bool, cache: PromptCache | None = None, now: float = 0.0
) -> BuiltResults:
    """The results, requests answered in the order they were sent (so the first of a shared prefix writes
    the cache and the rest read it), then listed in the documented (possibly shuffled) order."""
    built = BuiltResults()
    processed = batch.processed_at_end()
    cache = cache if cache is not None else PromptCache()
    results = {
        index: _result(batch, index, batch.result_type(index, processed), cache, now) for index in range(batch.total)
    }
    order = list(range(batch.total))
    if shuffle:
        random.Random(f"results:{seed}:{batch.id}").shuffle(order)
    lines: list[str] = []
    for index in order:
        kind = batch.result_type(index, processed)
        result = results[index]
        lines.append(json.dumps({"custom_id": batch.requests[index].custom_id, "result": result}))
        if kind is ResultType.SUCCEEDED:
            usage = result["message"]["usage"]
            built.input_tokens += usage["input_tokens"]
            built.output_tokens += usage["output_tokens"]
            built.cached_input_tokens += usage["cache_read_input_tokens"]
            built.cache_write_tokens += usage["cache_creation_input_tokens"]
        fault = batch.requests[index].fault
        if index < processed and fault is not LineFault.NONE:
            built.faults[fault.value] += 1
    built.content = ("\n".join(lines) + "\n").encode() if lines else b""
    return built
