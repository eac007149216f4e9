"""The Messages API response to one request: a `message` object built by the offline labeller.

A request that forces a tool (`tool_choice` `{type: "tool", name}`, or `{type: "any"}`) is answered with
one `tool_use` block whose `input` follows the tool's `input_schema` (the labelling answer when the schema
is the product-labelling one); other requests get a short text block. Injected faults: prose instead of
the tool call (`non_json`), an input missing a required field (`schema_violation`), `stop_reason:
"refusal"` with no content (`refusal`). Nothing here claims to be a model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..labelling import PRODUCT_SCHEMA_NAME, SOURCE, answer, content_text, count_text
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
    return total


def _tool_input(params: dict[str, Any], tool: dict[str, Any], fault: LineFault) -> dict[str, Any]:
    schema = tool["input_schema"]
    properties = schema.get("properties")
    labelling = isinstance(properties, dict) and "recommended_labels" in properties
    produced = json.loads(answer(user_text(params), PRODUCT_SCHEMA_NAME if labelling else tool["name"], schema))
    result = produced if isinstance(produced, dict) else {"value": produced}
    if fault is LineFault.SCHEMA_VIOLATION:
        if result:
            result.pop(next(iter(result)))
        else:
            result = {"unexpected": f"{SOURCE}: sandbox-injected schema violation"}
    return result


def _plain_text(params: dict[str, Any]) -> str:
    words = len(user_text(params).split())
    return f"{SOURCE}: received {words} words; force a tool (tool_choice) to get a labelling answer."


def _content(params: dict[str, Any], fault: LineFault, ids: Ids) -> tuple[list[dict[str, Any]], str]:
    """The content blocks and the stop reason."""
    if fault is LineFault.REFUSAL:
        return [], "refusal"
    tool = forced_tool(params)
    if fault is LineFault.NON_JSON or tool is None:
        text = NON_JSON_TEXT if fault is LineFault.NON_JSON else _plain_text(params)
        return [{"type": "text", "text": text, "citations": None}], "end_turn"
    block = {"type": "tool_use", "id": ids.tool_use, "name": tool["name"], "input": _tool_input(params, tool, fault)}
    return [block], "tool_use"


def _output_tokens(content: list[dict[str, Any]]) -> int:
    return sum(
        count_text(block["text"]) if block["type"] == "text" else count_text(json.dumps(block["input"]))
        for block in content
    )


def build_message(params: dict[str, Any], fault: LineFault, ids: Ids, service_tier: str) -> dict[str, Any]:
    """A `message` object as the Messages API returns it (max_tokens cuts the answer short)."""
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
            "input_tokens": count_input_tokens(params),
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "service_tier": service_tier,
        },
    }


def _truncated(block: dict[str, Any], tokens: int) -> dict[str, Any]:
    """A block cut at max_tokens: text keeps its first words; a tool call's input is left incomplete."""
    if block["type"] == "text":
        return {**block, "text": " ".join(block["text"].split()[:tokens])}
    return {**block, "input": {}}
