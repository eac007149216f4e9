"""Moved to `github_issue_analysis.domain.groups`; kept so existing imports keep working."""

from github_issue_analysis.domain.groups import (
    BatchGroup,
    BatchGroupStatus,
    GroupState,
    PlannedBatch,
    SplitPlan,
    group_state,
    new_group_id,
    new_job_id,
    summarize,
)

__all__ = [
    "BatchGroup",
    "BatchGroupStatus",
    "GroupState",
    "PlannedBatch",
    "SplitPlan",
    "group_state",
    "new_group_id",
    "new_job_id",
    "summarize",
]
