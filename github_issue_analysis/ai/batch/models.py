"""Moved to `github_issue_analysis.domain`; kept so existing imports keep working."""

from github_issue_analysis.domain.jobs import (
    TERMINAL_STATUSES,
    UNSUCCESSFUL_STATUSES,
    BatchJob,
    ItemErrorKind,
    ItemState,
    JobStatus,
)
from github_issue_analysis.domain.provider_batches import ItemOutcome, ProviderBatch

__all__ = [
    "TERMINAL_STATUSES",
    "UNSUCCESSFUL_STATUSES",
    "BatchJob",
    "ItemErrorKind",
    "ItemOutcome",
    "ItemState",
    "JobStatus",
    "ProviderBatch",
]
