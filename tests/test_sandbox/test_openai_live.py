"""Live `POST /v1/chat/completions` on the OpenAI emulator, through the official `openai` SDK."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import openai
import pytest
from openai import AsyncOpenAI
from pydantic import BaseModel, ValidationError

from .conftest import API_KEY, Sandbox
from .labeling_answer import Labeling
from .test_openai_emulator import MODEL, labeling_schema, prompt


def body(title: str, text: str, schema: dict[str, Any] | None = None, strict: bool = True) -> dict[str, Any]:
    return {
        "model": MODEL,
        "messages": [
            {"role": "system", "content": "Label the issue."},
            {"role": "user", "content": prompt(title, text)},
        ],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "product_labeling", "strict": strict, "schema": schema or labeling_schema()},
        },
    }


KOTS = ("Admin console crashes", "The KOTS admin console installer fails on upgrade.")


def test_chat_completion_answers_the_strict_schema_with_usage(sandbox: Sandbox) -> None:
    completion = sandbox.client.chat.completions.create(**body(*KOTS))
    assert completion.object == "chat.completion" and completion.id.startswith("chatcmpl-")
    assert completion.model == MODEL and completion.created == int(sandbox.clock())
    [choice] = completion.choices
    assert choice.finish_reason == "stop" and choice.message.role == "assistant" and choice.message.refusal is None
    answer = Labeling.model_validate_json(choice.message.content or "")
    assert answer.recommended_labels[0].label == "product::kots"
    usage = completion.usage
    assert usage is not None and usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert sandbox.emulator.stats.requests["POST /v1/chat/completions"] == 1


class Verdict(BaseModel):
    label: str
    confidence: float


def test_sdk_parse_with_a_pydantic_model(sandbox: Sandbox) -> None:
    completion = sandbox.client.chat.completions.parse(
        model=MODEL, messages=[{"role": "user", "content": "Title: x"}], response_format=Verdict
    )
    parsed = completion.choices[0].message.parsed
    assert isinstance(parsed, Verdict) and "Offline sandbox labeller" in parsed.label


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"messages": []}, "empty_array", "empty array"),
        ({"messages": [{"role": "robot", "content": "x"}]}, "invalid_value", "Supported values"),
        (
            {"response_format": {"type": "json_schema", "json_schema": {"schema": {"type": "object"}}}},
            "missing_required_parameter",
            "response_format.json_schema.name",
        ),
    ],
)
def test_bad_bodies_are_400_in_openai_envelope(
    sandbox: Sandbox, change: dict[str, Any], code: str, message: str
) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        sandbox.client.chat.completions.create(**{**body(*KOTS), **change})
    error = caught.value.body
    assert isinstance(error, dict) and error["code"] == code and message in error["message"]


def test_strict_schema_must_close_objects_and_require_every_property(sandbox: Sandbox) -> None:
    open_schema = labeling_schema()
    del open_schema["additionalProperties"]
    with pytest.raises(openai.BadRequestError, match="'additionalProperties' is required"):
        sandbox.client.chat.completions.create(**body(*KOTS, schema=open_schema))
    partial = labeling_schema()
    partial["properties"]["recommended_labels"]["items"]["required"].remove("reasoning")
    with pytest.raises(openai.BadRequestError, match="Missing 'reasoning'"):
        sandbox.client.chat.completions.create(**body(*KOTS, schema=partial))
    loose = sandbox.client.chat.completions.create(**body(*KOTS, schema=partial, strict=False))
    assert json.loads(loose.choices[0].message.content or "{}")


def test_live_faults(sandbox: Sandbox) -> None:
    sandbox.config.line_failure_rate = 1.0
    with pytest.raises(openai.InternalServerError):
        sandbox.client.chat.completions.create(**body(*KOTS))
    sandbox.config.line_failure_rate = 0.0
    sandbox.config.refusal_rate = 1.0
    refused = sandbox.client.chat.completions.create(**body(*KOTS))
    assert refused.choices[0].message.content is None and refused.choices[0].message.refusal
    sandbox.config.refusal_rate = 0.0
    sandbox.config.schema_violation_rate = 1.0
    broken = sandbox.client.chat.completions.create(**body(*KOTS))
    with pytest.raises(ValidationError):
        Labeling.model_validate_json(broken.choices[0].message.content or "")
    sandbox.config.schema_violation_rate = 0.0
    sandbox.config.non_json_rate = 1.0
    prose = sandbox.client.chat.completions.create(**body(*KOTS))
    with pytest.raises(ValueError):
        json.loads(prose.choices[0].message.content or "")
    sandbox.config.non_json_rate = 0.0
    sandbox.config.http_429_rate = 1.0
    with pytest.raises(openai.RateLimitError):
        sandbox.client.chat.completions.create(**body(*KOTS))
    assert sandbox.emulator.stats.faults["live_line_failure"] == 1


async def test_concurrent_live_requests(sandbox: Sandbox) -> None:
    async with AsyncOpenAI(api_key=API_KEY, base_url=f"{sandbox.url}/v1", max_retries=0) as client:
        answers = await asyncio.gather(*(client.chat.completions.create(**body(*KOTS)) for _ in range(20)))
    assert len({answer.id for answer in answers}) == 20
