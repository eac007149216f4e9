"""The `GenerateContentResponse` to one checked request, built by the offline labeller.

A request with `responseMimeType: application/json` and a schema (`responseJsonSchema`, a JSON schema, or
`responseSchema`, Google's OpenAPI subset with upper-case types) gets one text part of JSON following it:
the labelling answer when the schema is the product-labelling one (it has `recommended_labels`), otherwise
the smallest instance of the schema. Other requests get a short text saying what the sandbox is.
Injected faults: prose instead of JSON (`non_json`), an answer missing a required field
(`schema_violation`), `finishReason: SAFETY` with no content (`refusal`). Nothing here claims to be a model.

Usage is counted offline (the approximate tokenizer; Gemini's own is not shipped): the prompt (system
instruction, every text part, the schema), the answer, `thoughtsTokenCount` from the configured thinking
tokens (unless `thinkingBudget` is 0) and a configured share of the prompt as `cachedContentTokenCount`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from ..labelling import SOURCE, count_text, structured_answer
from ..openai_emulator.answers import LineFault

NON_JSON_TEXT = f"{SOURCE} (sandbox-injected fault): this answer is prose, not the JSON you asked for."
MAX_TOKENS_FINISH = "MAX_TOKENS"


@dataclass(frozen=True)
class Usage:
    thinking_tokens: int
    cached_rate: float


def texts(content: dict[str, Any] | None) -> str:
    if not content:
        return ""
    return "\n".join(part["text"] for part in content.get("parts", []) if isinstance(part.get("text"), str))


def user_text(request: dict[str, Any]) -> str:
    return "\n".join(texts(item) for item in request["contents"] if item.get("role", "user") == "user")


def json_schema(schema: Any) -> Any:
    """Google's OpenAPI `Schema` as a JSON schema: lower-case types, `nullable` as a null type."""
    if isinstance(schema, list):
        return [json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {
        key: json_schema(value) for key, value in schema.items() if key not in ("nullable", "propertyOrdering")
    }
    if isinstance(schema.get("type"), str):
        converted["type"] = schema["type"].lower()
        if schema.get("nullable"):
            converted["type"] = [converted["type"], "null"]
    return converted


def requested_schema(request: dict[str, Any]) -> dict[str, Any] | None:
    config = request.get("generationConfig") or {}
    if "responseJsonSchema" in config:
        schema: dict[str, Any] = config["responseJsonSchema"]
        return schema
    if "responseSchema" in config:
        converted: dict[str, Any] = json_schema(config["responseSchema"])
        return converted
    return None


def _structured(request: dict[str, Any], schema: dict[str, Any], fault: LineFault) -> str:
    violate = fault is LineFault.SCHEMA_VIOLATION
    return json.dumps(structured_answer(user_text(request), schema, "output", violate))


def answer_text(request: dict[str, Any], fault: LineFault) -> str:
    if fault is LineFault.NON_JSON:
        return NON_JSON_TEXT
    schema = requested_schema(request)
    if schema is not None:
        return _structured(request, schema, fault)
    words = len(user_text(request).split())
    return f"{SOURCE}: received {words} words; set responseMimeType and a response schema to get a labelling answer."


def prompt_tokens(request: dict[str, Any], model: str) -> int:
    total = count_text(texts(request.get("systemInstruction")), model)
    total += sum(count_text(texts(item), model) for item in request["contents"])
    schema = requested_schema(request)
    if schema is not None:
        total += count_text(json.dumps(schema, separators=(",", ":")), model)
    return total


def _thoughts(request: dict[str, Any], usage: Usage) -> int:
    thinking = (request.get("generationConfig") or {}).get("thinkingConfig") or {}
    return 0 if thinking.get("thinkingBudget") == 0 else usage.thinking_tokens


def usage_metadata(prompt: int, candidates: int, thoughts: int, cached: int) -> dict[str, Any]:
    """`usageMetadata` as the API writes it: zero counts are left out (proto3 JSON)."""
    metadata: dict[str, Any] = {
        "promptTokenCount": prompt,
        "candidatesTokenCount": candidates,
        "totalTokenCount": prompt + candidates + thoughts,
        "cachedContentTokenCount": cached,
        "thoughtsTokenCount": thoughts,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt}],
    }
    if cached:
        metadata["cacheTokensDetails"] = [{"modality": "TEXT", "tokenCount": cached}]
    return {key: value for key, value in metadata.items() if value}


def build_response(
    request: dict[str, Any], model: str, fault: LineFault, response_id: str, usage: Usage
) -> dict[str, Any]:
    """One candidate (max `maxOutputTokens` cuts the text, finishReason MAX_TOKENS) with its usage."""
    prompt = prompt_tokens(request, model)
    cached = math.floor(prompt * usage.cached_rate)
    thoughts = _thoughts(request, usage)
    if fault is LineFault.REFUSAL:
        candidate: dict[str, Any] = {"finishReason": "SAFETY", "index": 0}
        return _response([candidate], usage_metadata(prompt, 0, thoughts, cached), model, response_id)
    text = answer_text(request, fault)
    tokens, finish = count_text(text, model), "STOP"
    limit = (request.get("generationConfig") or {}).get("maxOutputTokens")
    if limit is not None and tokens + thoughts > limit:
        tokens, finish = max(0, limit - thoughts), MAX_TOKENS_FINISH
        text = " ".join(text.split()[:tokens])
    candidate = {"content": {"parts": [{"text": text}], "role": "model"}, "finishReason": finish, "index": 0}
    return _response([candidate], usage_metadata(prompt, tokens, thoughts, cached), model, response_id)


def _response(candidates: list[dict[str, Any]], usage: dict[str, Any], model: str, ident: str) -> dict[str, Any]:
    return {"candidates": candidates, "usageMetadata": usage, "modelVersion": model, "responseId": ident}
