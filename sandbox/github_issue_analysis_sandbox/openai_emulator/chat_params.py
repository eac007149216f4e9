"""Checks of a live `POST /v1/chat/completions` body, worded as OpenAI words them (400 on a problem).

With `response_format: {type: "json_schema", json_schema: {name, strict, schema}}` and `strict: true`, the
schema must follow the documented structured-output subset: every object sets `additionalProperties: false`
and lists every property in `required` (`invalid_json_schema` otherwise).
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ApiError, invalid

ROLES = ("system", "developer", "user", "assistant", "tool", "function")
SCHEMA_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
FORMAT_TYPES = ("text", "json_object", "json_schema")


def _missing(param: str) -> ApiError:
    return invalid(f"Missing required parameter: '{param}'.", param=param, code="missing_required_parameter")


def _check_messages(messages: Any) -> None:
    if messages is None:
        raise _missing("messages")
    if not isinstance(messages, list):
        raise invalid("Invalid type for 'messages': expected an array.", param="messages", code="invalid_type")
    if not messages:
        raise invalid(
            "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            param="messages",
            code="empty_array",
        )
    for index, message in enumerate(messages):
        role = message.get("role") if isinstance(message, dict) else None
        if role not in ROLES:
            supported = ", ".join(f"'{name}'" for name in ROLES)
            raise invalid(
                f"Invalid value: '{role}'. Supported values are: {supported}.",
                param=f"messages[{index}].role",
                code="invalid_value",
            )


def _schema_problems(node: Any, context: tuple[str, ...]) -> str | None:
    if isinstance(node, list):
        return next((p for item in node if (p := _schema_problems(item, context)) is not None), None)
    if not isinstance(node, dict):
        return None
    properties = node.get("properties")
    if node.get("type") == "object" or isinstance(properties, dict):
        where = f"In context=({', '.join(repr(part) for part in context)})"
        if node.get("additionalProperties") is not False:
            return f"{where}, 'additionalProperties' is required to be supplied and to be false."
        missing = [name for name in properties or {} if name not in (node.get("required") or [])]
        if missing:
            return (
                f"{where}, 'required' is required to be supplied and to be an array including every key in "
                f"properties. Missing '{missing[0]}'."
            )
    for key, value in node.items():
        if isinstance(value, (dict, list)) and key != "enum":
            found = _schema_problems(value, (*context, key))
            if found:
                return found
    return None


def _check_response_format(response_format: Any) -> None:
    if response_format is None:
        return
    if not isinstance(response_format, dict) or response_format.get("type") not in FORMAT_TYPES:
        raise invalid(
            "Invalid value for 'response_format.type': expected 'text', 'json_object' or 'json_schema'.",
            param="response_format.type",
            code="invalid_value",
        )
    if response_format["type"] != "json_schema":
        return
    spec = response_format.get("json_schema")
    if not isinstance(spec, dict):
        raise _missing("response_format.json_schema")
    name = spec.get("name")
    if not isinstance(name, str):
        raise _missing("response_format.json_schema.name")
    if not SCHEMA_NAME.match(name):
        raise invalid(
            f"Invalid 'response_format.json_schema.name': string does not match pattern '{SCHEMA_NAME.pattern}'.",
            param="response_format.json_schema.name",
            code="invalid_value",
        )
    schema = spec.get("schema")
    if spec.get("strict") and isinstance(schema, dict):
        problem = _schema_problems(schema, ())
        if problem:
            raise invalid(
                f"Invalid schema for response_format '{name}': {problem}",
                param="response_format",
                code="invalid_json_schema",
            )


def check_chat_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise invalid("You must provide a model parameter.", param="model")
    _check_messages(body.get("messages"))
    _check_response_format(body.get("response_format"))
    if body.get("stream"):
        raise invalid("The sandbox does not stream; send the request without 'stream'.", param="stream")
    if body.get("n", 1) != 1:
        raise invalid("The sandbox answers one choice; send 'n': 1 or leave it out.", param="n")
    return body
