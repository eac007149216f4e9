"""Review decisions shown in the report (the labels services own them)."""

from __future__ import annotations

from github_issue_analysis.storage.store import Store

from .table import IssueKey


def decisions_for(store: Store, org: str | None) -> dict[IssueKey, str]:
    """The review decision of every issue with a current result (issues without one are pending)."""
    return {}
