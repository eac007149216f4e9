"""The one way batch commands read a job or group id: blank and overlong ids are usage errors."""

from __future__ import annotations

import typer

from github_issue_analysis.domain.ids import MAX_ID_LENGTH


def parse_id(value: str | None) -> str | None:
    """An id or unique prefix as typed; an empty or blank one would match every job, so it is refused."""
    if value is None:
        return None
    if not value.strip():
        raise typer.BadParameter("an id must not be empty or blank; see `gh-analysis batch list --groups`")
    if len(value) > MAX_ID_LENGTH:
        raise typer.BadParameter(f"ids are at most {MAX_ID_LENGTH} characters; this one has {len(value):,}")
    if value != value.strip() or not value.isprintable():
        raise typer.BadParameter("an id holds no spaces or control characters; see `gh-analysis batch list`")
    return value


def id_argument(metavar: str, help: str = "Id or a unique prefix of it (case-sensitive).") -> str:
    """A required ID argument."""
    return typer.Argument(..., metavar=metavar, help=help, callback=parse_id)  # type: ignore[no-any-return]
