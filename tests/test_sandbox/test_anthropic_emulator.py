"""The Anthropic Message Batches emulator, driven through the official `anthropic` SDK over loopback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import anthropic
import httpx
import pytest
from anthropic import AsyncAnthropic
from anthropic.types.messages import MessageBatch
from github_issue_analysis_sandbox.anthropic_emulator import AnthropicEmulator, AnthropicEmulatorConfig
from pydantic import ValidationError

from tests.clock import FakeClock
from tests.test_sandbox.labeling_answer import Labeling

API_KEY = "sk-ant-sandbox-test"
START = 1_800_000_000.0
MODEL = "claude-haiku-4-5"
TOOL = "product_labeling"
LABELS = {
    "product::kots": "Admin console and installer for KOTS applications",
    "product::vendor": "Vendor portal for managing customers, licenses and releases",
    "product::sdk": "Replicated SDK running in the customer cluster",
}


def labeling_tool() -> dict[str, Any]:
    schema = Labeling.model_json_schema()
    schema["$defs"]["Recommended"]["properties"]["label"]["enum"] = list(LABELS)
    return {"name": TOOL, "description": "Record the labelling.", "input_schema": schema}


def prompt(title: str, body: str) -> str:
    available = "\n".join(f"- {name}: {description}" for name, description in LABELS.items())
    return (
        f"Repository: acme/app\nTitle: {title}\nCurrent labels: none\n"
        f"Available labels:\n{available}\nBody:\n{body}\nComments:\n"
    )


def params(
    title: str = "Admin console crashes", body: str = "The KOTS admin console installer fails."
) -> dict[str, Any]:
    return {
        "model": MODEL,
        "max_tokens": 1024,
        "system": "You label GitHub issues.",
        "messages": [{"role": "user", "content": prompt(title, body)}],
        "tools": [labeling_tool()],
        "tool_choice": {"type": "tool", "name": TOOL},
    }


def requests(count: int, **overrides: Any) -> list[dict[str, Any]]:
    return [{"custom_id": f"issue-{index}", "params": {**params(), **overrides}} for index in range(count)]


@dataclass
class Sandbox:
    emulator: AnthropicEmulator
    clock: FakeClock
    url: str
    client: AsyncAnthropic

    @property
    def config(self) -> AnthropicEmulatorConfig:
        return self.emulator.config

    async def create(self, items: list[dict[str, Any]]) -> MessageBatch:
        return await self.client.messages.batches.create(requests=items)  # type: ignore[arg-type]

    async def results(self, batch_id: str) -> dict[str, Any]:
        """Results by custom_id, as plain JSON (also parsed by the SDK on the way)."""
        decoded = await self.client.messages.batches.results(batch_id)
        return {line.custom_id: line.result.model_dump(mode="json") async for line in decoded}

    def raw(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers={"x-api-key": API_KEY, "anthropic-version": "2023-06-01"})


@pytest.fixture
async def sandbox(served_anthropic: tuple[AnthropicEmulator, str]) -> AsyncIterator[Sandbox]:
    emulator, url = served_anthropic
    clock = FakeClock(START)
    emulator.config = AnthropicEmulatorConfig(
        api_key=API_KEY, clock=clock, processing_seconds=10, canceling_seconds=1, retry_after_seconds=0.01
    )
    emulator.reset()
    async with AsyncAnthropic(api_key=API_KEY, base_url=url, max_retries=0) as client:
        yield Sandbox(emulator, clock, url, client)


# --- lifecycle and results


async def test_a_batch_runs_and_its_results_are_messages_with_the_forced_tool(sandbox: Sandbox) -> None:
    batch = await sandbox.create(requests(3))
    assert batch.type == "message_batch" and batch.id.startswith("msgbatch_")
    assert batch.processing_status == "in_progress" and batch.results_url is None and batch.ended_at is None
    assert batch.request_counts.processing == 3 and batch.request_counts.succeeded == 0
    assert batch.created_at.timestamp() == START
    assert batch.expires_at.timestamp() == START + 24 * 3600

    sandbox.clock.advance(5)
    halfway = await sandbox.client.messages.batches.retrieve(batch.id)
    assert halfway.processing_status == "in_progress" and halfway.request_counts.processing == 3

    sandbox.clock.advance(5)
    ended = await sandbox.client.messages.batches.retrieve(batch.id)
    assert ended.processing_status == "ended" and ended.ended_at is not None
    assert ended.ended_at.timestamp() == START + 10
    assert ended.request_counts.model_dump() == {
        "processing": 0,
        "succeeded": 3,
        "errored": 0,
        "canceled": 0,
        "expired": 0,
    }
    assert ended.results_url == f"{sandbox.url}/v1/messages/batches/{batch.id}/results"

    results = await sandbox.results(batch.id)
    assert sorted(results) == ["issue-0", "issue-1", "issue-2"]
    message = results["issue-0"]["message"]
    assert results["issue-0"]["type"] == "succeeded"
    assert message["type"] == "message" and message["role"] == "assistant" and message["model"] == MODEL
    assert message["id"].startswith("msg_") and message["stop_reason"] == "tool_use"
    [block] = message["content"]
    assert block["type"] == "tool_use" and block["name"] == TOOL and block["id"].startswith("toolu_")
    answer = Labeling.model_validate(block["input"])
    assert answer.recommended_labels[0].label == "product::kots"
    assert "Offline sandbox labeller" in answer.reasoning
    assert message["usage"]["input_tokens"] > 313 and message["usage"]["output_tokens"] > 0
    assert message["usage"]["service_tier"] == "batch"


async def test_results_are_not_in_request_order_but_every_custom_id_is_there_once(sandbox: Sandbox) -> None:
    batch = await sandbox.create(requests(40))
    sandbox.clock.advance(10)
    decoded = await sandbox.client.messages.batches.results(batch.id)
    order = [line.custom_id async for line in decoded]
    assert sorted(order) == sorted(f"issue-{index}" for index in range(40))
    assert order != [f"issue-{index}" for index in range(40)]


async def test_results_stream_is_jsonl_of_documented_lines(sandbox: Sandbox) -> None:
    batch = await sandbox.create(requests(2))
    sandbox.clock.advance(10)
    async with sandbox.raw() as raw:
        response = await raw.get(f"/v1/messages/batches/{batch.id}/results")
    assert response.status_code == 200
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [set(line) for line in lines] == [{"custom_id", "result"}] * 2
    assert {line["result"]["type"] for line in lines} == {"succeeded"}


async def test_results_before_the_batch_ends_are_refused(sandbox: Sandbox) -> None:
    batch = await sandbox.create(requests(1))
    with pytest.raises(anthropic.AnthropicError, match="No `results_url`"):
        await sandbox.client.messages.batches.results(batch.id)
    async with sandbox.raw() as raw:
        response = await raw.get(f"/v1/messages/batches/{batch.id}/results")
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"


async def test_results_are_gone_after_29_days(sandbox: Sandbox) -> None:
    batch = await sandbox.create(requests(1))
    sandbox.clock.advance(29 * 24 * 3600 + 1)
    with pytest.raises(anthropic.NotFoundError):
        await sandbox.results(batch.id)


async def test_invalid_params_become_errored_results_not_a_failed_create(sandbox: Sandbox) -> None:
    items = requests(2)
    del items[1]["params"]["max_tokens"]
    batch = await sandbox.create(items)
    sandbox.clock.advance(10)
    ended = await sandbox.client.messages.batches.retrieve(batch.id)
    assert (ended.request_counts.succeeded, ended.request_counts.errored) == (1, 1)
    errored = (await sandbox.results(batch.id))["issue-1"]
    assert errored["type"] == "errored"
    assert errored["error"]["type"] == "error"
    assert errored["error"]["error"] == {"type": "invalid_request_error", "message": "max_tokens: Field required"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tool_choice": {"type": "tool", "name": "other"}}, "tool_choice.tool.name: Tool 'other' not found"),
        ({"messages": []}, "messages: at least one message is required"),
        ({"messages": [{"role": "system", "content": "x"}]}, "messages.0.role"),
        ({"tools": [{"name": "bad name!", "input_schema": {"type": "object"}}]}, "tools.0.name"),
        ({"temperature": 3}, "temperature"),
        ({"response_format": {"type": "json_object"}}, "response_format: Extra inputs are not permitted"),
    ],
)
async def test_messages_params_are_validated_as_documented(
    sandbox: Sandbox, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(anthropic.BadRequestError) as caught:
        await sandbox.client.messages.create(**params(), extra_body=change)
    assert caught.value.status_code == 400
    body = caught.value.body
    assert isinstance(body, dict) and body["type"] == "error"
    assert body["error"]["type"] == "invalid_request_error" and message in body["error"]["message"]


# --- create-time validation


@pytest.mark.parametrize(
    ("custom_id", "reason"),
    [("has space", "pattern"), ("x" * 65, "pattern"), ("", "pattern"), ("ok.dot", "pattern")],
)
async def test_custom_ids_must_match_the_documented_pattern(sandbox: Sandbox, custom_id: str, reason: str) -> None:
    with pytest.raises(anthropic.BadRequestError, match=reason):
        await sandbox.create([{"custom_id": custom_id, "params": params()}])
    assert sandbox.emulator.batches == {}


async def test_custom_ids_of_64_safe_characters_are_accepted(sandbox: Sandbox) -> None:
    batch = await sandbox.create([{"custom_id": "A-z_9" + "x" * 59, "params": params()}])
    assert batch.request_counts.processing == 1


async def test_duplicate_custom_ids_are_refused(sandbox: Sandbox) -> None:
    items = requests(2)
    items[1]["custom_id"] = items[0]["custom_id"]
    with pytest.raises(anthropic.BadRequestError, match="Duplicate custom_id 'issue-0'"):
        await sandbox.create(items)


async def test_request_count_and_size_limits(sandbox: Sandbox) -> None:
    assert AnthropicEmulatorConfig().max_requests_per_batch == 100_000
    assert AnthropicEmulatorConfig().max_batch_bytes == 256 * 1024 * 1024
    with pytest.raises(anthropic.BadRequestError, match="at least 1 item"):
        await sandbox.create([])
    sandbox.config.max_requests_per_batch = 3
    with pytest.raises(anthropic.BadRequestError, match="at most 3 items"):
        await sandbox.create(requests(4))
    sandbox.config.max_requests_per_batch = 100
    sandbox.config.max_batch_bytes = 10_000
    with pytest.raises(anthropic.APIStatusError) as caught:
        await sandbox.create(requests(20))
    assert caught.value.status_code == 413
    assert isinstance(caught.value.body, dict) and caught.value.body["error"]["type"] == "request_too_large"


# --- auth and headers


async def test_a_wrong_key_is_refused(sandbox: Sandbox) -> None:
    async with AsyncAnthropic(api_key="sk-wrong", base_url=sandbox.url, max_retries=0) as client:
        with pytest.raises(anthropic.AuthenticationError) as caught:
            await client.messages.batches.list()
    assert isinstance(caught.value.body, dict) and caught.value.body["error"]["type"] == "authentication_error"


async def test_x_api_key_header_is_accepted_and_a_missing_key_is_401(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url) as raw:
        ok = await raw.get("/v1/messages/batches", headers={"x-api-key": API_KEY, "anthropic-version": "2023-06-01"})
        missing = await raw.get("/v1/messages/batches", headers={"anthropic-version": "2023-06-01"})
        bad_version = await raw.get("/v1/messages/batches", headers={"x-api-key": API_KEY, "anthropic-version": "x"})
    assert ok.status_code == 200 and ok.json() == {"data": [], "has_more": False, "first_id": None, "last_id": None}
    assert missing.status_code == 401 and missing.json()["error"]["type"] == "authentication_error"
    assert missing.headers["request-id"] == missing.json()["request_id"]
    assert bad_version.status_code == 400


# --- list


async def test_list_is_newest_first_with_cursors(sandbox: Sandbox) -> None:
    ids = []
    for _ in range(5):
        ids.append((await sandbox.create(requests(1))).id)
        sandbox.clock.advance(1)
    newest_first = list(reversed(ids))
    page = await sandbox.client.messages.batches.list(limit=2)
    assert [batch.id for batch in page.data] == newest_first[:2]
    assert page.has_more and page.first_id == newest_first[0] and page.last_id == newest_first[1]
    assert [batch.id async for batch in await sandbox.client.messages.batches.list(limit=2)] == newest_first
    older = await sandbox.client.messages.batches.list(limit=2, after_id=newest_first[1])
    assert [batch.id for batch in older.data] == newest_first[2:4] and older.has_more
    newer = await sandbox.client.messages.batches.list(limit=2, before_id=newest_first[3])
    assert [batch.id for batch in newer.data] == newest_first[1:3] and newer.has_more
    with pytest.raises(anthropic.BadRequestError):
        await sandbox.client.messages.batches.list(limit=1001)


# --- cancel, delete, expiry


async def test_cancel_mid_batch_cancels_the_unprocessed_requests(sandbox: Sandbox) -> None:
    batch = await sandbox.create(requests(10))
    sandbox.clock.advance(4)
    canceling = await sandbox.client.messages.batches.cancel(batch.id)
    assert canceling.processing_status == "canceling" and canceling.cancel_initiated_at is not None
    assert canceling.request_counts.processing == 10
    sandbox.clock.advance(1)
    ended = await sandbox.client.messages.batches.retrieve(batch.id)
    assert ended.processing_status == "ended"
    assert (ended.request_counts.succeeded, ended.request_counts.canceled) == (4, 6)
    results = await sandbox.results(batch.id)
    assert {custom_id for custom_id, result in results.items() if result["type"] == "canceled"} == {
        f"issue-{index}" for index in range(4, 10)
    }
    with pytest.raises(anthropic.BadRequestError, match="already ended"):
        await sandbox.client.messages.batches.cancel(batch.id)


async def test_delete_only_once_ended(sandbox: Sandbox) -> None:
    batch = await sandbox.create(requests(1))
    with pytest.raises(anthropic.BadRequestError, match="cancel it first"):
        await sandbox.client.messages.batches.delete(batch.id)
    sandbox.clock.advance(10)
    deleted = await sandbox.client.messages.batches.delete(batch.id)
    assert (deleted.id, deleted.type) == (batch.id, "message_batch_deleted")
    with pytest.raises(anthropic.NotFoundError) as caught:
        await sandbox.client.messages.batches.retrieve(batch.id)
    assert isinstance(caught.value.body, dict) and caught.value.body["error"]["type"] == "not_found_error"


async def test_a_batch_past_its_deadline_ends_with_expired_requests(sandbox: Sandbox) -> None:
    sandbox.config.expire_after_seconds = 3
    batch = await sandbox.create(requests(10))
    assert batch.expires_at.timestamp() == START + 3
    sandbox.clock.advance(3)
    ended = await sandbox.client.messages.batches.retrieve(batch.id)
    assert ended.processing_status == "ended" and ended.ended_at is not None
    assert ended.ended_at.timestamp() == START + 3
    assert (ended.request_counts.succeeded, ended.request_counts.expired) == (3, 7)
    kinds = sorted(result["type"] for result in (await sandbox.results(batch.id)).values())
    assert kinds == ["expired"] * 7 + ["succeeded"] * 3


# --- limits and faults


async def test_queue_limit_answers_429_until_batches_end(sandbox: Sandbox) -> None:
    sandbox.config.queue_limit = 5
    await sandbox.create(requests(3))
    with pytest.raises(anthropic.RateLimitError) as caught:
        await sandbox.create(requests(3))
    assert isinstance(caught.value.body, dict) and caught.value.body["error"]["type"] == "rate_limit_error"
    assert "queue" in caught.value.body["error"]["message"]
    assert caught.value.response.headers["retry-after"] == "0.01"
    sandbox.clock.advance(10)
    assert (await sandbox.create(requests(3))).request_counts.processing == 3
    stats = sandbox.emulator.stats.to_api()
    assert stats["batches_created"] == 2 and stats["peak_queued_requests"] == 3


async def test_http_faults_use_anthropic_statuses(sandbox: Sandbox) -> None:
    sandbox.config.http_429_rate = 1.0
    with pytest.raises(anthropic.RateLimitError):
        await sandbox.client.messages.batches.list()
    sandbox.config.http_429_rate = 0.0
    sandbox.config.http_5xx_rate = 1.0
    statuses = set()
    for _ in range(12):
        with pytest.raises(anthropic.InternalServerError) as caught:
            await sandbox.create(requests(1))
        statuses.add(caught.value.status_code)
    assert statuses == {500, 529}
    assert sandbox.emulator.batches == {}


async def test_the_sdk_retries_through_injected_faults(sandbox: Sandbox) -> None:
    sandbox.config.http_5xx_rate = 0.5
    async with AsyncAnthropic(api_key=API_KEY, base_url=sandbox.url, max_retries=8) as client:
        pages = [await client.messages.batches.list() for _ in range(5)]
    assert all(page.data == [] for page in pages)
    assert sum(sandbox.emulator.stats.faults.values()) > 0


async def test_per_request_faults(sandbox: Sandbox) -> None:
    sandbox.config.line_failure_rate = 1.0
    failed = await sandbox.create(requests(2))
    sandbox.config.line_failure_rate = 0.0
    sandbox.config.non_json_rate = 1.0
    prose = await sandbox.create(requests(1))
    sandbox.config.non_json_rate = 0.0
    sandbox.config.schema_violation_rate = 1.0
    broken = await sandbox.create(requests(1))
    sandbox.config.schema_violation_rate = 0.0
    sandbox.config.refusal_rate = 1.0
    refused = await sandbox.create(requests(1))
    sandbox.clock.advance(10)

    errored = (await sandbox.results(failed.id))["issue-0"]
    assert errored["type"] == "errored" and errored["error"]["error"]["type"] == "api_error"
    text = (await sandbox.results(prose.id))["issue-0"]["message"]
    assert text["content"][0]["type"] == "text" and text["stop_reason"] == "end_turn"
    violated = (await sandbox.results(broken.id))["issue-0"]["message"]["content"][0]["input"]
    with pytest.raises(ValidationError):
        Labeling.model_validate(violated)
    refusal = (await sandbox.results(refused.id))["issue-0"]["message"]
    assert refusal["stop_reason"] == "refusal" and refusal["content"] == []
    assert sandbox.emulator.stats.faults["line_failure"] == 2


async def test_control_api_changes_settings_and_reports_stats(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url) as raw:
        changed = await raw.post("/_sandbox/config", json={"queue_limit": 7, "latency_ms": 1})
        refused = await raw.post("/_sandbox/config", json={"http_429_rate": 2})
        await sandbox.create(requests(2))
        stats = (await raw.get("/_sandbox/stats")).json()
    assert changed.status_code == 200 and changed.json()["queue_limit"] == 7 and "api_key" not in changed.json()
    assert changed.json()["api_key_set"] is True
    assert refused.status_code == 400 and sandbox.config.http_429_rate == 0.0
    assert stats["requests"]["POST /v1/messages/batches"] == 1 and stats["queued_requests"] == 2


# --- live Messages API


async def test_live_message_answers_with_the_forced_tool(sandbox: Sandbox) -> None:
    message = await sandbox.client.messages.create(
        **params("Vendor portal", "Customers and licenses in the vendor portal.")
    )
    assert message.type == "message" and message.stop_reason == "tool_use"
    block = message.content[0]
    assert block.type == "tool_use" and block.name == TOOL
    assert Labeling.model_validate(block.input).recommended_labels[0].label == "product::vendor"
    assert message.usage.service_tier == "standard" and message.usage.input_tokens > 0
    assert sandbox.emulator.stats.messages_created == 1


async def test_live_message_is_cut_at_max_tokens(sandbox: Sandbox) -> None:
    message = await sandbox.client.messages.create(**{**params(), "max_tokens": 5})
    assert message.stop_reason == "max_tokens" and message.usage.output_tokens == 5


async def test_live_message_faults(sandbox: Sandbox) -> None:
    sandbox.config.line_failure_rate = 1.0
    with pytest.raises(anthropic.InternalServerError) as caught:
        await sandbox.client.messages.create(**params())
    assert caught.value.status_code == 500


async def test_tool_choice_any_with_one_tool_calls_it_and_auto_answers_text(sandbox: Sandbox) -> None:
    forced = await sandbox.client.messages.create(**{**params(), "tool_choice": {"type": "any"}})
    assert forced.content[0].type == "tool_use" and forced.stop_reason == "tool_use"
    free = await sandbox.client.messages.create(**{**params(), "tool_choice": {"type": "auto"}})
    assert free.content[0].type == "text" and free.stop_reason == "end_turn"
    assert "Offline sandbox labeller" in free.content[0].text


async def test_successful_answers_carry_a_request_id(sandbox: Sandbox) -> None:
    response = await sandbox.client.messages.batches.with_raw_response.list()
    assert response.headers["request-id"].startswith("req_")


async def test_cancel_while_canceling_is_idempotent(sandbox: Sandbox) -> None:
    batch = await sandbox.create(requests(4))
    first = await sandbox.client.messages.batches.cancel(batch.id)
    sandbox.clock.advance(0.5)
    again = await sandbox.client.messages.batches.cancel(batch.id)
    assert again.processing_status == "canceling" and again.cancel_initiated_at == first.cancel_initiated_at


@pytest.mark.slow
async def test_a_batch_of_two_thousand_requests(sandbox: Sandbox) -> None:
    items = [
        {"custom_id": f"n{index}", "params": params("Vendor portal", f"License {index} in the vendor portal.")}
        for index in range(2000)
    ]
    batch = await sandbox.create(items)
    sandbox.clock.advance(10)
    ended = await sandbox.client.messages.batches.retrieve(batch.id)
    assert ended.request_counts.succeeded == 2000
    results = await sandbox.results(batch.id)
    assert len(results) == 2000
    labels = {result["message"]["content"][0]["input"]["recommended_labels"][0]["label"] for result in results.values()}
    assert labels == {"product::vendor"}


async def test_structured_outputs_answer_json_text_following_the_schema(sandbox: Sandbox) -> None:
    schema = labeling_tool()["input_schema"]
    plain = {key: value for key, value in params().items() if key not in ("tools", "tool_choice")}
    message = await sandbox.client.messages.create(
        **plain, output_config={"format": {"type": "json_schema", "schema": schema}}
    )
    assert message.stop_reason == "end_turn" and message.content[0].type == "text"
    assert Labeling.model_validate_json(message.content[0].text).recommended_labels[0].label == "product::kots"
    with pytest.raises(anthropic.BadRequestError, match=r"output_config.format.type"):
        await sandbox.client.messages.create(**plain, extra_body={"output_config": {"format": {"type": "xml"}}})
