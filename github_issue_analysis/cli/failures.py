"""Failures that are not bugs but reach the edge as plain exceptions: the store's database failing mid-command,
the file system, numbers out of range. Each becomes an expected error with one line."""

from __future__ import annotations

import sys
from pathlib import Path

from github_issue_analysis.errors import GhAnalysisError, OperationFailed, UsageError


def known_failure(error: BaseException) -> GhAnalysisError | None:
    if "sqlalchemy" in sys.modules:
        from sqlalchemy.exc import DBAPIError

        if isinstance(error, DBAPIError):
            from github_issue_analysis.storage.opening import explain

            return explain(error, _store_file())
    if isinstance(error, OverflowError):
        return UsageError(f"a number is out of range ({error}); give a smaller value")
    if isinstance(error, RecursionError):
        return UsageError("the input is nested too deeply")
    if isinstance(error, OSError):
        where = f" {error.filename}" if error.filename else ""
        return OperationFailed(f"cannot use{where}: {error.strerror or type(error).__name__}")
    return None


def _store_file() -> Path | None:
    """The SQLite file of the store in use (for the words of a database error), or None."""
    from github_issue_analysis.storage.opening import sqlite_file_of

    try:
        from github_issue_analysis.config import get_settings

        return sqlite_file_of(get_settings().resolved_database_url())
    except Exception:  # settings that fail here were reported already; the message then names no file
        return None
