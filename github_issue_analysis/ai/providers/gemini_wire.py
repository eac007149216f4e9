"""A `ModelRequest` in Gemini's wire format: the `GenerateContentRequest` JSON (lowerCamelCase) that one line
of a batch input file carries, and the same request as the SDK's `InlinedRequest` and
`GenerateContentConfig` for inlined batches and the live `generate_content` call.

One function writes the request (`generate_content_request`); the SDK objects are made from that JSON, so a
request is the same whether it goes inline, in a file or live. The answer is asked for as JSON under the
processor's schema (`responseMimeType: application/json`, `responseJsonSchema`). The batch's `display_name`
names our group, job and attempt (Gemini batches carry no metadata): `display_name` / `name_metadata`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

import orjson

from github_issue_analysis.domain.model_request import ModelRequest
from github_issue_analysis.domain.provider_batches import META_ATTEMPT, META_GROUP, META_JOB

if TYPE_CHECKING:
    from google.genai import types

CUSTOM_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Thinking budgets (tokens) for our reasoning efforts; 2.5 Pro cannot switch thinking off (its least is 128).
THINKING_BUDGETS: Final = {"minimal": 0, "low": 1024, "medium": 8192, "high": 24576}
PRO_LEAST_BUDGET: Final = 128
NAME_PREFIX: Final = "gh-analysis"
_NAME: Final = re.compile(rf"^{NAME_PREFIX} (\S+?)(?: (\S+?))? a(\d+)$")


def generate_content_request(request: ModelRequest) -> dict[str, Any]:
    """The `GenerateContentRequest` for a request, in the API's JSON field names."""
    body: dict[str, Any] = {"contents": [{"role": "user", "parts": [{"text": request.user_text}]}]}
    if request.instructions:
        body["systemInstruction"] = {"parts": [{"text": request.instructions}]}
    config: dict[str, Any] = {}
    if request.answer is not None:
        config["responseMimeType"] = "application/json"
        config["responseJsonSchema"] = request.answer.schema
    if request.max_output_tokens is not None:
        config["maxOutputTokens"] = request.max_output_tokens
    if request.options.temperature is not None:
        config["temperature"] = request.options.temperature
    if request.options.reasoning_effort is not None:
        config["thinkingConfig"] = {"thinkingBudget": thinking_budget(request.model, request.options.reasoning_effort)}
    if config:
        body["generationConfig"] = config
    return body


def thinking_budget(model: str, effort: str) -> int:
    budget = THINKING_BUDGETS.get(effort, THINKING_BUDGETS["medium"])
    return max(budget, PRO_LEAST_BUDGET) if "-pro" in model else budget


def content_config(request: dict[str, Any]) -> types.GenerateContentConfig:
    """The SDK's config for a `GenerateContentRequest` JSON: its generation config plus the system
    instruction (the SDK puts both in one object and writes them back to the same JSON)."""
    from google.genai import types

    fields = dict(request.get("generationConfig") or {})
    if "systemInstruction" in request:
        fields["systemInstruction"] = request["systemInstruction"]
    return types.GenerateContentConfig.model_validate(fields)


def inlined_requests(lines: list[dict[str, Any]]) -> list[types.InlinedRequest]:
    """Input-file lines `{"key", "request"}` as inlined requests with `metadata.key`. Requests of a run share
    their instructions, schema and options: each distinct config is built once (building one validates the
    schema through the SDK's models, the dearest step of an inlined create)."""
    from google.genai import types

    configs: dict[bytes, types.GenerateContentConfig] = {}
    inlined = []
    for line in lines:
        request = line["request"]
        shared = orjson.dumps([request.get("systemInstruction"), request.get("generationConfig")])
        config = configs.get(shared) or configs.setdefault(shared, content_config(request))
        inlined.append(types.InlinedRequest(contents=request["contents"], metadata={"key": line["key"]}, config=config))
    return inlined


def display_name(metadata: dict[str, str]) -> str:
    """`gh-analysis GROUP JOB aN` (the group once when a single batch's job is its group)."""
    group, job, attempt = metadata[META_GROUP], metadata[META_JOB], metadata.get(META_ATTEMPT, "1")
    ids = group if group == job else f"{group} {job}"
    return f"{NAME_PREFIX} {ids} a{attempt}"


def name_metadata(name: str | None) -> dict[str, str]:
    """The group, job and attempt a display name carries; {} for a batch not named by this tool."""
    match = _NAME.match(name or "")
    if match is None:
        return {}
    group, job, attempt = match.group(1), match.group(2) or match.group(1), match.group(3)
    return {META_GROUP: group, META_JOB: job, META_ATTEMPT: attempt}
