"""The output of an ended batch, built once (in a worker thread): inlined responses for inlined requests,
a JSONL file (one `{"key", "response"}` or `{"key", "error"}` line per request) for an input file.

Requests the batch ran get their answer (or their error); requests a cancelled batch never ran get a
CANCELLED error, so every request has exactly one entry.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..openai_emulator.answers import LineFault, hex_id
from .answers import Usage, build_response
from .errors import status_object
from .state import BatchRecord, BatchRequest

LINE_FAILURE_MESSAGE = "An internal error has occurred while processing this request (sandbox-injected fault)."
NOT_RUN_MESSAGE = "The request was not run: the batch was cancelled first."


@dataclass
class BuiltOutput:
    entries: list[dict[str, Any]] = field(default_factory=list)
    """Inlined responses, or the lines of the output file, in input order."""
    prompt_tokens: int = 0
    output_tokens: int = 0
    faults: Counter[str] = field(default_factory=Counter)


def _entry(batch: BatchRecord, index: int, request: BatchRequest, ran: bool, usage: Usage) -> dict[str, Any]:
    if not ran:
        return {"error": status_object("CANCELLED", NOT_RUN_MESSAGE)}
    if request.problem is not None:
        return {"error": request.problem}
    if request.fault is LineFault.LINE_FAILURE or request.request is None:
        return {"error": status_object("INTERNAL", LINE_FAILURE_MESSAGE)}
    ident = hex_id(22, "gemini", batch.id, index)
    return {"response": build_response(request.request, batch.model, request.fault, ident, usage)}


def build_output(batch: BatchRecord, usage: Usage) -> BuiltOutput:
    built = BuiltOutput()
    processed = batch.processed_at_end()
    for index, request in enumerate(batch.requests):
        entry = _entry(batch, index, request, index < processed, usage)
        if "response" in entry:
            metadata = entry["response"]["usageMetadata"]
            built.prompt_tokens += metadata.get("promptTokenCount", 0)
            built.output_tokens += metadata.get("candidatesTokenCount", 0) + metadata.get("thoughtsTokenCount", 0)
        if index < processed and request.fault is not LineFault.NONE:
            built.faults[request.fault.value] += 1
        if batch.input_file is None:
            built.entries.append({**entry, **({"metadata": request.metadata} if request.metadata is not None else {})})
        else:
            built.entries.append({**({"key": request.key} if request.key is not None else {}), **entry})
    return built


def output_file_content(entries: list[dict[str, Any]], seed: int, batch_id: str, shuffle: bool) -> bytes:
    order = list(range(len(entries)))
    if shuffle:
        random.Random(f"results:{seed}:{batch_id}").shuffle(order)
    return "".join(json.dumps(entries[index]) + "\n" for index in order).encode()
