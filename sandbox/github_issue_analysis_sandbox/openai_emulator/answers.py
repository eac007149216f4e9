"""The response of one batch request: a chat.completion or a response object, or an injected fault."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .labeller import SOURCE, answer
from .tokens import content_text, count_text

REFUSAL_TEXT = "I'm sorry, but I can't help with that request. (sandbox-injected refusal)"
NON_JSON_TEXT = f"{SOURCE} (sandbox-injected fault): this answer is prose, not the JSON you asked for."


class LineFault(StrEnum):
    NONE = "none"
    LINE_FAILURE = "line_failure"
    NON_JSON = "non_json"
    SCHEMA_VIOLATION = "schema_violation"
    REFUSAL = "refusal"


def unit_hash(*parts: object) -> float:
    """A deterministic number in [0, 1) from the given parts."""
    digest = hashlib.sha256(":".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def hex_id(length: int, *parts: object) -> str:
    return hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()[:length]


def pick_fault(roll: float, rates: list[tuple[LineFault, float]]) -> LineFault:
    threshold = 0.0
    for fault, rate in rates:
        threshold += rate
        if roll < threshold:
            return fault
    return LineFault.NONE


def line_fault_for(settings: Any, *parts: object) -> LineFault:
    """The fault (or none) of one request line, from the emulator's per-line rates and its seed: the same line
    gets the same fault on every run."""
    rates = [
        (LineFault.LINE_FAILURE, settings.line_failure_rate),
        (LineFault.NON_JSON, settings.non_json_rate),
        (LineFault.SCHEMA_VIOLATION, settings.schema_violation_rate),
        (LineFault.REFUSAL, settings.refusal_rate),
    ]
    return pick_fault(unit_hash(settings.seed, *parts), rates)


@dataclass(frozen=True)
class LineOutcome:
    line: dict[str, Any]
    ok: bool
    """True: the line goes to the output file; False: to the error file."""
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int = 0


def _user_text(endpoint: str, body: dict[str, Any]) -> str:
    if endpoint == "/v1/responses":
        request_input = body.get("input")
        if isinstance(request_input, str):
            return request_input
        messages = request_input if isinstance(request_input, list) else []
    else:
        chat_messages = body.get("messages")
        messages = chat_messages if isinstance(chat_messages, list) else []
    return "\n".join(
        content_text(m.get("content")) for m in messages if isinstance(m, dict) and m.get("role", "user") == "user"
    )


def _requested_schema(endpoint: str, body: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
    if endpoint == "/v1/responses":
        text = body.get("text")
        fmt = text.get("format") if isinstance(text, dict) else None
    else:
        response_format = body.get("response_format")
        fmt = response_format.get("json_schema") if isinstance(response_format, dict) else None
        if isinstance(response_format, dict) and response_format.get("type") != "json_schema":
            fmt = None
    if isinstance(fmt, dict) and isinstance(fmt.get("schema"), dict):
        return fmt.get("name"), fmt["schema"]
    return None, None


def _content(endpoint: str, body: dict[str, Any], fault: LineFault) -> str | None:
    if fault is LineFault.REFUSAL:
        return None
    if fault is LineFault.NON_JSON:
        return NON_JSON_TEXT
    name, schema = _requested_schema(endpoint, body)
    content = answer(_user_text(endpoint, body), name, schema)
    if fault is LineFault.SCHEMA_VIOLATION and schema is not None:
        broken = json.loads(content)
        if isinstance(broken, dict) and broken:
            broken.pop(next(iter(broken)))
        else:
            broken = {"unexpected": f"{SOURCE}: sandbox-injected schema violation"}
        content = json.dumps(broken)
    return content


def _chat_body(
    body: dict[str, Any], content: str | None, ident: str, created: int, usage: tuple[int, int, int]
) -> dict[str, Any]:
    prompt, completion, cached = usage
    message: dict[str, Any] = {
        "role": "assistant",
        "content": content,
        "refusal": REFUSAL_TEXT if content is None else None,
        "annotations": [],
    }
    return {
        "id": f"chatcmpl-{ident}",
        "object": "chat.completion",
        "created": created,
        "model": body.get("model"),
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": "fp_sandbox",
    }


def _responses_body(
    body: dict[str, Any], content: str | None, ident: str, created: int, usage: tuple[int, int, int]
) -> dict[str, Any]:
    prompt, completion, cached = usage
    part: dict[str, Any] = (
        {"type": "refusal", "refusal": REFUSAL_TEXT}
        if content is None
        else {"type": "output_text", "text": content, "annotations": []}
    )
    return {
        "id": f"resp_{ident}",
        "object": "response",
        "created_at": created,
        "status": "completed",
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "model": body.get("model"),
        "output": [
            {
                "type": "message",
                "id": f"msg_{ident}",
                "status": "completed",
                "role": "assistant",
                "content": [part],
            }
        ],
        "parallel_tool_calls": True,
        "text": body.get("text", {"format": {"type": "text"}}),
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": prompt,
            "input_tokens_details": {"cached_tokens": cached},
            "output_tokens": completion,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": prompt + completion,
        },
        "metadata": {},
    }


SERVER_ERROR_BODY = {
    "error": {
        "message": "The server had an error processing your request (sandbox-injected line failure).",
        "type": "server_error",
        "param": None,
        "code": None,
    }
}


def respond(
    endpoint: str,
    request: dict[str, Any],
    fault: LineFault,
    ident: str,
    created: int,
    prompt_tokens: int,
    cached_tokens: int = 0,
) -> LineOutcome:
    """The output-file (or error-file) line for one request of the input file; `cached_tokens` of the
    prompt came from the prompt cache (see prompt_cache.py)."""
    head = {"id": f"batch_req_{ident}", "custom_id": request["custom_id"]}
    request_id = f"req_{ident}"
    if fault is LineFault.LINE_FAILURE:
        response = {"status_code": 500, "request_id": request_id, "body": SERVER_ERROR_BODY}
        return LineOutcome({**head, "response": response, "error": None}, False, 0, 0)
    body = request["body"]
    content = _content(endpoint, body, fault)
    model = body.get("model") if isinstance(body.get("model"), str) else None
    completion_tokens = count_text(content if content is not None else REFUSAL_TEXT, model)
    build = _responses_body if endpoint == "/v1/responses" else _chat_body
    answer_body = build(body, content, ident, created, (prompt_tokens, completion_tokens, cached_tokens))
    response = {"status_code": 200, "request_id": request_id, "body": answer_body}
    line = {**head, "response": response, "error": None}
    return LineOutcome(line, True, prompt_tokens, completion_tokens, cached_tokens)


UNPROCESSED_ERRORS = {
    "expired": ("batch_expired", "This request could not be executed before the completion window expired."),
    "cancelled": ("batch_cancelled", "This request was not executed because the batch was cancelled."),
}


def unprocessed(custom_id: str, ident: str, reason: str) -> dict[str, Any]:
    """The error-file line of a request the batch never ran (expired or cancelled)."""
    code, message = UNPROCESSED_ERRORS[reason]
    return {
        "id": f"batch_req_{ident}",
        "custom_id": custom_id,
        "response": None,
        "error": {"code": code, "message": message},
    }
