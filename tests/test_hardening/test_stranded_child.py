"""A child left `submitting` that several provider batches could be (Anthropic has no metadata): `batch watch`
no longer polls for ever; it names the candidates and the commands that settle it, and exits 1. `batch adopt`
takes the batch the user names once the provider shows it exists and matches; `batch unsent` puts the child
back in the queue. Nothing is ever sent twice. Through the Anthropic SDK against its emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator

import anthropic
import pytest
from github_issue_analysis_sandbox.anthropic_emulator import AnthropicEmulator, AnthropicEmulatorConfig

from github_issue_analysis.ai.batch.batch_service import BatchService
from github_issue_analysis.ai.batch.planner import SubmitPlanner
from github_issue_analysis.ai.batch.submit_request import SubmitRequest
from github_issue_analysis.ai.registry import create_provider
from github_issue_analysis.config import get_settings
from github_issue_analysis.domain.jobs import JobStatus
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.store import Store
from github_issue_analysis.storage.timeutil import utcnow
from tests.cli_errors import one_error_line
from tests.clock import FakeClock
from tests.conftest import invoke
from tests.test_ai.conftest import API_KEY, seed, use_anthropic

Served = tuple[AnthropicEmulator, FakeClock, anthropic.Anthropic]
PARAMS = {"model": "claude-haiku-4-5", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
def emulator(served_anthropic: tuple[AnthropicEmulator, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    clock = FakeClock()
    config = AnthropicEmulatorConfig(api_key=API_KEY, clock=clock, processing_seconds=10, retry_after_seconds=0.01)
    served = use_anthropic(served_anthropic, config, monkeypatch)
    client = anthropic.Anthropic(api_key=API_KEY, base_url=served_anthropic[1])
    yield served, clock, client
    client.close()


def _stranded(store: Store, client: anthropic.Anthropic, count: int = 5) -> tuple[str, list[str]]:
    """A child whose create may have reached the provider (write-ahead done, no batch id), and two unowned
    batches of its size created since: (job id, candidate ids)."""
    seed(store, count)
    get_settings.cache_clear()
    request = SubmitRequest(processor="product-labeling", selection=IssueSelection("acme"))
    planned = BatchService(store, get_settings()).plan(request)
    provider = create_provider(planned.request.provider_name, get_settings())
    group = SubmitPlanner(store, provider).record(planned)
    job_id = group.child_job_ids[0]
    store.jobs.update_job(job_id, status=JobStatus.SUBMITTING, submitted_at=utcnow())
    requests = [{"custom_id": f"x{i}", "params": PARAMS} for i in range(count)]
    candidates = [client.messages.batches.create(requests=requests).id for _ in range(2)]  # type: ignore[arg-type]
    return job_id, sorted(candidates)


def test_watch_names_the_candidates_then_adopt_settles_the_child(emulator: Served, seeded: Store) -> None:
    served, clock, client = emulator
    job_id, candidates = _stranded(seeded, client)
    group_id = seeded.jobs.job(job_id).group_id  # type: ignore[union-attr]
    result = invoke("batch", "watch", group_id, "--poll-seconds", "0.05")
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert all(c in line for c in candidates)
    assert f"batch adopt {job_id}" in line and f"batch unsent {job_id}" in line
    smaller = client.messages.batches.create(requests=[{"custom_id": "y", "params": PARAMS}]).id  # type: ignore[typeddict-item]
    for wrong, why in [(smaller, "holds 1 requests"), ("msgbatch_nonexistent", "has no batch")]:
        refused = invoke("batch", "adopt", job_id, wrong)
        assert refused.exit_code == 2 and why in one_error_line(refused.stderr)
    adopted = invoke("batch", "adopt", job_id, candidates[1], "--json")
    assert adopted.exit_code == 0, adopted.stderr
    assert json.loads(adopted.stdout)["provider_batch_id"] == candidates[1]
    again = invoke("batch", "adopt", job_id, candidates[0])
    assert again.exit_code == 2 and "not waiting to be settled" in one_error_line(again.stderr)
    clock.advance(3600)
    invoke("batch", "watch", group_id, "--poll-seconds", "0.05")  # the candidate's answers are not ours
    finished = seeded.jobs.job(job_id)
    assert finished is not None and finished.status is JobStatus.COMPLETED  # followed as the child's batch
    assert served.stats.batches_created == 3  # the two candidates and the smaller one: nothing sent by us


def test_unsent_puts_the_child_back_in_the_queue_and_watch_sends_it_once(emulator: Served, seeded: Store) -> None:
    served, _, client = emulator
    job_id, _ = _stranded(seeded, client)
    result = invoke("batch", "unsent", job_id, "--json")
    assert result.exit_code == 0, result.stderr
    job = seeded.jobs.job(job_id)
    assert job is not None and job.status is JobStatus.QUEUED and job.provider_batch_id is None
    assert invoke("batch", "submit", "product-labeling", "--org", "acme", "--resume", job.group_id).exit_code == 0
    assert served.stats.batches_created == 3
    sent = seeded.jobs.job(job_id)
    assert sent is not None and sent.provider_batch_id is not None
    assert invoke("batch", "unsent", job_id).exit_code == 2  # settled already
