"""`gh-analysis collect` (placeholder until the GitHub collection lands)."""

from __future__ import annotations

import typer


def collect(org: str = typer.Option(..., "--org", help="GitHub organization.")) -> None:
    """Collect issues from GitHub into the store."""
    from .errors import OperationFailed

    raise OperationFailed("collect is not available yet")
