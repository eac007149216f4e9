"""Checks of a Messages request's parameters, as the Messages API documents them.

`params_error` returns the first problem as Anthropic words it (`path: message`), or None. The batch
endpoint reports these per request as an `errored` result (the documented asynchronous validation); the
live endpoint answers them with 400 `invalid_request_error`.
"""

from __future__ import annotations

import re
from typing import Any

KNOWN_PARAMS = frozenset(
    {
        "model",
        "max_tokens",
        "messages",
        "system",
        "tools",
        "tool_choice",
        "metadata",
        "stop_sequences",
        "stream",
        "temperature",
        "top_p",
        "top_k",
        "thinking",
        "service_tier",
        "container",
        "context_management",
        "mcp_servers",
        "output_config",
        "output_format",
        "cache_control",
        "diagnostics",
        "inference_geo",
        "speed",
    }
)
ROLES = ("user", "assistant")
TOOL_CHOICES = ("auto", "any", "tool", "none")
EFFORTS = ("low", "medium", "high", "xhigh", "max")
TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _content_error(path: str, content: Any) -> str | None:
    if isinstance(content, str):
        return None
    if not isinstance(content, list):
        return f"{path}: Input should be a valid string or a list of content blocks"
    for index, block in enumerate(content):
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            return f"{path}.{index}: Input should be a content block object with a 'type'"
        if block["type"] == "text" and not isinstance(block.get("text"), str):
            return f"{path}.{index}.text: Field required"
    return None


def _messages_error(messages: Any) -> str | None:
    if messages is None:
        return "messages: Field required"
    if not isinstance(messages, list):
        return "messages: Input should be a valid list"
    if not messages:
        return "messages: at least one message is required"
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            return f"messages.{index}: Input should be a valid dictionary"
        extra = sorted(set(message) - {"role", "content"})
        if extra:
            return f"messages.{index}.{extra[0]}: Extra inputs are not permitted"
        if message.get("role") not in ROLES:
            return f"messages.{index}.role: Input should be 'user' or 'assistant'"
        if "content" not in message:
            return f"messages.{index}.content: Field required"
        problem = _content_error(f"messages.{index}.content", message["content"])
        if problem:
            return problem
    return None


def _system_error(system: Any) -> str | None:
    if system is None or isinstance(system, str):
        return None
    if not isinstance(system, list):
        return "system: Input should be a valid string or a list of text blocks"
    for index, block in enumerate(system):
        if not isinstance(block, dict) or block.get("type") != "text" or not isinstance(block.get("text"), str):
            return f"system.{index}: Input should be a text block"
    return None


def _tool_error(index: int, tool: Any) -> str | None:
    if not isinstance(tool, dict):
        return f"tools.{index}: Input should be a valid dictionary"
    name = tool.get("name")
    if not isinstance(name, str) or not TOOL_NAME.match(name):
        return f"tools.{index}.name: String should match pattern '{TOOL_NAME.pattern}'"
    if tool.get("type") not in (None, "custom"):
        return None  # a server tool (web search, ...): the sandbox accepts and never calls it
    schema = tool.get("input_schema")
    if not isinstance(schema, dict):
        return f"tools.{index}.input_schema: Field required"
    if schema.get("type") != "object":
        return f"tools.{index}.input_schema.type: Input should be 'object'"
    return None


def _tools_error(tools: Any) -> str | None:
    if tools is None:
        return None
    if not isinstance(tools, list):
        return "tools: Input should be a valid list"
    names: set[str] = set()
    for index, tool in enumerate(tools):
        problem = _tool_error(index, tool)
        if problem:
            return problem
        if tool["name"] in names:
            return f"tools: Tool names must be unique; '{tool['name']}' is given twice"
        names.add(tool["name"])
    return None


def _tool_choice_error(choice: Any, tools: Any) -> str | None:
    if choice is None:
        return None
    if not isinstance(choice, dict) or choice.get("type") not in TOOL_CHOICES:
        return "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'"
    kind = choice["type"]
    if kind in ("any", "tool") and not tools:
        return "tool_choice: tool_choice may only be specified while providing tools."
    if kind == "tool":
        name = choice.get("name")
        if not isinstance(name, str):
            return "tool_choice.tool.name: Field required"
        if name not in {tool.get("name") for tool in tools}:
            return f"tool_choice.tool.name: Tool '{name}' not found in provided tools"
    return None


def _output_format_error(path: str, fmt: Any) -> str | None:
    if fmt is None:
        return None
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        return f"{path}.type: Input should be 'json_schema'"
    if not isinstance(fmt.get("schema"), dict):
        return f"{path}.schema: Field required"
    return None


def _output_config_error(params: dict[str, Any]) -> str | None:
    config = params.get("output_config")
    if config is not None:
        if not isinstance(config, dict):
            return "output_config: Input should be a valid dictionary"
        if config.get("effort") not in (None, *EFFORTS):
            return f"output_config.effort: Input should be {', '.join(repr(e) for e in EFFORTS)}"
        return _output_format_error("output_config.format", config.get("format"))
    return _output_format_error("output_format", params.get("output_format"))


def _scalar_errors(params: dict[str, Any]) -> str | None:
    model = params.get("model")
    if model is None:
        return "model: Field required"
    if not isinstance(model, str) or not model:
        return "model: Input should be a valid string"
    max_tokens = params.get("max_tokens")
    if max_tokens is None:
        return "max_tokens: Field required"
    if not _is_int(max_tokens) or max_tokens < 1:
        return "max_tokens: Input should be an integer greater than or equal to 1"
    for name, low, high in (("temperature", 0.0, 1.0), ("top_p", 0.0, 1.0)):
        value = params.get(name)
        if value is not None and (not _is_number(value) or not low <= value <= high):
            return f"{name}: Input should be a number between {low:g} and {high:g}"
    if params.get("top_k") is not None and (not _is_int(params["top_k"]) or params["top_k"] < 0):
        return "top_k: Input should be a non-negative integer"
    stops = params.get("stop_sequences")
    if stops is not None and (not isinstance(stops, list) or not all(isinstance(s, str) for s in stops)):
        return "stop_sequences: Input should be a list of strings"
    metadata = params.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return "metadata: Input should be a valid dictionary"
    return None


def params_error(params: Any) -> str | None:
    """The first problem of a Messages request body, or None when it is valid."""
    if not isinstance(params, dict):
        return "params: Input should be a valid dictionary"
    extra = sorted(set(params) - KNOWN_PARAMS)
    if extra:
        return f"{extra[0]}: Extra inputs are not permitted"
    return (
        _scalar_errors(params)
        or _messages_error(params.get("messages"))
        or _system_error(params.get("system"))
        or _tools_error(params.get("tools"))
        or _tool_choice_error(params.get("tool_choice"), params.get("tools"))
        or _output_config_error(params)
    )
