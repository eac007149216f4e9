"""Validation of a batch input file, as OpenAI does it while the batch is `validating`.

Error codes follow the documented ones (`invalid_json_line`, `duplicate_custom_id`, `url_mismatch`,
`model_mismatch`, `empty_file`, `too_many_tasks`). Where the documentation names no code the emulator uses
`missing_required_parameter` (a line without custom_id/body/model), `invalid_method` (method not POST) and
`file_too_large` (input over `max_file_bytes`). Blank lines are skipped (the docs are silent about them);
`line` is the 1-based line number in the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .tokens import count_request


@dataclass
class InputPlan:
    model: str | None = None
    custom_ids: list[str] = field(default_factory=list)
    prompt_tokens: list[int] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class InputLimits:
    max_requests: int
    max_bytes: int
    max_errors: int


def batch_error(code: str, message: str, line: int | None = None, param: str | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "param": param, "line": line}


def _line_error(request: Any, endpoint: str, plan: InputPlan, seen: set[str]) -> tuple[str, str, str | None] | None:
    if not isinstance(request, dict):
        return "invalid_json_line", "This line is not a JSON object.", None
    custom_id = request.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id:
        return "missing_required_parameter", "Missing required parameter: 'custom_id'.", "custom_id"
    if request.get("method") != "POST":
        return "invalid_method", "The method for this request must be 'POST'.", "method"
    if request.get("url") != endpoint:
        return "url_mismatch", "The URL provided for this request does not match the batch endpoint.", "url"
    body = request.get("body")
    if not isinstance(body, dict):
        return "missing_required_parameter", "Missing required parameter: 'body'.", "body"
    model = body.get("model")
    if not isinstance(model, str) or not model:
        return "missing_required_parameter", "Missing required parameter: 'body.model'.", "body.model"
    if plan.model is not None and model != plan.model:
        return (
            "model_mismatch",
            "The model of this request does not match the model of the other requests. "
            "All requests in a batch must use the same model.",
            "body.model",
        )
    if custom_id in seen:
        return (
            "duplicate_custom_id",
            "The custom_id for this request is a duplicate of another request. "
            "The custom_id parameter must be unique for each request in a batch.",
            "custom_id",
        )
    return None


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return _INVALID


_INVALID = object()


def validate_input(content: bytes, endpoint: str, limits: InputLimits) -> InputPlan:
    """Check every line; on success the plan holds custom_ids, the model and prompt tokens per line."""
    plan = InputPlan()
    if len(content) > limits.max_bytes:
        message = f"The input file is {len(content)} bytes; the maximum is {limits.max_bytes} bytes."
        plan.errors.append(batch_error("file_too_large", message))
        return plan
    lines = [(number, raw) for number, raw in enumerate(content.split(b"\n"), start=1) if raw.strip()]
    if not lines:
        plan.errors.append(batch_error("empty_file", "The batch input file is empty."))
        return plan
    if len(lines) > limits.max_requests:
        message = f"The batch input file has {len(lines)} requests; the maximum is {limits.max_requests}."
        plan.errors.append(batch_error("too_many_tasks", message))
        return plan
    seen: set[str] = set()
    for number, raw in lines:
        request = _parse(raw)
        if request is _INVALID:
            problem: tuple[str, str, str | None] | None = (
                "invalid_json_line",
                "This line is not parseable as valid JSON.",
                None,
            )
        else:
            problem = _line_error(request, endpoint, plan, seen)
        if problem is not None:
            plan.errors.append(batch_error(problem[0], problem[1], number, problem[2]))
            if len(plan.errors) >= limits.max_errors:
                break
            continue
        seen.add(request["custom_id"])
        plan.model = plan.model or request["body"]["model"]
        plan.custom_ids.append(request["custom_id"])
        if not plan.errors:
            plan.prompt_tokens.append(count_request(endpoint, request["body"]))
    return plan


def iter_requests(content: bytes) -> Iterator[dict[str, Any]]:
    """The requests of an input file that passed validation, in order."""
    for raw in content.split(b"\n"):
        if raw.strip():
            yield json.loads(raw)
