"""Kept while the collect command moves to `github_issue_analysis.errors`."""

from github_issue_analysis.errors import GhAnalysisError, OperationFailed, UsageError

__all__ = ["GhAnalysisError", "OperationFailed", "UsageError"]
