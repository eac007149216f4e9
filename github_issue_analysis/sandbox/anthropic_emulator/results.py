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
from .state import BatchRecord, ResultType

LINE_FAILURE_MESSAGE = "Internal server error while processing this request (sandbox-injected line failure)."


@dataclass
class BuiltResults:
    content: bytes = b""
    input_tokens: int = 0
    output_tokens: int = 0
    faults: Counter[str] = field(default_factory=Counter)


def _result(batch: BatchRecord, index: int, kind: ResultType) -> dict[str, Any]:
    request = batch.requests[index]
    if kind is ResultType.SUCCEEDED:
        message = build_message(request.params, request.fault, make_ids(batch.id, index), "batch")
        return {"type": kind.value, "message": message}
    if kind is ResultType.ERRORED:
        error = ApiError(400, request.invalid) if request.invalid else ApiError(500, LINE_FAILURE_MESSAGE)
        return {"type": kind.value, "error": error.error_object()}
    return {"type": kind.value}


def build_results(batch: BatchRecord, seed: int, shuffle: bool) -> BuiltResults:
    built = BuiltResults()
    processed = batch.processed_at_end()
    order = list(range(batch.total))
    if shuffle:
        random.Random(f"results:{seed}:{batch.id}").shuffle(order)
    lines: list[str] = []
    for index in order:
        kind = batch.result_type(index, processed)
        result = _result(batch, index, kind)
        lines.append(json.dumps({"custom_id": batch.requests[index].custom_id, "result": result}))
        if kind is ResultType.SUCCEEDED:
            usage = result["message"]["usage"]
            built.input_tokens += usage["input_tokens"]
            built.output_tokens += usage["output_tokens"]
        fault = batch.requests[index].fault
        if index < processed and fault is not LineFault.NONE:
            built.faults[fault.value] += 1
    built.content = ("\n".join(lines) + "\n").encode() if lines else b""
    return built
