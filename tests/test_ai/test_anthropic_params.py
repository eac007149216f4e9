"""Pure parts of the Anthropic provider: the Messages parameters it writes for a request, and result lines."""

from __future__ import annotations

from github_issue_analysis.ai.processors.product_labeling import LabelSet, answer_schema
from github_issue_analysis.ai.providers.anthropic_provider import messages_params, parse_result
from github_issue_analysis.domain.jobs import ItemErrorKind
from github_issue_analysis.domain.model_request import ModelRequest, RequestOptions
from github_issue_analysis.storage.records import LabelRecord


def _request(**changes: object) -> ModelRequest:
    labels = LabelSet((LabelRecord(name="product::a"), LabelRecord(name="product::b")))
    fields: dict = {
        "model": "claude-haiku-4-5",
        "instructions": "sys",
        "prompt": "issue text",
        "answer": answer_schema(labels),
        "options": RequestOptions(temperature=0.2, reasoning_effort="low"),
    }
    return ModelRequest(**{**fields, **changes})


def test_the_response_schema_becomes_one_forced_self_contained_tool() -> None:
    params = messages_params(_request())
    assert params["system"] == "sys" and params["messages"] == [{"role": "user", "content": "issue text"}]
    assert params["max_tokens"] > 0 and params["temperature"] == 0.2
    assert "reasoning_effort" not in params  # the Messages API has no such parameter
    [tool] = params["tools"]
    assert params["tool_choice"] == {"type": "tool", "name": tool["name"]} and tool["name"] == "product_labeling"
    schema = tool["input_schema"]
    assert schema["type"] == "object" and "$defs" not in schema and "$ref" not in str(schema)
    label = schema["properties"]["recommended_labels"]["items"]["properties"]["label"]
    assert label["enum"] == ["product::a", "product::b"]
    assert messages_params(_request())["tools"][0]["input_schema"] is schema  # converted once per label set


def test_limits_context_and_a_request_without_schema_or_instructions() -> None:
    params = messages_params(_request(context="shared", max_output_tokens=300, answer=None, instructions=""))
    shared = {"type": "text", "text": "shared", "cache_control": {"type": "ephemeral", "ttl": "1h"}}
    content = [shared, {"type": "text", "text": "issue text"}]
    assert params["max_tokens"] == 300 and params["messages"] == [{"role": "user", "content": content}]
    assert not {"system", "tools", "tool_choice"} & set(params)


def test_result_types_map_to_item_outcomes() -> None:
    usage = {"input_tokens": 10, "output_tokens": 5}
    succeeded = parse_result(
        {
            "custom_id": "issue-1",
            "result": {
                "type": "succeeded",
                "message": {"content": [{"type": "tool_use", "name": "x", "input": {"a": 1}}], "usage": usage},
            },
        }
    )
    assert (succeeded.content, succeeded.input_tokens, succeeded.error_kind) == ('{"a":1}', 10, None)
    errored = parse_result(
        {
            "custom_id": "issue-2",
            "result": {
                "type": "errored",
                "error": {"type": "error", "error": {"type": "api_error", "message": "boom"}},
            },
        }
    )
    assert errored.error_kind is ItemErrorKind.REQUEST_ERROR and errored.error_message == "api_error: boom"
    assert parse_result({"custom_id": "c", "result": {"type": "canceled"}}).error_kind is ItemErrorKind.CANCELLED
    assert parse_result({"custom_id": "e", "result": {"type": "expired"}}).error_kind is ItemErrorKind.EXPIRED
    refused = parse_result(
        {"custom_id": "r", "result": {"type": "succeeded", "message": {"stop_reason": "refusal", "content": []}}}
    )
    assert refused.error_kind is ItemErrorKind.REFUSAL


def test_custom_ids_outside_the_documented_form_are_refused() -> None:
    import pytest

    from github_issue_analysis.ai.providers.anthropic_provider import AnthropicProvider

    provider = AnthropicProvider(api_key=None)
    assert provider.request_line("issue-12_a", _request()).startswith(b'{"custom_id":"issue-12_a","params":{')
    for bad in ("", "x" * 65, "issue 1", "issue#1"):
        with pytest.raises(ValueError):
            provider.request_line(bad, _request())
