"""`gh-analysis results ...`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

import typer

from . import context

app = typer.Typer(help="Work with collected results.", no_args_is_help=True, rich_markup_mode=None)


@app.command()
def export(
    org: str | None = typer.Option(None, "--org", help="Only this organization."),
    repo: str | None = typer.Option(None, "--repo", help="Only this repository."),
    output_format: Literal["jsonl", "csv"] = typer.Option(
        "jsonl", "--format", help="jsonl (one JSON line per result) or csv."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write here instead of standard output (never over the store)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite --output if it exists."),
) -> None:
    """Export the current result of every issue (one line or row per issue and processor)."""
    from github_issue_analysis.output_file import output_file, protected_paths
    from github_issue_analysis.results_export import write_csv, write_jsonl

    writer = write_jsonl if output_format == "jsonl" else write_csv

    store = context.open_store()
    rows = store.results.current(org=org, repo=repo)
    if output is None:
        writer(rows, sys.stdout)
        return
    protected = protected_paths(store.sqlite_file)
    with output_file(output, force=force, protected=protected) as handle:
        count = writer(rows, handle)
    context.console(stderr=True).print(f"Wrote {count} result(s) to {output}")


@app.command()
def show(
    ref: str = typer.Argument(..., help="org/repo#N"),
    group: str | None = typer.Option(None, "--group", "-g", help="The result of this group (default: the current)."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON document and nothing else."),
) -> None:
    """Why this label? The prompt (rebuilt from the stored issue and the group's options), the raw answer, the
    labels with confidence and reasoning, tokens and cost."""
    from github_issue_analysis.ai.batch.result_view import ShowRequest
    from github_issue_analysis.ai.batch.result_view import show as show_result
    from github_issue_analysis.labels.decisions import parse_ref

    org, repo, number = parse_ref(ref, None)
    document = show_result(context.open_store(), ShowRequest(org, repo, number, group))
    if json_output:
        context.print_json(document)
        return
    from .results_render import render_show

    render_show(document)
