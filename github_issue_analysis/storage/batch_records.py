"""Shapes the batch store takes and gives: new jobs, items, collected results, claims' owners, row mappers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from github_issue_analysis.domain.groups import BatchGroup
from github_issue_analysis.domain.jobs import BatchJob, ItemErrorKind, ItemState, JobStatus
from github_issue_analysis.domain.usage import TokenUsage
from github_issue_analysis.errors import StoreUnavailable

from .timeutil import as_utc, utcnow


@dataclass(frozen=True)
class NewJob:
    job_id: str
    batch_sequence: int
    total_batches_in_group: int
    items: list[tuple[int, str]]  # (issue_id, custom_id) in request order
    estimated_tokens: int = 0
    input_bytes: int = 0
    attempt: int = 1


@dataclass(frozen=True)
class JobItem:
    issue_id: int
    custom_id: str
    state: ItemState
    error_kind: str | None = None
    error_message: str | None = None
    org: str | None = None  # None when the issue has left the store
    repo: str | None = None


@dataclass(frozen=True)
class CollectedResult:
    issue_id: int
    custom_id: str
    analysis: dict[str, Any]
    confidence: float | None
    usage: TokenUsage = field(default_factory=TokenUsage)
    raw_answer: str | None = None  # the answer's text as the provider sent it


@dataclass(frozen=True)
class FailedItem:
    custom_id: str
    kind: ItemErrorKind
    message: str


class AlreadyCollected(Exception):
    """Another process collected the job first; nothing was written."""


class RetryRaced(Exception):
    """Another process retried the same children first; nothing was written."""


class PlanRaced(Exception):
    """Another process recorded the next chunk of the group's selection first; nothing was written."""


@dataclass(frozen=True)
class StoredSelection:
    """A group planned in chunks: its whole selection in order, how many of it are planned (recorded in a
    child, or left out), and whether issues with a result or in flight are left out as chunks are recorded."""

    issue_ids: list[int]
    planned_through: int
    skips_taken: bool

    @property
    def unplanned(self) -> list[int]:
        return self.issue_ids[self.planned_through :]


def group_from_row(row: Any, child_ids: list[str]) -> BatchGroup:
    options = dict(row.options)
    split_plan = options.pop("split_plan", None)
    return BatchGroup(
        group_id=row.id,
        processor=row.processor,
        model=row.model,
        provider=row.provider,
        child_job_ids=child_ids,
        total_issues=row.total_issues,
        is_split_job=row.is_split,
        batch_size=row.batch_size,
        split_plan=split_plan,
        options=options,
        selection=row.selection,
        created_at=as_utc(row.created_at),
    )


class UnknownJobStatus(StoreUnavailable):
    """A job row holds a status this version does not know (a newer version wrote it, or the row was edited)."""

    def __init__(self, job_id: str, status: object) -> None:
        super().__init__(
            f"job {job_id} has a status this gh-analysis does not know ('{status}'); a newer gh-analysis may have "
            "written it: upgrade, or leave that job alone"
        )
        self.job_id = job_id


def _job_status(row: Any) -> JobStatus:
    try:
        return JobStatus(row.status)
    except ValueError:
        raise UnknownJobStatus(row.id, row.status) from None


def job_from_row(row: Any) -> BatchJob:
    return BatchJob(
        job_id=row.id,
        group_id=row.group_id,
        batch_sequence=row.batch_sequence,
        total_batches_in_group=row.total_batches_in_group,
        attempt=row.attempt,
        status=_job_status(row),
        raw_status=row.raw_status,
        provider_batch_id=row.provider_batch_id,
        input_file_id=row.input_file_id,
        output_file_id=row.output_file_id,
        error_file_id=row.error_file_id,
        total_items=row.total_items,
        completed_items=row.completed_items,
        failed_items=row.failed_items,
        estimated_tokens=row.estimated_tokens,
        input_bytes=row.input_bytes,
        input_tokens=row.input_tokens,
        output_tokens=row.output_tokens,
        error=row.error,
        superseded=row.superseded,
        created_at=as_utc(row.created_at) or utcnow(),
        submitted_at=as_utc(row.submitted_at),
        finished_at=as_utc(row.finished_at),
        collected_at=as_utc(row.collected_at),
        cached_input_tokens=row.cached_input_tokens,
        cache_write_tokens=row.cache_write_tokens,
    )
