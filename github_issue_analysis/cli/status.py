"""`gh-analysis status`: what the store holds."""

from __future__ import annotations

import typer


def status(json_output: bool = typer.Option(False, "--json", help="Print one JSON document.")) -> None:
    """Show issues, comments and label definitions per repository, and where the database is."""
    from rich.table import Table

    from . import context
    from .safe_text import safe

    store = context.open_store()
    repos = store.issues.summary()
    document = {
        "database": store.display_location,
        "data_dir": str(context.settings().data_dir.resolve()),
        "total_issues": sum(r.issues for r in repos),
        "total_comments": sum(r.comments for r in repos),
        "repositories": [
            {"org": r.org, "repo": r.repo, "issues": r.issues, "comments": r.comments, "labels": r.labels}
            for r in repos
        ],
    }
    if json_output:
        context.print_json(document)
        return
    out = context.console()
    out.print(f"Database: {document['database']}")
    out.print(f"Data folder: {document['data_dir']} (GH_ANALYSIS_DATA_DIR to choose another)")
    if not repos:
        out.print("The store holds no issues yet: run `gh-analysis collect` or `gh-analysis import`.")
        return
    table = Table(title="Issues in the store")
    for column in ("Org", "Repository", "Issues", "Comments", "Label definitions"):
        table.add_column(column, justify="right" if column[0] in "ICL" else "left")
    for r in repos:
        table.add_row(safe(r.org), safe(r.repo), str(r.issues), str(r.comments), str(r.labels))
    table.add_row("", "[bold]total", f"[bold]{document['total_issues']}", f"[bold]{document['total_comments']}", "")
    out.print(table)
