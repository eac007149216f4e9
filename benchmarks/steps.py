"""Measured steps, each run in a fresh process by harness.run_step: `python benchmarks/steps.py STEP ARGS`.
Settings (database, OpenAI base URL and key) come from the environment the parent sets."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import google.genai  # noqa: F401  (as for openai: an SDK import is start-up cost, not the step's)
import openai  # noqa: F401  (the SDK import, about 0.5 s, is start-up cost: measured by startup.py, not here)
from harness import timed

from github_issue_analysis.ai.batch.batch_group_manager import BatchGroupManager
from github_issue_analysis.ai.batch.batch_service import BatchService
from github_issue_analysis.ai.batch.submit_request import SubmitRequest
from github_issue_analysis.ai.registry import create_provider
from github_issue_analysis.config import get_settings
from github_issue_analysis.defaults import CONCURRENCY as DEFAULT_CONCURRENCY
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.store import open_store


def _service() -> BatchService:
    settings = get_settings()
    return BatchService(open_store(settings.resolved_database_url()), settings)


def _request(org: str, concurrency: int) -> SubmitRequest:
    selection = IssueSelection(org)
    model = get_settings().model  # GH_ANALYSIS_MODEL, else openai:gpt-4o-mini
    return SubmitRequest("product-labeling", selection, model, reprocess=True, concurrency=concurrency)


def submit(org: str, concurrency: int) -> dict[str, Any]:
    service = _service()
    request = _request(org, concurrency)
    planned = service.plan(request)
    result = timed(lambda: service.submit(planned).group.group_id)
    return {**result, "batches": planned.plan.total_batches}


def status(group_id: str) -> dict[str, Any]:
    service = _service()
    return timed(lambda: service.group_status(group_id).total_batches)


def sequential_retrieves(group_id: str) -> dict[str, Any]:
    """The comparison for status: one retrieve per batch, one after another."""
    service = _service()
    batch_ids = [j.provider_batch_id for j in service.store.jobs.jobs(group_id) if j.provider_batch_id]
    provider = create_provider(get_settings().model.partition(":")[0], get_settings())

    async def one_by_one() -> int:
        for batch_id in batch_ids:
            await provider.retrieve(batch_id)
        await provider.close()
        return len(batch_ids)

    return timed(lambda: asyncio.run(one_by_one()))


def download_only(group_id: str) -> dict[str, Any]:
    """Read every output line of a group as collection does (same concurrency), storing nothing."""
    service = _service()
    manager = BatchGroupManager(service.store, create_provider("openai", get_settings()))
    jobs = [j for j in service.store.jobs.jobs(group_id) if j.output_file_id]

    async def read(job_file: str) -> int:
        return sum([1 async for _ in manager.provider.read_outcomes(job_file)])

    async def read_all() -> int:
        counts = await manager.each([j.output_file_id for j in jobs if j.output_file_id], read)
        await manager.provider.close()
        return sum(counts)

    return timed(lambda: asyncio.run(read_all()))


def collect(group_id: str) -> dict[str, Any]:
    service = _service()
    return timed(lambda: service.collect_group(group_id).collected)


def watch(group_id: str, poll_seconds: float) -> dict[str, Any]:
    from github_issue_analysis.ai.batch.watcher import WatchOptions

    service = _service()
    options = WatchOptions(poll_seconds=poll_seconds)
    return timed(lambda: service.watch(group_id, options, DEFAULT_CONCURRENCY, lambda _: None).completed_issues)


def plan(org: str) -> dict[str, Any]:
    service = _service()
    request = _request(org, DEFAULT_CONCURRENCY)
    return timed(lambda: service.plan(request).plan.total_batches)


STEPS = {f.__name__: f for f in (submit, status, sequential_retrieves, download_only, collect, watch, plan)}

if __name__ == "__main__":
    print(json.dumps(STEPS[sys.argv[1]](**json.loads(sys.argv[2]))))
