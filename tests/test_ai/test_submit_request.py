"""The one submit request and the one splitter: the stored form read back (old groups included), the model
resolved from GH_ANALYSIS_MODEL by every command that takes --model, `label --processor`, and retries and
token waves cut under the same limits as the plan."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from github_issue_analysis_sandbox.anthropic_emulator import AnthropicEmulator, AnthropicEmulatorConfig
from github_issue_analysis_sandbox.github_emulator import GitHubEmulator, GitHubEmulatorConfig, default_world
from github_issue_analysis_sandbox.server import BackgroundServer

from github_issue_analysis.ai.batch.batch_splitter import BatchSplitter, RequestTooLarge
from github_issue_analysis.ai.batch.submit_request import SubmitRequest
from github_issue_analysis.domain.groups import BatchGroup
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.records import LabelRecord
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import ANTHROPIC_MODEL, API_KEY, Sandbox, seed, submit, use_anthropic


def _group(options: dict, selection: dict, batch_size: int = 30) -> BatchGroup:
    return BatchGroup(
        group_id="group_0123456789ab",
        processor="product-labeling",
        model="gpt-4o-mini",
        provider="openai",
        child_job_ids=[],
        total_issues=0,
        is_split_job=False,
        batch_size=batch_size,
        split_plan={},
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
        options=options,
        selection=selection,
    )


def test_stored_form_round_trips() -> None:
    request = SubmitRequest(
        "product-labeling",
        IssueSelection("acme", "app"),
        "openai:gpt-4o-mini",
        label_prefix="area/",
        fixed_labels=(LabelRecord(name="area/ui", description="The UI"),),
        batch_size=12,
        request_options={"temperature": 0.2},
        blind=True,
        sample=40,
        seed=3,
    )
    options, selection = request.to_stored()
    group = _group(options, selection, batch_size=12)
    again = SubmitRequest.from_stored(group)
    assert again.to_stored() == (options, selection)
    assert (again.selection, again.model, again.blind, again.sample, again.sample_seed) == (
        IssueSelection("acme", "app"),
        "openai:gpt-4o-mini",
        True,
        40,
        3,
    )
    assert again.processor_options() == request.processor_options()


def test_groups_stored_by_older_versions_are_read() -> None:
    """The keys older versions wrote, some missing, plus the limits kept beside them later."""
    old = _group(
        {"label_prefix": "product::", "fixed_labels": None, "request_options": {}, "max_enqueued_tokens": 9000},
        {"org": "acme", "repo": None, "issue_number": None, "limit": 5},
    )
    request = SubmitRequest.from_stored(old)
    assert request.selection == IssueSelection("acme", None, None, 5)
    assert (request.blind, request.sample, request.max_enqueued_tokens) == (False, None, 9000)
    assert request.processor_options().model == "gpt-4o-mini"
    assert SubmitRequest.from_stored(_group({}, {"org": "acme"})).label_prefix == "product::"


def test_the_model_is_unresolved_until_chosen_once() -> None:
    request = SubmitRequest("product-labeling", IssueSelection("acme"))
    assert request.model is None
    with pytest.raises(ValueError, match="not resolved"):
        _ = request.model_name
    assert request.with_model(ANTHROPIC_MODEL).provider_name == "anthropic"
    assert request.with_model(ANTHROPIC_MODEL).with_model("openai:gpt-4o").model == ANTHROPIC_MODEL


def test_the_splitter_knows_count_bytes_and_tokens_at_once() -> None:
    splitter = BatchSplitter(batch_size=4, max_bytes=1000, max_tokens=100)
    assert [len(r) for r in splitter.split([100] * 6, tokens=[40] * 6)] == [2, 2, 2]  # tokens cut first
    assert [len(r) for r in splitter.split([400] * 6, tokens=[1] * 6)] == [2, 2, 2]  # bytes cut first
    assert [len(r) for r in splitter.split([10] * 6, tokens=[1] * 6)] == [4, 2]  # the count cuts
    assert [len(r) for r in splitter.split([10] * 3, tokens=[10, 500, 10])] == [1, 1, 1]  # alone, not refused
    with pytest.raises(RequestTooLarge, match="1,000 bytes per batch file"):
        splitter.split([10, 1001], tokens=[1, 1])


@pytest.mark.parametrize("command", ["batch submit", "process"])
def test_gh_analysis_model_is_the_default_of_submit_and_process(
    command: str, served_anthropic: tuple[AnthropicEmulator, str], seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = AnthropicEmulatorConfig(api_key=API_KEY, processing_seconds=0, retry_after_seconds=0.01)
    use_anthropic(served_anthropic, config, monkeypatch)  # GH_ANALYSIS_MODEL names Anthropic; no OpenAI key
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    seed(seeded, 2)
    confirm = ("--yes",) if command == "batch submit" else ()
    result = invoke(*command.split(), "product-labeling", "--org", "acme", *confirm, "--json")
    assert result.exit_code == 0, result.stderr
    if command == "process":
        assert {r["model"] for r in json.loads(result.stdout)["results"]} == {"claude-haiku-4-5"}
    else:
        [(group, _)] = seeded.jobs.groups()
        assert (group.provider, group.model) == ("anthropic", "claude-haiku-4-5")


def test_gh_analysis_model_is_the_default_of_label_and_processor_is_an_option(
    served_anthropic: tuple[AnthropicEmulator, str], seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = AnthropicEmulatorConfig(api_key=API_KEY, processing_seconds=0.05, retry_after_seconds=0.01)
    emulator = use_anthropic(served_anthropic, config, monkeypatch)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    token = "ghp_request_test_token"
    github = GitHubEmulator(default_world(), GitHubEmulatorConfig(valid_tokens=[token]))
    with BackgroundServer(github.app) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        monkeypatch.setenv("GITHUB_TOKEN", token)
        unknown = invoke("label", "--org", "sandbox-org", "--processor", "no-such-processor", "--yes", "--json")
        assert unknown.exit_code == 2 and "no-such-processor" in unknown.stderr
        assert emulator.stats.batches_created == 0
        args = ("--limit", "2", "--processor", "product-labeling", "--poll-seconds", "0.05")
        result = invoke("label", "--org", "sandbox-org", "--yes", "--json", *args)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["results"] == 2
    [(group, _)] = seeded.jobs.groups()
    assert (group.provider, group.model, group.processor) == ("anthropic", "claude-haiku-4-5", "product-labeling")
    assert emulator.stats.batches_created == 1


def test_a_failed_only_retry_is_cut_under_the_byte_limit(
    sandbox: Sandbox, seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The retry re-measures its requests and cuts them with the plan's splitter: bytes count, not only issues."""
    seed(seeded, 61)
    sandbox.config.line_failure_rate = 0.4
    group = submit()
    sandbox.finish_all()
    invoke("batch", "group-collect", group["group_id"])
    failed = [i for _, i in seeded.job_items.group_items(group["group_id"]) if i.state.value == "failed"]
    assert len(failed) > 6
    jobs = seeded.jobs.jobs(group["group_id"])
    per_item = max(job.input_bytes / job.total_items for job in jobs)
    limit = int(per_item * 3.5)  # three requests (and a little) to a batch file
    monkeypatch.setenv("GH_ANALYSIS_OPENAI_MAX_BYTES_PER_BATCH", str(limit))
    sandbox.config.line_failure_rate = 0.0
    result = invoke("batch", "group-retry", group["group_id"], "--failed-only", "--yes", "--json")
    assert result.exit_code == 0, result.stderr
    new = [job for job in seeded.jobs.jobs(group["group_id"]) if job.job_id not in group["job_ids"]]
    assert len(new) >= -(-len(failed) // 4)  # by count alone they would be one batch of up to 30
    assert sum(job.total_items for job in new) == len(failed)
    assert all(0 < job.input_bytes <= limit for job in new)
