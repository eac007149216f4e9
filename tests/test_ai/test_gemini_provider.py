"""The Gemini provider's own parts: its wire format, its reading of batches and results (plain unit tests),
then list pages, delete and inline-or-file creates through `google-genai` against the emulator on loopback."""

from __future__ import annotations

import asyncio
import json

import pytest
from github_issue_analysis_sandbox.gemini_emulator import GeminiEmulator

from github_issue_analysis.ai.providers.gemini_batches import outcome, provider_batch, usage_of
from github_issue_analysis.ai.providers.gemini_provider import GeminiProvider
from github_issue_analysis.ai.providers.gemini_wire import display_name, name_metadata
from github_issue_analysis.domain.jobs import ItemErrorKind, JobStatus
from github_issue_analysis.domain.model_request import AnswerSchema, ModelRequest, RequestOptions
from github_issue_analysis.domain.provider_batches import META_ATTEMPT, META_GROUP, META_JOB
from github_issue_analysis.storage.store import Store
from tests.clock import FakeClock
from tests.conftest import invoke
from tests.test_ai.conftest import API_KEY, Sandbox, gemini_config, seed, submit

SCHEMA = AnswerSchema("answer", {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]})


def request(**options: object) -> ModelRequest:
    return ModelRequest("gemini-2.5-flash", "Label issues.", "Issue text", SCHEMA, options=RequestOptions(**options))  # type: ignore[arg-type]


def test_the_display_name_carries_group_job_and_attempt() -> None:
    split = {META_GROUP: "group_a1", META_JOB: "job_b2", META_ATTEMPT: "3"}
    single = {META_GROUP: "job_c3", META_JOB: "job_c3", META_ATTEMPT: "1"}
    assert display_name(split) == "gh-analysis group_a1 job_b2 a3"
    assert name_metadata(display_name(split)) == split
    assert name_metadata(display_name(single)) == single
    assert name_metadata("my own batch") == {} and name_metadata(None) == {}


def test_request_line_is_the_documented_file_line_in_camel_case() -> None:
    provider = GeminiProvider(None)
    line = json.loads(provider.request_line("issue-7", request(temperature=0.2, reasoning_effort="low")))
    assert line["key"] == "issue-7"
    body = line["request"]
    assert body["contents"] == [{"role": "user", "parts": [{"text": "Issue text"}]}]
    assert body["systemInstruction"] == {"parts": [{"text": "Label issues."}]}
    assert body["generationConfig"] == {
        "responseMimeType": "application/json",
        "responseJsonSchema": SCHEMA.schema,
        "temperature": 0.2,
        "thinkingConfig": {"thinkingBudget": 1024},
    }
    with pytest.raises(ValueError, match="custom_id"):
        provider.request_line("issue 7", request())


def test_answers_usage_refusals_and_requests_that_never_ran() -> None:
    usage = {
        "promptTokenCount": 100,
        "cachedContentTokenCount": 40,
        "candidatesTokenCount": 20,
        "thoughtsTokenCount": 7,
    }
    parts = [{"text": "thinking…", "thought": True}, {"text": '{"ok": true}'}]
    answered = outcome("k1", {"response": {"candidates": [{"content": {"parts": parts}}], "usageMetadata": usage}})
    assert (answered.content, answered.input_tokens, answered.output_tokens) == ('{"ok": true}', 100, 27)
    assert usage_of(usage).cached == 40
    refused = outcome("k2", {"response": {"candidates": [{"finishReason": "SAFETY"}]}})
    assert refused.error_kind is ItemErrorKind.REFUSAL
    kinds = {code: outcome("k", {"error": {"code": code, "message": "m"}}).error_kind for code in (1, 4, 13)}
    assert kinds == {1: ItemErrorKind.CANCELLED, 4: ItemErrorKind.EXPIRED, 13: ItemErrorKind.REQUEST_ERROR}


def test_a_batch_without_output_counts_nothing_done() -> None:
    """Expired and failed batches have no results to retrieve (the reference): nothing counts as done, so
    every request is marked for retry instead of waiting for a file that never comes."""
    operation = {
        "name": "batches/x1",
        "metadata": {
            "state": "BATCH_STATE_EXPIRED",
            "displayName": "gh-analysis job_1 a1",
            "createTime": "2026-03-01T10:00:00.000001Z",
            "batchStats": {"requestCount": "5", "successfulRequestCount": "2", "pendingRequestCount": "3"},
        },
        "done": True,
        "error": {"code": 4, "message": "The batch expired.", "status": "DEADLINE_EXCEEDED"},
    }
    batch = provider_batch(operation, "read")
    assert (batch.status, batch.total, batch.completed, batch.output_file_id) == (JobStatus.EXPIRED, 5, 0, None)
    assert batch.metadata[META_JOB] == "job_1" and batch.errors == ["The batch expired."]


@pytest.fixture
def gemini(served_gemini: tuple[GeminiEmulator, str]) -> tuple[GeminiEmulator, str]:
    emulator, url = served_gemini
    emulator.config = gemini_config(FakeClock())
    emulator.reset()
    return emulator, url


def test_list_pages_by_token_delete_and_inline_or_file(gemini: tuple[GeminiEmulator, str]) -> None:
    emulator, url = gemini

    async def run() -> None:
        provider = GeminiProvider(API_KEY, url, max_inline_bytes=2_000, retry_seconds=0.01)
        provider.list_page_size = 2
        created = []
        for number in range(5):
            lines = b"".join(provider.request_line(f"i{n}", request()) for n in range(1 + number * 3))
            meta = {META_GROUP: "group_1", META_JOB: f"job_{number}", META_ATTEMPT: "1"}
            created.append(await provider.create(None, lines, meta))
        inline = [batch.input_file is None for batch in emulator.batches.values()]
        assert inline[0] and not inline[-1]  # small batches inline, the larger ones from an uploaded file
        newest_first = [batch.id for batch in reversed(created)]
        first = await provider.list_page(None)
        assert [b.id for b in first.batches] == newest_first[:2] and first.has_more
        assert [b.metadata[META_JOB] for b in first.batches] == ["job_4", "job_3"]
        fresh = GeminiProvider(API_KEY, url, retry_seconds=0.01)  # knows no page token yet: reads until found
        fresh.list_page_size = 2
        after = await fresh.list_page(newest_first[2])  # the rest of the page holding it
        assert [b.id for b in after.batches] == newest_first[3:4] and after.has_more
        assert [b.id for b in (await fresh.list_page(newest_first[3])).batches] == newest_first[4:]  # by token
        assert [b.id async for b in provider.list_batches()] == newest_first
        await provider.delete(created[0].id)
        assert len(emulator.batches) == 4
        await provider.close()
        await fresh.close()

    asyncio.run(run())


@pytest.mark.parametrize("provider_sandbox", ["gemini"], indirect=True)
def test_inline_and_file_batches_send_the_same_requests(
    provider_sandbox: Sandbox, seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(seeded, 3)
    submit()
    monkeypatch.setenv("GH_ANALYSIS_GEMINI_MAX_INLINE_BYTES", "0")
    submit("--reprocess")
    inline, from_file = provider_sandbox.sent_batches()
    batches = list(provider_sandbox.emulator.batches.values())
    assert (batches[0].input_file, batches[1].input_file is not None) == (None, True)
    assert inline == from_file and len(inline) == 3


@pytest.mark.parametrize("provider_sandbox", ["gemini"], indirect=True)
def test_a_wrong_key_is_one_line_naming_the_setting_never_the_key(
    provider_sandbox: Sandbox, seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(seeded, 2)
    monkeypatch.delenv("GEMINI_API_KEY")
    monkeypatch.setenv("GOOGLE_API_KEY", "google-wrong-secret-789")  # read when GEMINI_API_KEY is not set
    result = invoke("batch", "submit", "product-labeling", "--org", "acme")
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "GEMINI_API_KEY" in result.stderr and "google-wrong-secret" not in result.stderr + result.stdout
    job = seeded.jobs.jobs()[0]
    assert job.status.value == "failed" and "rejected the API key" in (job.error or "")  # Google answers 400
    assert provider_sandbox.batches() == 0


@pytest.mark.parametrize("provider_sandbox", ["gemini"], indirect=True)
def test_thinking_is_billed_as_output_and_cached_tokens_count_as_input(
    provider_sandbox: Sandbox, seeded: Store
) -> None:
    seed(seeded, 4)
    provider_sandbox.config.thinking_tokens = 9
    provider_sandbox.config.cached_token_rate = 0.5
    job_id = submit()["group_id"]
    provider_sandbox.finish_all()
    assert invoke("batch", "collect", job_id).exit_code == 0
    usage = json.loads(invoke("batch", "status", job_id, "--json").stdout)
    stats = provider_sandbox.emulator.stats
    assert stats.output_tokens > 4 * 9  # the answers' candidate tokens and 9 thinking tokens each
    assert (usage["input_tokens"], usage["output_tokens"]) == (stats.prompt_tokens, stats.output_tokens)


@pytest.mark.parametrize("provider_sandbox", ["gemini"], indirect=True)
def test_a_create_refused_with_429_waits_queued_then_resumes_once(provider_sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 2)
    provider_sandbox.config.max_concurrent_batches = 0  # every create answers 429 RESOURCE_EXHAUSTED
    refused = invoke("batch", "submit", "product-labeling", "--org", "acme")
    assert refused.exit_code == 1 and "--resume" in refused.stderr
    job = seeded.jobs.jobs()[0]
    assert (job.status.value, job.provider_batch_id, provider_sandbox.batches()) == ("queued", None, 0)
    provider_sandbox.config.max_concurrent_batches = None
    resumed = invoke("batch", "submit", "product-labeling", "--org", "acme", "--resume", job.job_id)
    assert resumed.exit_code == 0, resumed.stderr
    assert provider_sandbox.batches() == 1


def test_commands_that_do_not_use_gemini_never_import_its_sdk() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from github_issue_analysis.cli.context import run_app\n"
        "from github_issue_analysis.cli.main import app\n"
        "run_app(app, ['models', '--json'])\n"
        "print('google.genai' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "False", done.stderr
