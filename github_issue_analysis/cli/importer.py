"""`gh-analysis import PATH...`."""

from __future__ import annotations

from pathlib import Path

import typer


def import_issues(
    paths: list[Path] = typer.Argument(..., help="Issue JSON files or folders of them (ORG_REPO_issue_N.json)."),
) -> None:
    """Import issue JSON files written by the earlier gh-analysis tool.

    Re-import updates issues in place, except where the stored issue is newer (by updated_at): that one is
    kept. Labels seen on the issues become the repository's label definitions where none exist yet, so
    `batch submit` can run right after an import. A bad file is named and skipped; the rest is imported.
    """
    from rich.markup import escape
    from rich.progress import Progress

    from github_issue_analysis.errors import OperationFailed, UsageError
    from github_issue_analysis.importer import find_issue_files, import_files
    from github_issue_analysis.links import web_host

    from . import context

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {missing[0]}; give issue JSON files or folders of them")
    files = find_issue_files(paths)
    if not files:
        raise UsageError("no .json files found in the given paths")
    store = context.open_store()
    err = context.console(stderr=True)
    with Progress(console=err, transient=True, disable=len(files) < 200) as progress:
        task = progress.add_task("Importing issues", total=len(files))
        host = web_host(context.settings().github_api_url)
        report = import_files(store.issues, files, lambda n: progress.advance(task, n), web_host=host)
    if len(report.bad) > 1:  # one bad file is named in the error line itself
        for bad in report.bad:
            err.print(f"[red]skipped[/red] {escape(str(bad.path))}: {escape(bad.reason)}", soft_wrap=True)
    out = context.console()
    out.print(
        f"Imported {report.files - len(report.bad)} of {report.files} files: "
        f"{report.inserted} new, {report.updated} updated, {len(report.bad)} bad."
    )
    if report.older:
        out.print(
            f"{report.older} file(s) were older than the stored issue (by updated_at): kept the newer stored version."
        )
    if len(report.bad) == 1:
        bad = report.bad[0]
        raise OperationFailed(f"1 file(s) could not be imported: {bad.path}: {bad.reason}; fix or remove it and re-run")
    if report.bad:
        raise OperationFailed(f"{len(report.bad)} file(s) could not be imported; fix or remove them and re-run")
