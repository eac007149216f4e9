"""Refresh a group's unfinished children together: their batches from the provider's list pages
(list_refresh.py), single retrieves only for what the pages did not reach. A batch the provider does not
know (HTTP 404) keeps its state and is reported: nothing is decided for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from github_issue_analysis.ai.providers.base import BatchProvider, NotFoundAtProvider
from github_issue_analysis.domain.jobs import BatchJob
from github_issue_analysis.domain.provider_batches import ProviderBatch

from .job_runner import JobChange, JobRunner, needs_refresh
from .list_refresh import Each, read_listed


@dataclass
class GroupRefresh:
    changes: list[JobChange] = field(default_factory=list)
    missing: list[BatchJob] = field(default_factory=list)  # children whose batch the provider does not know
    pages: int = 0
    retrieves: int = 0


def missing_message(batch_id: str) -> str:
    return f"the provider has no batch {batch_id} (HTTP 404): deleted there, or created under another API key"


async def fetch_group_changes(manager: JobRunner, children: Sequence[BatchJob], each: Each) -> GroupRefresh:
    """What changed for every child that may still change, in as few provider requests as the pages allow."""
    running = [c for c in children if not c.superseded and c.provider_batch_id and needs_refresh(c)]
    listed = await read_listed(manager.provider, running, children, each)
    retrieved = await each(listed.unseen, lambda batch_id: _retrieve(manager.provider, batch_id))
    batches = {**listed.seen, **{batch_id: b for batch_id, b in zip(listed.unseen, retrieved, strict=True) if b}}
    report = GroupRefresh(pages=listed.pages, retrieves=len(listed.unseen))
    for job in running:
        assert job.provider_batch_id is not None
        batch = batches.get(job.provider_batch_id)
        if batch is None:
            report.missing.append(job)
            message = missing_message(job.provider_batch_id)
            if job.error != message:
                report.changes.append(JobChange(job, {"error": message}))
        elif change := manager.change_for(job, batch):
            report.changes.append(change)
    return report


async def _retrieve(provider: BatchProvider, batch_id: str) -> ProviderBatch | None:
    try:
        return await provider.retrieve(batch_id)
    except NotFoundAtProvider:
        return None
