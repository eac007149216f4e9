"""Live `POST /v1/chat/completions`: one chat.completion answered at once by the offline labeller.

The same fault knobs as batches apply: latency and 429/5xx come from the route gate; `line_failure_rate`
answers 500, and the non-JSON, schema-violation and refusal rates shape the answer as they do in a batch.
"""

from __future__ import annotations

from typing import Any

from .answers import LineFault, hex_id, pick_fault, respond, unit_hash
from .chat_params import check_chat_body
from .emulator import OpenAIEmulator
from .errors import server_error
from .tokens import count_request

ENDPOINT = "/v1/chat/completions"


def _fault(emulator: OpenAIEmulator, serial: int) -> LineFault:
    config = emulator.config
    rates = [
        (LineFault.LINE_FAILURE, config.line_failure_rate),
        (LineFault.NON_JSON, config.non_json_rate),
        (LineFault.SCHEMA_VIOLATION, config.schema_violation_rate),
        (LineFault.REFUSAL, config.refusal_rate),
    ]
    return pick_fault(unit_hash(config.seed, "live", serial), rates)


def chat_completion(emulator: OpenAIEmulator, body: Any) -> dict[str, Any]:
    """The documented chat.completion object for one request (or an injected 500)."""
    checked = check_chat_body(body)
    emulator.stats.chat_completions += 1
    serial = emulator.stats.chat_completions
    fault = _fault(emulator, serial)
    if fault is not LineFault.NONE:
        emulator.stats.faults[f"live_{fault.value}"] += 1
    if fault is LineFault.LINE_FAILURE:
        raise server_error(500, emulator.config.retry_after_seconds)
    ident = hex_id(24, emulator.config.seed, "live", serial)
    request = {"custom_id": f"live-{serial}", "body": checked}
    tokens = count_request(ENDPOINT, checked)
    cached = emulator.prompt_cache.use(checked, tokens, emulator.now())
    outcome = respond(ENDPOINT, request, fault, ident, int(emulator.now()), tokens, cached)
    response: dict[str, Any] = outcome.line["response"]["body"]
    return response
