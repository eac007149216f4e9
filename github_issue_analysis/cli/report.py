"""`gh-analysis report`: one self-contained HTML file with the summary, charts and every issue."""

from __future__ import annotations

from pathlib import Path

import typer

from . import context


def report(
    group: str | None = typer.Argument(None, metavar="[GROUP]", help="Group id (a unique prefix is enough)."),
    org: str | None = typer.Option(None, "--org", help="Every result of this organization instead of one group."),
    output: Path = typer.Option(..., "--output", "-o", help="The HTML file to write."),
    open_file: bool = typer.Option(False, "--open", help="Open the report in the browser (BROWSER, else the default)."),
) -> None:
    """Write an HTML report that opens offline: summary, label and confidence charts, evaluation, issue table."""
    from github_issue_analysis.report.builder import ReportScope, build_report
    from github_issue_analysis.report.render import write_report

    data = build_report(context.open_store(), ReportScope(group, org))
    size = write_report(data, output)
    context.console(stderr=True).print(
        f"Wrote {output} ({size / 1024:,.0f} KB, {data.summary.issues} issues)."
        + ("" if open_file else " Open it in a browser (or pass --open).")
    )
    if open_file:
        context.open_in_browser(output)
