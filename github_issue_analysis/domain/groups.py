"""Batch groups: many child jobs tracked as one logical job."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from .jobs import UNSUCCESSFUL_STATUSES, BatchJob, JobStatus
from .usage import TokenUsage


def new_group_id() -> str:
    return f"group_{uuid.uuid4().hex[:12]}"


def new_job_id() -> str:
    return f"job_{uuid.uuid4().hex[:12]}"


class PlannedBatch(BaseModel):
    batch_number: int
    issue_count: int
    estimated_tokens: int = 0
    request_bytes: int = 0


class SplitPlan(BaseModel):
    total_issues: int
    batch_size: int
    batches: list[PlannedBatch]

    @property
    def total_batches(self) -> int:
        return len(self.batches)

    @property
    def split_required(self) -> bool:
        return len(self.batches) > 1

    def summary(self) -> dict[str, Any]:
        return {
            "batch_size": self.batch_size,
            "batches": [
                {"batch_number": b.batch_number, "issue_count": b.issue_count, "estimated_tokens": b.estimated_tokens}
                for b in self.batches
            ],
        }


class BatchGroup(BaseModel):
    group_id: str
    processor: str
    model: str
    provider: str
    child_job_ids: list[str]
    total_issues: int
    is_split_job: bool
    batch_size: int
    split_plan: dict[str, Any] | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    selection: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime


class GroupState(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    PARTIAL_FAILURE = "partial_failure"
    FAILED = "failed"


class BatchGroupStatus(BaseModel):
    group_id: str
    model: str = ""
    status: GroupState
    is_split_job: bool
    total_batches: int
    completed_batches: int
    failed_batches: int
    total_issues: int
    completed_issues: int
    batches: list[BatchJob]
    usage: TokenUsage = Field(default_factory=TokenUsage)  # provider usage of every child so far, retried ones included
    missing_at_provider: list[str] = Field(default_factory=list)  # job ids whose batch the provider lacks (404)

    model_config = {"arbitrary_types_allowed": True}


_NOT_STARTED = {JobStatus.QUEUED, JobStatus.SUBMITTING, JobStatus.VALIDATING}


def group_state(children: list[BatchJob]) -> GroupState:
    """pending: nothing has started; processing: some child still running; then completed when every
    child completed without a failed item, failed when none completed, partial_failure otherwise.
    Cancelled and expired children count as failed here."""
    if not children:
        return GroupState.FAILED
    if all(child.status in _NOT_STARTED for child in children):
        return GroupState.PENDING
    if any(not child.status.is_terminal for child in children):
        return GroupState.PROCESSING
    completed = [c for c in children if c.status is JobStatus.COMPLETED]
    if len(completed) == len(children) and all(c.failed_items == 0 for c in completed):
        return GroupState.COMPLETED
    if not completed:
        return GroupState.FAILED
    return GroupState.PARTIAL_FAILURE


def summarize(group: BatchGroup, children: list[BatchJob]) -> BatchGroupStatus:
    """The group's status from its children; superseded children (retried) count only their results."""
    current = [c for c in children if not c.superseded]
    return BatchGroupStatus(
        group_id=group.group_id,
        model=group.model,
        status=group_state(current),
        is_split_job=group.is_split_job,
        total_batches=len(current),
        completed_batches=sum(c.status is JobStatus.COMPLETED for c in current),
        failed_batches=sum(c.status in UNSUCCESSFUL_STATUSES for c in current),
        total_issues=group.total_issues,
        completed_issues=sum(c.completed_items for c in children),
        batches=current,
        usage=sum((c.usage for c in children), TokenUsage()),
    )
