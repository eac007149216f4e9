"""`gh-analysis demo`."""

from __future__ import annotations


def demo() -> None:
    """Run the whole flow offline on the sandbox emulators."""
