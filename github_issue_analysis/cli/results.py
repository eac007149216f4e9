"""`gh-analysis results ...`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from . import context

app = typer.Typer(help="Work with collected results.", no_args_is_help=True, rich_markup_mode=None)


@app.command()
def export(
    org: str | None = typer.Option(None, "--org", help="Only this organization."),
    repo: str | None = typer.Option(None, "--repo", help="Only this repository."),
    output_format: str = typer.Option("jsonl", "--format", help="jsonl or csv."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
) -> None:
    """Export the current result of every issue (one line or row per issue and processor)."""
    from github_issue_analysis.errors import UsageError
    from github_issue_analysis.results_export import write_csv, write_jsonl

    if output_format not in ("jsonl", "csv"):
        raise UsageError(f"--format must be jsonl or csv, not '{output_format}'")
    writer = write_jsonl if output_format == "jsonl" else write_csv
    rows = context.open_store().results.current(org=org, repo=repo)
    if output is None:
        writer(rows, sys.stdout)
        return
    with output.open("w", encoding="utf-8", newline="") as handle:
        count = writer(rows, handle)
    context.console(stderr=True).print(f"Wrote {count} result(s) to {output}")
