"""The Messages API response to one request: a `message` object built by the offline labeller.

A request that forces a tool (`tool_choice` `{type: "tool", name}`, or `{type: "any"}`) is answered with
one `tool_use` block whose `input` follows the tool's `input_schema` (the labelling answer when the schema
is the product-labelling one); a request with structured outputs (`output_config.format` of type
`json_schema`) gets one text block of JSON following the schema; other requests get a short text block.
Injected faults: prose instead of the tool call or JSON (`non_json`), an answer missing a required field
(`schema_violation`), `stop_reason: "refusal"` with no content (`refusal`). Nothing here claims to be a model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..labelling import SOURCE, content_text, count_text, structured_answer
from ..openai_emulator.answers import LineFault, hex_id

NON_JSON_TEXT = f"{SOURCE} (sandbox-injected fault): this answer is prose, not the tool call you asked for."
# Documented tool-use system prompt tokens (Claude 4 models): 346 with tool_choice auto/none, 313 with any/tool.
TOOL_PROMPT_TOKENS = {"auto": 346, "none": 346, "any": 313, "tool": 313}


@dataclass(frozen=True)
class Ids:
    message: str
    tool_use: str


def make_ids(*parts: object) -> Ids:
    return Ids("msg_" + hex_id(24, "msg", *parts), "toolu_" + hex_id(24, "toolu", *parts))


def forced_tool(params: dict[str, Any]) -> dict[str, Any] | None:
    """The client tool the request forces Claude to call, if any."""
    choice = params.get("tool_choice") or {}
    tools: list[dict[str, Any]] = [
        tool for tool in params.get("tools") or [] if isinstance(tool.get("input_schema"), dict)
    ]
    if choice.get("type") == "tool":
        return next((tool for tool in tools if tool.get("name") == choice.get("name")), None)
    if choice.get("type") == "any" and tools:
        return tools[0]
    return None


def user_text(params: dict[str, Any]) -> str:
    return "\n".join(content_text(m.get("content")) for m in params.get("messages", []) if m.get("role") == "user")


def count_input_tokens(params: dict[str, Any]) -> int:
    """Approximate prompt tokens: system, message texts (3 per message), tool definitions, tool prompt."""
    system = params.get("system")
    total = count_text(system if isinstance(system, str) else content_text(system))
    for message in params.get("messages", []):
        total += 3 + count_text(content_text(message.get("content")))
    tools = params.get("tools")
    if tools:
        total += count_text(json.dumps(tools, separators=(",", ":")))
        total += TOOL_PROMPT_TOKENS.get((params.get("tool_choice") or {}).get("type", "auto"), 346)
    schema = output_schema(params)
    if schema is not None:
        total += count_text(json.dumps(schema, separators=(",", ":")))
    return total


def output_schema(params: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON schema of structured outputs (`output_config.format`, or the older `output_format`), if any."""
    config = params.get("output_config")
    fmt = config.get("format") if isinstance(config, dict) else params.get("output_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema" and isinstance(fmt.get("schema"), dict):
        schema: dict[str, Any] = fmt["schema"]
        return schema
    return None


def _structured(params: dict[str, Any], schema: dict[str, Any], name: str, fault: LineFault) -> dict[str, Any]:
    """An answer that follows `schema` (the labelling answer for the product-labelling schema)."""
    produced = structured_answer(user_text(params), schema, name, fault is LineFault.SCHEMA_VIOLATION)
    return produced if isinstance(produced, dict) else {"value": produced}


def _plain_text(params: dict[str, Any]) -> str:
    words = len(user_text(params).split())
    return f"{SOURCE}: received {words} words; force a tool (tool_choice) to get a labelling answer."


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text, "citations": None}


def _content(params: dict[str, Any], fault: LineFault, ids: Ids) -> tuple[list[dict[str, Any]], str]:
    """The content blocks and the stop reason."""
    if fault is LineFault.REFUSAL:
        return [], "refusal"
    if fault is LineFault.NON_JSON:
        return [_text(NON_JSON_TEXT)], "end_turn"
    tool = forced_tool(params)
    if tool is not None:
        tool_input = _structured(params, tool["input_schema"], tool["name"], fault)
        return [{"type": "tool_use", "id": ids.tool_use, "name": tool["name"], "input": tool_input}], "tool_use"
    schema = output_schema(params)
    if schema is not None:
        return [_text(json.dumps(_structured(params, schema, "output", fault)))], "end_turn"
    return [_text(_plain_text(params))], "end_turn"


def _output_tokens(content: list[dict[str, Any]]) -> int:
    return sum(
        count_text(block["text"]) if block["type"] == "text" else count_text(json.dumps(block["input"]))
        for block in content
    )


def build_message(
    params: dict[str, Any], fault: LineFault, ids: Ids, service_tier: str, cache: tuple[int, int] = (0, 0)
) -> dict[str, Any]:
    """A `message` object as the Messages API returns it (max_tokens cuts the answer short); `cache` holds
    the tokens read from and written to the prompt cache (see prompt_cache.py), left out of input_tokens."""
    read, written = cache
    content, stop_reason = _content(params, fault, ids)
    output_tokens = _output_tokens(content)
    if output_tokens > params["max_tokens"]:
        output_tokens, stop_reason = params["max_tokens"], "max_tokens"
        content = [_truncated(block, output_tokens) for block in content]
    return {
        "id": ids.message,
        "type": "message",
        "role": "assistant",
        "model": params["model"],
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {
            "input_tokens": max(0, count_input_tokens(params) - read - written),
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": written,
            "cache_read_input_tokens": read,
            "service_tier": service_tier,
        },
    }


def _truncated(block: dict[str, Any], tokens: int) -> dict[str, Any]:
    """A block cut at max_tokens: text keeps its first words; a tool call's input is left incomplete."""
    if block["type"] == "text":
        return {**block, "text": " ".join(block["text"].split()[:tokens])}
    return {**block, "input": {}}
