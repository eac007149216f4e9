"""`gh-analysis batch` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="batch commands.", no_args_is_help=True)
