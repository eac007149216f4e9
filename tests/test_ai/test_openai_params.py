"""Pure parts of the OpenAI provider: the /v1/chat/completions body it writes for a provider-neutral request."""

from __future__ import annotations

import orjson

from github_issue_analysis.ai.processors.product_labeling import LabelSet, answer_schema
from github_issue_analysis.ai.providers.openai_provider import ENDPOINT, OpenAIProvider, chat_body
from github_issue_analysis.domain.model_request import ModelRequest, RequestOptions
from github_issue_analysis.storage.records import LabelRecord

LABELS = LabelSet((LabelRecord(name="product::a"), LabelRecord(name="product::b")))


def test_the_request_becomes_a_chat_body_with_a_strict_json_schema_response_format() -> None:
    request = ModelRequest("gpt-4o-mini", "sys", "issue text", answer_schema(LABELS), options=RequestOptions(0.2))
    body = chat_body(request)
    assert list(body) == ["model", "messages", "response_format", "temperature"]  # the order lines were sent in
    assert body["messages"] == [{"role": "system", "content": "sys"}, {"role": "user", "content": "issue text"}]
    spec = body["response_format"]["json_schema"]
    assert body["response_format"]["type"] == "json_schema" and spec["name"] == "product_labeling"
    assert spec["strict"] is True and spec["schema"] is answer_schema(LABELS).schema
    label = spec["schema"]["$defs"]["RecommendedLabel"]["properties"]["label"]
    assert label["enum"] == ["product::a", "product::b"] and body["temperature"] == 0.2


def test_options_limits_and_context_are_written_only_when_given() -> None:
    bare = chat_body(ModelRequest("o4-mini", "", "issue text"))
    assert bare == {"model": "o4-mini", "messages": [{"role": "user", "content": "issue text"}]}
    full = chat_body(
        ModelRequest(
            "o4-mini",
            "sys",
            "issue text",
            context="labels",
            max_output_tokens=500,
            options=RequestOptions(reasoning_effort="low"),
        )
    )
    assert full["messages"][1] == {"role": "user", "content": "labels\nissue text"}
    assert full["max_completion_tokens"] == 500 and full["reasoning_effort"] == "low" and "temperature" not in full


def test_a_batch_line_carries_the_same_body_as_the_live_call() -> None:
    request = ModelRequest("gpt-4o-mini", "sys", "issue text", answer_schema(LABELS))
    line = OpenAIProvider(api_key=None).request_line("issue-7", request)
    assert line.endswith(b"\n")
    assert orjson.loads(line) == {"custom_id": "issue-7", "method": "POST", "url": ENDPOINT, "body": chat_body(request)}
