"""`gh-analysis collect`: GitHub issues with all comments, and repository label definitions, into the store."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import typer

if TYPE_CHECKING:
    from github_issue_analysis.github_client import CollectReport, CollectRequest

MAX_INT = 2**31 - 1  # GitHub's GraphQL Int; also what the store's integer columns hold
MAX_DAYS = 36_600  # a century back
DATE_HELP = "ISO date (YYYY-MM-DD) or date-time, UTC unless it names a zone"


def collect(
    org: str = typer.Option(..., "--org", help="GitHub organization (or user) that owns the repositories."),
    repo: str | None = typer.Option(None, "--repo", help="One repository; without it, every repository of ORG."),
    issue_number: int | None = typer.Option(
        None, "--issue-number", metavar="N", min=1, max=MAX_INT, help="One issue of --repo."
    ),
    labels: list[str] | None = typer.Option(
        None, "--labels", help="Keep issues carrying ALL these labels (repeat the option or separate by commas)."
    ),
    state: Literal["open", "closed", "all"] = typer.Option("all", "--state", help="open, closed or all."),
    limit: int | None = typer.Option(
        None, "--limit", metavar="N", min=1, max=MAX_INT, help="At most this many issues in this run."
    ),
    created_after: str | None = typer.Option(None, "--created-after", help=f"Created on/after D ({DATE_HELP})."),
    created_before: str | None = typer.Option(None, "--created-before", help="Created before D (exclusive)."),
    updated_after: str | None = typer.Option(None, "--updated-after", help="Updated on/after D (inclusive)."),
    updated_before: str | None = typer.Option(None, "--updated-before", help="Updated before D (exclusive)."),
    last_days: int | None = typer.Option(
        None,
        "--last-days",
        metavar="N",
        min=1,
        max=MAX_DAYS,
        help="Created in the last N days (from 00:00 UTC N days ago); not with dates.",
    ),
    exclude_repo: list[str] | None = typer.Option(None, "--exclude-repo", help="Skip this repository (repeat)."),
    incremental: bool = typer.Option(
        False, "--incremental", help="Only issues updated since the last complete collection of each repository."
    ),
    token: str | None = typer.Option(
        None,
        "--token",
        metavar="TOKEN",
        help="GitHub token. Prefer GH_TOKEN or GITHUB_TOKEN (or `gh auth login`): an option shows in the process list.",
    ),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Collect issues (with every comment, labels, author, times; no pull requests) and label definitions.

    Re-collecting updates issues in place; an interrupted collection resumes where it stopped.
    --incremental starts from the last complete, unfiltered collection of each repository.
    The API is GITHUB_API_URL (default https://api.github.com; GitHub Enterprise: https://HOST/api/v3).
    Token, as the GitHub CLI finds it: GH_TOKEN, then GITHUB_TOKEN, then `gh auth token` when gh is installed.
    """
    dates = _dates(created_after, created_before, updated_after, updated_before, last_days)
    request = _request(org, repo, issue_number, labels, state, limit, exclude_repo, incremental, dates)
    report = _run(request, token)
    _render(report, json_output)


def _dates(
    created_after: str | None,
    created_before: str | None,
    updated_after: str | None,
    updated_before: str | None,
    last_days: int | None,
) -> dict[str, datetime | None]:
    from datetime import UTC, timedelta

    from github_issue_analysis.errors import UsageError

    given = {
        "created_after": created_after,
        "created_before": created_before,
        "updated_after": updated_after,
        "updated_before": updated_before,
    }
    dates = {key: _parse_date(value, "--" + key.replace("_", "-")) for key, value in given.items()}
    if last_days is not None:
        if any(given.values()):
            raise UsageError("--last-days conflicts with --created-*/--updated-* dates; use one or the other")
        if last_days < 1:
            raise UsageError("--last-days must be at least 1")
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        dates["created_after"] = today - timedelta(days=last_days)
    return dates


def _parse_date(value: str | None, option: str) -> datetime | None:
    from datetime import UTC

    from github_issue_analysis.errors import UsageError

    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{option}: '{value}' is not an ISO date; write YYYY-MM-DD") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _request(
    org: str,
    repo: str | None,
    issue_number: int | None,
    labels: list[str] | None,
    state: str,
    limit: int | None,
    exclude_repo: list[str] | None,
    incremental: bool,
    dates: dict[str, datetime | None],
) -> CollectRequest:
    from github_issue_analysis.github_client import CollectRequest, check_request

    names = tuple(part.strip() for value in labels or [] for part in value.split(",") if part.strip())
    request = CollectRequest(
        org=org,
        repo=repo,
        issue_number=issue_number,
        labels=names,
        state=state.lower(),
        limit=limit,
        exclude_repos=tuple(exclude_repo or ()),
        incremental=incremental,
        created_after=dates["created_after"],
        created_before=dates["created_before"],
        updated_after=dates["updated_after"],
        updated_before=dates["updated_before"],
    )
    check_request(request)
    return request


def _run(request: CollectRequest, token: str | None) -> CollectReport:
    from github_issue_analysis.github_client import CollectionService, connect

    from . import context
    from .collect_progress import collect_progress

    connection = connect(context.settings(), token)  # no token: refused before the store is opened
    store = context.open_store()
    context.show_slow_calls()
    try:
        with collect_progress(context.console(stderr=True)) as progress:
            return CollectionService(store.issues, connection).collect(request, progress)
    finally:
        store.close()


def _render(report: CollectReport, json_output: bool) -> None:
    from rich.table import Table

    from . import context
    from .safe_text import safe

    document: dict[str, Any] = report.as_dict()
    if json_output:
        context.print_json(document)
        return
    for warning in report.warnings:
        context.console(stderr=True).print(f"Warning: {warning}", markup=False, highlight=False)
    table = Table(title=f"Collected from {report.org}")
    for column in ("Repository", "Mode", "Issues", "New", "Updated", "Comments", "Labels"):
        table.add_column(column, justify="left" if column in ("Repository", "Mode") else "right")
    for r in report.repositories:
        table.add_row(
            safe(r.repo), r.mode, str(r.issues), str(r.inserted), str(r.updated), str(r.comments), str(r.labels)
        )
    out = context.console()
    out.print(table)
    left = "unknown" if report.rate_limit_remaining is None else str(report.rate_limit_remaining)
    out.print(
        f"{document['issues']} issues from {len(report.repositories)} repositories in {report.requests} "
        f"requests; rate limit left: {left}."
    )
