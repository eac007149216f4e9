"""The Gemini batch-mode emulator, driven through the official `google-genai` SDK over loopback.

Batches are created with inlined requests and from an uploaded JSONL file, then read back (get, list with
paging and each order within a second, cancel, delete, the output file's download); expiry and failure keep
what the reference says they keep; live `generate_content` answers under a response schema; a request
without a key, with a wrong key, over the size limit or with an unknown field is refused as the API does.
The emulator runs on a fake clock, so no test sleeps.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from anthropic import Anthropic
from github_issue_analysis_sandbox.anthropic_emulator import AnthropicEmulator, AnthropicEmulatorConfig
from github_issue_analysis_sandbox.emulator_common import newest_first
from github_issue_analysis_sandbox.gemini_emulator import GeminiEmulator, GeminiEmulatorConfig
from github_issue_analysis_sandbox.openai_emulator import EmulatorConfig, OpenAIEmulator
from google import genai
from google.genai import errors, types
from openai import OpenAI

from tests.clock import FakeClock
from tests.test_sandbox.labeling_answer import Labeling

API_KEY = "gemini-sandbox-test"
START = 1_800_000_000.0
MODEL = "gemini-2.5-flash"
LABELS = {
    "product::kots": "Admin console and installer for KOTS applications",
    "product::vendor": "Vendor portal for managing customers, licenses and releases",
    "product::sdk": "Replicated SDK running in the customer cluster",
}


def prompt(title: str = "Admin console crashes", body: str = "The KOTS admin console installer fails.") -> str:
    available = "\n".join(f"- {name}: {description}" for name, description in LABELS.items())
    return (
        f"Repository: acme/app\nTitle: {title}\nCurrent labels: none\n"
        f"Available labels:\n{available}\nBody:\n{body}\nComments:\n"
    )


def labeling_schema() -> dict[str, Any]:
    schema = Labeling.model_json_schema()
    schema["$defs"]["Recommended"]["properties"]["label"]["enum"] = list(LABELS)
    return schema


def answer_config(**extra: Any) -> types.GenerateContentConfig:
    return types.GenerateContentConfig(
        system_instruction="You label GitHub issues.",
        response_mime_type="application/json",
        response_json_schema=labeling_schema(),
        **extra,
    )


def inlined(count: int) -> list[types.InlinedRequest]:
    return [
        types.InlinedRequest(contents=prompt(), metadata={"key": f"issue-{index}"}, config=answer_config())
        for index in range(count)
    ]


def file_line(key: str, request: dict[str, Any] | None = None) -> dict[str, Any]:
    body = request or {
        "contents": [{"role": "user", "parts": [{"text": prompt()}]}],
        "generationConfig": {"responseMimeType": "application/json", "responseJsonSchema": labeling_schema()},
    }
    return {"key": key, "request": body}


@dataclass
class Sandbox:
    emulator: GeminiEmulator
    clock: FakeClock
    url: str
    client: genai.Client

    @property
    def config(self) -> GeminiEmulatorConfig:
        return self.emulator.config

    def create(self, count: int = 3, name: str = "group-1-job-1") -> types.BatchJob:
        return self.client.batches.create(model=MODEL, src=inlined(count), config={"display_name": name})

    def upload(self, lines: list[dict[str, Any]] | list[str]) -> types.File:
        text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
        stream = io.BytesIO(text.encode())
        return self.client.files.upload(file=stream, config={"mime_type": "application/jsonl", "display_name": "in"})

    def get(self, job: types.BatchJob) -> types.BatchJob:
        assert job.name
        return self.client.batches.get(name=job.name)

    def raw(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"x-goog-api-key": API_KEY, **kwargs.pop("headers", {})}
        return httpx.request(method, f"{self.url}{path}", headers=headers, **kwargs)

    def operation(self, job: types.BatchJob) -> dict[str, Any]:
        response = self.raw("GET", f"/v1beta/{job.name}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def client_for(url: str, key: str = API_KEY, version: str | None = "v1beta") -> genai.Client:
    return genai.Client(api_key=key, http_options=types.HttpOptions(base_url=url, api_version=version))


@pytest.fixture(scope="module")
def gemini_client(served_gemini: tuple[GeminiEmulator, str]) -> Iterator[genai.Client]:
    """One SDK client for the module, on the session's emulator (tests/conftest.py); each test resets it."""
    client = client_for(served_gemini[1])
    yield client
    client.close()


@pytest.fixture
def sandbox(served_gemini: tuple[GeminiEmulator, str], gemini_client: genai.Client) -> Sandbox:
    emulator, url = served_gemini
    client = gemini_client
    clock = FakeClock(START)
    emulator.config = GeminiEmulatorConfig(
        api_key=API_KEY, clock=clock, pending_seconds=1, processing_seconds=10, cancelling_seconds=1
    )
    emulator.reset()
    return Sandbox(emulator, clock, url, client)


def answer_of(response: types.GenerateContentResponse | None) -> Labeling:
    assert response is not None and response.text is not None
    return Labeling.model_validate_json(response.text)


# --- inlined batches


def test_inline_batch_runs_to_success_with_answers_in_request_order(sandbox: Sandbox) -> None:
    job = sandbox.create(3)
    assert job.name is not None and job.name.startswith("batches/")
    assert (job.state, job.display_name, job.model) == (
        types.JobState.JOB_STATE_PENDING,
        "group-1-job-1",
        f"models/{MODEL}",
    )
    assert job.dest is None

    sandbox.clock.advance(1 + 5)
    running = sandbox.operation(job)
    assert "done" not in running
    assert running["metadata"]["state"] == "BATCH_STATE_RUNNING"
    assert running["metadata"]["@type"].endswith("GenerateContentBatch")
    assert running["metadata"]["batchStats"] == {
        "requestCount": "3",
        "successfulRequestCount": "1",
        "pendingRequestCount": "2",
    }

    sandbox.clock.advance(5)
    done = sandbox.get(job)
    assert done.state == types.JobState.JOB_STATE_SUCCEEDED and done.end_time is not None
    assert done.dest is not None and done.dest.inlined_responses is not None
    assert [item.metadata for item in done.dest.inlined_responses] == [{"key": f"issue-{i}"} for i in range(3)]
    first = done.dest.inlined_responses[0].response
    answer = answer_of(first)
    assert answer.recommended_labels[0].label == "product::kots"
    assert "not a language model" in answer.reasoning
    assert first is not None and first.usage_metadata is not None
    usage = first.usage_metadata
    assert usage.prompt_token_count and usage.candidates_token_count
    assert usage.total_token_count == usage.prompt_token_count + usage.candidates_token_count
    operation = sandbox.operation(job)
    assert operation["done"] is True
    assert operation["response"]["@type"].endswith("GenerateContentBatchOutput")
    assert operation["metadata"]["batchStats"] == {"requestCount": "3", "successfulRequestCount": "3"}


def test_the_default_api_version_of_the_sdk_is_served_too(sandbox: Sandbox) -> None:
    client = client_for(sandbox.url, version=None)
    job = client.batches.create(model=MODEL, src=inlined(1), config={"display_name": "v1"})
    assert job.name is not None
    assert client.batches.get(name=job.name).display_name == "v1"


def test_create_needs_a_display_name_and_refuses_unknown_fields(sandbox: Sandbox) -> None:
    with pytest.raises(errors.ClientError) as refused:
        sandbox.client.batches.create(model=MODEL, src=inlined(1))
    assert refused.value.code == 400 and "display_name" in str(refused.value.message)

    body = {"batch": {"displayName": "x", "inputConfig": {"requests": {"requests": [{"request": {"bogus": 1}}]}}}}
    response = sandbox.raw("POST", f"/v1beta/models/{MODEL}:batchGenerateContent", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT" and error["code"] == 400
    assert 'Unknown name "bogus"' in error["message"]
    assert "batch.input_config.requests.requests[0].request" in error["message"]
    assert sandbox.emulator.batches == {}


def test_a_request_over_the_size_limit_is_refused(sandbox: Sandbox) -> None:
    assert GeminiEmulatorConfig().max_request_bytes == 20 * 1024 * 1024  # documented inline limit
    sandbox.config.max_request_bytes = 4_000
    with pytest.raises(errors.ClientError) as refused:
        sandbox.create(3)
    assert refused.value.code == 400 and "payload size exceeds the limit: 4000 bytes" in str(refused.value.message)
    assert sandbox.emulator.batches == {}


# --- file input and the output file


def test_file_batch_writes_an_output_file_with_one_keyed_line_per_request(sandbox: Sandbox) -> None:
    bad = file_line("issue-bad", {"contents": [{"parts": [{"text": "x"}]}], "generationConfig": {"bogus": True}})
    uploaded = sandbox.upload([file_line(f"issue-{i}") for i in range(4)] + [bad, "not json"])
    assert uploaded.name is not None and uploaded.state == types.FileState.ACTIVE
    assert uploaded.size_bytes and uploaded.source == types.FileSource.UPLOADED
    assert sandbox.client.files.get(name=uploaded.name).mime_type == "application/jsonl"

    job = sandbox.client.batches.create(model=MODEL, src=uploaded.name, config={"display_name": "from-file"})
    assert sandbox.operation(job)["metadata"]["inputConfig"] == {"fileName": uploaded.name}
    sandbox.clock.advance(11)
    done = sandbox.get(job)
    assert done.state == types.JobState.JOB_STATE_SUCCEEDED
    assert done.dest is not None and done.dest.file_name and done.dest.inlined_responses is None

    lines = [json.loads(line) for line in sandbox.client.files.download(file=done.dest.file_name).splitlines()]
    assert len(lines) == 6
    by_key = {line.get("key"): line for line in lines}
    for index in range(4):
        response = types.GenerateContentResponse.model_validate(by_key[f"issue-{index}"]["response"])
        assert answer_of(response).recommended_labels[0].label == "product::kots"
    assert 'Unknown name "bogus"' in by_key["issue-bad"]["error"]["message"]
    assert by_key[None]["error"]["code"] == 3  # the line that is not JSON has no key
    assert [line.get("key") for line in lines] != [*(f"issue-{i}" for i in range(4)), "issue-bad", None]  # shuffled
    assert sandbox.operation(job)["metadata"]["batchStats"] == {
        "requestCount": "6",
        "successfulRequestCount": "4",
        "failedRequestCount": "2",
    }


def test_an_uploaded_file_cannot_be_downloaded_and_a_deleted_one_is_gone(sandbox: Sandbox) -> None:
    uploaded = sandbox.upload([file_line("a")])
    assert uploaded.name is not None
    response = sandbox.raw("GET", f"/download/v1beta/{uploaded.name}:download", params={"alt": "media"})
    assert response.status_code == 400 and "Only generated files" in response.json()["error"]["message"]
    sandbox.client.files.delete(name=uploaded.name)
    with pytest.raises(errors.ClientError) as gone:
        sandbox.client.files.get(name=uploaded.name)
    assert gone.value.code == 403


# --- get, list, cancel, delete


def test_list_pages_newest_first(sandbox: Sandbox) -> None:
    names = []
    for index in range(5):
        job = sandbox.create(1, name=f"job-{index}")
        names.append(job.name)
        sandbox.clock.advance(1.5)
    first = sandbox.client.batches.list(config={"page_size": 2})
    assert [job.name for job in first.page] == names[::-1][:2]
    assert first.config is not None
    assert [job.name for job in first] == names[::-1]  # the pager follows nextPageToken
    page = sandbox.raw("GET", "/v1beta/batches", params={"pageSize": 2}).json()
    assert len(page["operations"]) == 2 and page["nextPageToken"]
    last = sandbox.raw("GET", "/v1beta/batches", params={"pageSize": 4, "pageToken": page["nextPageToken"]}).json()
    assert [op["name"] for op in last["operations"]] == names[::-1][2:] and "nextPageToken" not in last
    bad = sandbox.raw("GET", "/v1beta/batches", params={"pageToken": "nonsense"})
    assert bad.status_code == 400 and bad.json()["error"]["status"] == "INVALID_ARGUMENT"


@pytest.mark.parametrize("order", ["newest", "oldest", "random"])
def test_list_order_within_a_second_is_configurable(sandbox: Sandbox, order: str) -> None:
    sandbox.config.list_order_within_second = order  # type: ignore[assignment]
    earlier = sandbox.create(1, name="earlier").name
    sandbox.clock.advance(1)
    same_second = [sandbox.create(1, name=f"same-{index}").name for index in range(6)]
    sandbox.clock.advance(1)
    later = sandbox.create(1, name="later").name

    listed = [job.name for job in sandbox.client.batches.list(config={"page_size": 3})]
    assert listed[0] == later and listed[-1] == earlier
    middle = listed[1:-1]
    if order == "newest":
        assert middle == same_second[::-1]
    elif order == "oldest":
        assert middle == same_second
    else:
        assert sorted(middle) == sorted(same_second) and middle not in (same_second, same_second[::-1])
    assert [job.name for job in sandbox.client.batches.list(config={"page_size": 100})] == listed  # stable


def test_newest_first_orders_by_second_then_by_the_setting() -> None:
    records = [(0.1, "a"), (0.9, "b"), (1.2, "c"), (1.3, "d"), (1.9, "e"), (3.0, "f")]
    ids = [ident for _, ident in newest_first(records, lambda r: r[0], lambda r: r[1], "newest", 0)]
    assert ids == ["f", "e", "d", "c", "b", "a"]
    ids = [ident for _, ident in newest_first(records, lambda r: r[0], lambda r: r[1], "oldest", 0)]
    assert ids == ["f", "c", "d", "e", "a", "b"]
    shuffled = [ident for _, ident in newest_first(records, lambda r: r[0], lambda r: r[1], "random", 0)]
    assert shuffled[0] == "f" and set(shuffled[1:4]) == {"c", "d", "e"} and set(shuffled[4:]) == {"a", "b"}


def test_cancel_keeps_the_answers_of_requests_run_before_it(sandbox: Sandbox) -> None:
    job = sandbox.create(4)
    sandbox.clock.advance(1 + 5)  # two of four requests done
    assert job.name is not None
    sandbox.client.batches.cancel(name=job.name)
    assert sandbox.get(job).state == types.JobState.JOB_STATE_RUNNING  # a cancel takes `cancelling_seconds`
    sandbox.clock.advance(1)
    cancelled = sandbox.get(job)
    assert cancelled.state == types.JobState.JOB_STATE_CANCELLED
    assert cancelled.dest is not None and cancelled.dest.inlined_responses is not None
    kept = [item.response is not None for item in cancelled.dest.inlined_responses]
    assert kept == [True, True, False, False]
    assert cancelled.dest.inlined_responses[3].error is not None
    assert cancelled.dest.inlined_responses[3].error.code == 1  # CANCELLED
    operation = sandbox.operation(job)
    assert operation["done"] is True and operation["error"]["code"] == 1
    assert operation["metadata"]["batchStats"]["successfulRequestCount"] == "2"

    sandbox.client.batches.cancel(name=job.name)  # again: nothing changes
    finished = sandbox.create(1)
    sandbox.clock.advance(11)
    assert finished.name is not None
    with pytest.raises(errors.ClientError) as refused:
        sandbox.client.batches.cancel(name=finished.name)
    assert refused.value.code == 400 and refused.value.status == "FAILED_PRECONDITION"


def test_a_cancelled_batch_can_be_set_to_keep_nothing(sandbox: Sandbox) -> None:
    sandbox.config.keep_output_on_cancel = False
    job = sandbox.create(4)
    sandbox.clock.advance(6)
    assert job.name is not None
    sandbox.client.batches.cancel(name=job.name)
    sandbox.clock.advance(1)
    cancelled = sandbox.get(job)
    assert cancelled.state == types.JobState.JOB_STATE_CANCELLED and cancelled.dest is None


def test_delete_forgets_a_batch_even_while_it_runs(sandbox: Sandbox) -> None:
    job = sandbox.create(1)
    assert job.name is not None
    sandbox.client.batches.delete(name=job.name)
    with pytest.raises(errors.ClientError) as gone:
        sandbox.client.batches.get(name=job.name)
    assert gone.value.code == 404 and gone.value.status == "NOT_FOUND"
    assert list(sandbox.client.batches.list()) == []


# --- expiry, failure and the other fault switches


def test_an_expired_batch_keeps_no_results(sandbox: Sandbox) -> None:
    sandbox.config.expire_after_seconds = 6
    job = sandbox.create(4)
    sandbox.clock.advance(6)
    expired = sandbox.get(job)
    assert expired.state == types.JobState.JOB_STATE_EXPIRED and expired.dest is None
    operation = sandbox.operation(job)
    assert operation["done"] is True and operation["error"]["code"] == 4  # DEADLINE_EXCEEDED
    assert "output" not in operation["metadata"] and "response" not in operation
    assert operation["metadata"]["batchStats"] == {"requestCount": "4", "pendingRequestCount": "4"}


def test_a_failed_batch_has_an_error_and_no_output(sandbox: Sandbox) -> None:
    sandbox.config.batch_failure_rate = 1.0
    job = sandbox.create(2)
    sandbox.clock.advance(11)
    failed = sandbox.get(job)
    assert failed.state == types.JobState.JOB_STATE_FAILED and failed.dest is None
    operation = sandbox.operation(job)
    assert operation["error"]["code"] == 13 and "sandbox-injected" in operation["error"]["message"]


def test_line_faults_reach_the_answers(sandbox: Sandbox) -> None:
    sandbox.config.line_failure_rate = 0.5
    sandbox.config.non_json_rate = 0.5
    job = sandbox.create(8)
    sandbox.clock.advance(11)
    done = sandbox.get(job)
    assert done.dest is not None and done.dest.inlined_responses is not None
    errors_seen = [item.error.code for item in done.dest.inlined_responses if item.error is not None]
    prose = [item for item in done.dest.inlined_responses if item.response is not None]
    assert errors_seen and set(errors_seen) == {13}
    assert prose and all("sandbox-injected fault" in (item.response.text or "") for item in prose if item.response)
    assert len(errors_seen) + len(prose) == 8


def test_http_faults_and_the_concurrency_limit(sandbox: Sandbox) -> None:
    sandbox.config.http_429_rate = 1.0
    with pytest.raises(errors.ClientError) as limited:
        sandbox.create(1)
    assert limited.value.code == 429 and limited.value.status == "RESOURCE_EXHAUSTED"
    sandbox.config.http_429_rate = 0.0
    sandbox.config.http_5xx_rate = 1.0
    with pytest.raises(errors.ServerError) as broken:
        sandbox.create(1)
    assert broken.value.code in (500, 503)
    sandbox.config.http_5xx_rate = 0.0
    sandbox.config.max_concurrent_batches = 1
    sandbox.create(1)
    with pytest.raises(errors.ClientError) as busy:
        sandbox.create(1)
    assert busy.value.code == 429
    assert sandbox.emulator.stats.batches_created == 1


def test_the_enqueued_token_limit_counts_pending_and_running_batches_of_the_model(sandbox: Sandbox) -> None:
    first = sandbox.create(2)
    tokens = next(iter(sandbox.emulator.batches.values())).prompt_tokens
    assert tokens > 0
    sandbox.config.enqueued_token_limit = tokens * 3 // 2
    with pytest.raises(errors.ClientError) as limited:
        sandbox.create(2)
    assert limited.value.code == 429 and "Enqueued token limit" in str(limited.value.message)
    other_model = sandbox.client.batches.create(model="gemini-2.5-pro", src=inlined(2), config={"display_name": "p"})
    assert other_model.name is not None  # the limit is per model
    sandbox.clock.advance(11)
    assert sandbox.get(first).state == types.JobState.JOB_STATE_SUCCEEDED
    assert sandbox.create(2).name is not None  # an ended batch no longer counts
    assert sandbox.emulator.stats.peak_enqueued_tokens == tokens


# --- live generateContent and the key


def test_live_generate_content_answers_under_a_response_schema(sandbox: Sandbox) -> None:
    sandbox.config.thinking_tokens = 40
    sandbox.config.cached_token_rate = 0.5
    config = types.GenerateContentConfig(
        system_instruction="You label GitHub issues.", response_mime_type="application/json", response_schema=Labeling
    )
    response = sandbox.client.models.generate_content(model=MODEL, contents=prompt(), config=config)
    assert isinstance(response.parsed, Labeling)
    assert response.parsed.recommended_labels[0].label == "product::kots"
    usage = response.usage_metadata
    assert usage is not None and usage.prompt_token_count and usage.candidates_token_count
    assert usage.thoughts_token_count == 40
    assert usage.cached_content_token_count == usage.prompt_token_count // 2
    assert usage.total_token_count == usage.prompt_token_count + usage.candidates_token_count + 40

    no_thinking = answer_config(thinking_config=types.ThinkingConfig(thinking_budget=0))
    plain = sandbox.client.models.generate_content(model=MODEL, contents=prompt(), config=no_thinking)
    assert plain.usage_metadata is not None and plain.usage_metadata.thoughts_token_count is None
    assert answer_of(plain).recommended_labels[0].label == "product::kots"


def test_live_generate_content_refuses_unknown_fields_and_a_schema_without_json(sandbox: Sandbox) -> None:
    bogus = types.GenerateContentConfig(http_options=types.HttpOptions(extra_body={"generationConfig": {"bogus": 1}}))
    with pytest.raises(errors.ClientError) as refused:
        sandbox.client.models.generate_content(model=MODEL, contents="hi", config=bogus)
    assert refused.value.code == 400 and "Unknown name \"bogus\" at 'generation_config'" in str(refused.value.message)
    no_mime = types.GenerateContentConfig(response_json_schema=labeling_schema())
    with pytest.raises(errors.ClientError) as refused:
        sandbox.client.models.generate_content(model=MODEL, contents="hi", config=no_mime)
    assert refused.value.code == 400 and "response_mime_type" in str(refused.value.message)


def test_a_missing_key_is_refused_and_a_wrong_one_too(sandbox: Sandbox) -> None:
    response = httpx.get(f"{sandbox.url}/v1beta/batches")
    assert response.status_code == 403
    assert response.json()["error"]["status"] == "PERMISSION_DENIED"
    assert httpx.get(f"{sandbox.url}/v1beta/batches", params={"key": API_KEY}).status_code == 200
    wrong = client_for(sandbox.url, key="not-the-key")
    with pytest.raises(errors.ClientError) as refused:
        wrong.batches.create(model=MODEL, src=inlined(1), config={"display_name": "x"})
    assert refused.value.code == 400 and "API key not valid" in str(refused.value.message)
    assert sandbox.emulator.batches == {}


# --- the async client, as the provider uses it


async def test_the_async_client_creates_uploads_and_downloads(sandbox: Sandbox) -> None:
    client = sandbox.client.aio
    job = await client.batches.create(model=MODEL, src=inlined(2), config={"display_name": "async"})
    text = "".join(json.dumps(file_line(f"issue-{i}")) + "\n" for i in range(2))
    uploaded = await client.files.upload(file=io.BytesIO(text.encode()), config={"mime_type": "jsonl"})
    assert uploaded.name is not None
    from_file = await client.batches.create(model=MODEL, src=uploaded.name, config={"display_name": "async-file"})
    sandbox.clock.advance(11)
    assert job.name is not None and from_file.name is not None
    done = await client.batches.get(name=from_file.name)
    assert done.state == types.JobState.JOB_STATE_SUCCEEDED and done.dest is not None and done.dest.file_name
    lines = (await client.files.download(file=done.dest.file_name)).splitlines()
    assert sorted(json.loads(line)["key"] for line in lines) == ["issue-0", "issue-1"]
    pager = await client.batches.list(config={"page_size": 1})
    assert [item.name async for item in pager] == [from_file.name, job.name]


# --- the same order setting on the OpenAI and Anthropic emulators


def test_openai_and_anthropic_lists_follow_the_order_within_a_second(
    served_openai: tuple[OpenAIEmulator, str], served_anthropic: tuple[AnthropicEmulator, str]
) -> None:
    openai_emulator, openai_url = served_openai
    openai_emulator.config = EmulatorConfig(api_key=API_KEY, clock=FakeClock(START), list_order_within_second="oldest")
    openai_emulator.reset()
    anthropic_emulator, anthropic_url = served_anthropic
    anthropic_emulator.config = AnthropicEmulatorConfig(
        api_key=API_KEY, clock=FakeClock(START), list_order_within_second="oldest"
    )
    anthropic_emulator.reset()
    line = {"custom_id": "a", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "m", "messages": []}}
    with OpenAI(api_key=API_KEY, base_url=f"{openai_url}/v1", max_retries=0) as openai_client:
        file_id = openai_client.files.create(file=("in.jsonl", json.dumps(line).encode()), purpose="batch").id
        created = [
            openai_client.batches.create(
                input_file_id=file_id, endpoint="/v1/chat/completions", completion_window="24h"
            ).id
            for _ in range(3)
        ]
        assert [batch.id for batch in openai_client.batches.list(limit=2)] == created
    params = {"model": "claude-haiku-4-5", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}
    with Anthropic(api_key=API_KEY, base_url=anthropic_url, max_retries=0) as anthropic_client:
        made = [
            anthropic_client.messages.batches.create(requests=[{"custom_id": "a", "params": params}]).id
            for _ in range(3)
        ]
        assert [batch.id for batch in anthropic_client.messages.batches.list(limit=2)] == made
