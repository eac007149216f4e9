"""The error rule every command keeps: bad input gives exactly one `Error: ...` line on stderr, no traceback."""

from __future__ import annotations


def one_error_line(stderr: str) -> str:
    """The single error line of `stderr` (the test fails if there are more lines or an unexpected error)."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: ") and "Unexpected" not in lines[0], lines[0]
    return lines[0]
