"""Anthropic answers that are not what the Message Batches API documents (a proxy's HTML page, JSON without
an id) are one clear error, through the official SDK against a server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from github_issue_analysis_sandbox.server import BackgroundServer
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from github_issue_analysis.ai.providers.answers import MalformedAnswer
from github_issue_analysis.ai.providers.anthropic_provider import AnthropicProvider
from github_issue_analysis.domain.model_request import ModelRequest

ANSWERS: dict[str, Response] = {}
HEADERS: list[dict[str, str]] = []


async def answer(request: Request) -> Response:
    HEADERS.append(dict(request.headers))
    return ANSWERS[request.url.path]


@pytest.fixture(scope="module")
def proxy() -> Iterator[str]:
    app = Starlette(routes=[Route("/{path:path}", answer, methods=["GET", "POST"])])
    with BackgroundServer(app) as server:
        yield server.url


def ask(url: str, call: str) -> None:
    provider = AnthropicProvider("sk-test", base_url=url, max_retries=0)

    async def run() -> None:
        try:
            if call == "retrieve":
                await provider.retrieve("msgbatch_abc")
            else:
                line = provider.request_line("c1", ModelRequest("claude-haiku-4-5", "", "hello"))
                await provider.create(None, line, {})
        finally:
            await provider.close()

    asyncio.run(run())


def test_an_html_page_for_a_batch_is_a_clean_error(proxy: str) -> None:
    ANSWERS["/v1/messages/batches/msgbatch_abc"] = HTMLResponse("<html><body>Sign in to the proxy</body></html>")
    with pytest.raises(MalformedAnswer) as raised:
        ask(proxy, "retrieve")
    assert "ANTHROPIC_BASE_URL" in str(raised.value)


def test_a_create_answered_without_an_id_is_not_taken_for_a_batch(proxy: str) -> None:
    ANSWERS["/v1/messages/batches"] = JSONResponse({"type": "message_batch", "processing_status": "in_progress"})
    with pytest.raises(MalformedAnswer) as raised:
        ask(proxy, "create")
    assert "not a message batch" in str(raised.value) or "not what the API documents" in str(raised.value)


def test_the_key_travels_in_the_documented_x_api_key_header(proxy: str) -> None:
    ANSWERS["/v1/messages/batches/msgbatch_abc"] = HTMLResponse("<html></html>")
    HEADERS.clear()
    with pytest.raises(MalformedAnswer):
        ask(proxy, "retrieve")
    assert HEADERS and HEADERS[-1].get("x-api-key") == "sk-test"
    assert HEADERS[-1].get("anthropic-version")
