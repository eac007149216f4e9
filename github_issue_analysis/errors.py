"""Expected failures carry their exit code; the CLI edge turns them into one line on stderr."""

from __future__ import annotations


class GhAnalysisError(Exception):
    """An expected failure with a message written for the user (what was wrong, what to do)."""

    exit_code = 1


class UsageError(GhAnalysisError):
    """Bad input: options, ids, files. Exit code 2."""

    exit_code = 2


class OperationFailed(GhAnalysisError):
    """The operation could not be done (provider error, nothing to do where something was asked)."""

    exit_code = 1


class StoreUnavailable(OperationFailed):
    """The store cannot be opened or read: its folder, its file or its schema (exit code 1)."""
