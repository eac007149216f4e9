"""Batch request lines never carry a raw U+2028 or U+2029: a reader that splits lines on them (Python's
`str.splitlines`, JavaScript) would cut one request in two. The text comes back unchanged when parsed."""

from __future__ import annotations

import json

import pytest

from github_issue_analysis.ai.providers.anthropic_provider import AnthropicProvider
from github_issue_analysis.ai.providers.base import BatchProvider
from github_issue_analysis.ai.providers.openai_provider import OpenAIProvider
from github_issue_analysis.domain.model_request import ModelRequest

TEXT = "first\u2028second\u2029third \u00e9 \u65e5\u672c"


@pytest.mark.parametrize("provider", [OpenAIProvider(api_key=None), AnthropicProvider(api_key=None)])
def test_a_request_line_is_one_line_to_every_reader(provider: BatchProvider) -> None:
    request = ModelRequest("some-model", f"system {TEXT}", f"issue {TEXT}")
    line = provider.request_line("issue-1", request)
    text = line.decode("utf-8")
    assert "\u2028" not in text and "\u2029" not in text
    assert text.splitlines() == [text.rstrip("\n")]
    assert TEXT in json.dumps(json.loads(text), ensure_ascii=False)
