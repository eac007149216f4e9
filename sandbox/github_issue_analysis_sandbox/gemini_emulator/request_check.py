"""Checks of a `GenerateContentRequest` in its JSON form, as the Gemini API parses and validates it.

Field names are accepted in lowerCamelCase or snake_case, as Google's JSON parser does; an unknown name is
refused with Google's wording (`Invalid JSON payload received. Unknown name "x" at 'generation_config'`).
`request_problem` returns the first problem as an `ApiError` (the live endpoint and an inlined batch answer
it with 400; a line of an input file gets it as that line's error), or None.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ApiError, invalid, unknown_field

REQUEST_FIELDS = frozenset(
    [
        "model",
        "contents",
        "tools",
        "toolConfig",
        "safetySettings",
        "systemInstruction",
        "generationConfig",
        "cachedContent",
        "serviceTier",
        "store",
        "labels",
    ]
)
CONTENT_FIELDS = frozenset({"role", "parts"})
PART_FIELDS = frozenset(
    [
        "text",
        "inlineData",
        "fileData",
        "functionCall",
        "functionResponse",
        "executableCode",
        "codeExecutionResult",
        "thought",
        "thoughtSignature",
        "videoMetadata",
        "partMetadata",
        "mediaResolution",
    ]
)
GENERATION_FIELDS = frozenset(
    [
        "stopSequences",
        "responseMimeType",
        "responseSchema",
        "responseJsonSchema",
        "responseModalities",
        "candidateCount",
        "maxOutputTokens",
        "temperature",
        "topP",
        "topK",
        "seed",
        "presencePenalty",
        "frequencyPenalty",
        "responseLogprobs",
        "logprobs",
        "enableEnhancedCivicAnswers",
        "speechConfig",
        "thinkingConfig",
        "imageConfig",
        "mediaResolution",
        "audioTranscriptionConfig",
    ]
)
THINKING_FIELDS = frozenset({"includeThoughts", "thinkingBudget", "thinkingLevel"})
ROLES = ("user", "model")
SCHEMA_MIME_TYPES = ("application/json", "text/x.enum")
_SNAKE = re.compile(r"_([a-z0-9])")


def camel(name: str) -> str:
    return _SNAKE.sub(lambda match: match.group(1).upper(), name)


def snake(name: str) -> str:
    return re.sub(r"([A-Z])", lambda match: "_" + match.group(1).lower(), name)


def normalized(message: Any, known: frozenset[str], where: str) -> dict[str, Any]:
    """The message with lowerCamelCase keys; an unknown key raises Google's error."""
    if not isinstance(message, dict):
        raise invalid(f"Invalid value at '{where}': expected an object.")
    result: dict[str, Any] = {}
    for key, value in message.items():
        name = camel(key)
        if name not in known:
            raise unknown_field(key, where)
        result[name] = value
    return result


def _number(config: dict[str, Any], name: str, low: float, high: float, where: str) -> None:
    value = config.get(name)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise invalid(f"* GenerateContentRequest.{where}.{snake(name)}: must be between {low:g} and {high:g}\n")


def _content(content: Any, where: str) -> dict[str, Any]:
    checked = normalized(content, CONTENT_FIELDS, where)
    role = checked.get("role")
    if role is not None and role not in ROLES:
        raise invalid(f"* GenerateContentRequest.{where}.role: Please use a valid role: user, model.\n")
    parts = checked.get("parts")
    if not isinstance(parts, list) or not parts:
        raise invalid(f"* GenerateContentRequest.{where}.parts: contents.parts must not be empty.\n")
    checked["parts"] = [normalized(part, PART_FIELDS, f"{where}.parts[{i}]") for i, part in enumerate(parts)]
    for index, part in enumerate(checked["parts"]):
        if "text" in part and not isinstance(part["text"], str):
            raise invalid(f"Invalid value at '{where}.parts[{index}].text': expected a string.")
    return checked


def _generation_config(config: Any, where: str) -> dict[str, Any]:
    checked = normalized(config, GENERATION_FIELDS, where)
    if "responseSchema" in checked and "responseJsonSchema" in checked:
        raise invalid(
            f"* GenerateContentRequest.{where}.response_schema: response_schema and response_json_schema "
            "cannot both be set.\n"
        )
    schema = checked.get("responseSchema", checked.get("responseJsonSchema"))
    if schema is not None:
        if not isinstance(schema, dict):
            raise invalid(f"Invalid value at '{where}.response_schema': expected an object.")
        if checked.get("responseMimeType") not in SCHEMA_MIME_TYPES:
            raise invalid(
                f"* GenerateContentRequest.{where}.response_mime_type: a response schema needs "
                f"response_mime_type {' or '.join(SCHEMA_MIME_TYPES)}.\n"
            )
    _number(checked, "temperature", 0.0, 2.0, where)
    _number(checked, "topP", 0.0, 1.0, where)
    _number(checked, "maxOutputTokens", 1, 2**31 - 1, where)
    count = checked.get("candidateCount", 1)
    if count != 1:
        raise invalid(f"* GenerateContentRequest.{where}.candidate_count: the sandbox answers one candidate.\n")
    if "thinkingConfig" in checked:
        checked["thinkingConfig"] = normalized(checked["thinkingConfig"], THINKING_FIELDS, f"{where}.thinking_config")
    return checked


def check_request(request: Any, where: str = "") -> dict[str, Any]:
    """The request with lowerCamelCase keys, or an `ApiError`; `where` prefixes paths (snake_case)."""
    prefix = f"{where}." if where else ""
    checked = normalized(request, REQUEST_FIELDS, where)
    contents = checked.get("contents")
    if not isinstance(contents, list) or not contents:
        raise invalid("* GenerateContentRequest.contents: contents is not specified\n")
    checked["contents"] = [_content(item, f"{prefix}contents[{index}]") for index, item in enumerate(contents)]
    if "systemInstruction" in checked:
        checked["systemInstruction"] = _content(checked["systemInstruction"], f"{prefix}system_instruction")
    if "generationConfig" in checked:
        checked["generationConfig"] = _generation_config(checked["generationConfig"], f"{prefix}generation_config")
    return checked


def request_problem(request: Any, where: str = "") -> ApiError | None:
    try:
        check_request(request, where)
    except ApiError as error:
        return error
    return None
