"""`batch submit --resume GROUP`: finish a submission as it was planned; a dry run only says what would go."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

from github_issue_analysis import defaults
from github_issue_analysis.errors import UsageError

if TYPE_CHECKING:
    from github_issue_analysis.ai.batch.batch_service import BatchService

# What a resume can still use; every other option was fixed when the group was planned.
RESUME_OPTIONS = frozenset(
    {"processor", "resume", "concurrency", "max_enqueued_tokens", "dry_run", "yes", "json_output"}
)


def refuse_fixed_options(ctx: typer.Context, group_org: str | None) -> None:
    """Options a resume cannot apply are refused; `--org` naming the group's own organization is accepted
    (scripts written when it was required keep working)."""
    given = [
        name
        for name in ctx.params
        if name not in RESUME_OPTIONS and _typed(ctx, name) and not (name == "org" and ctx.params[name] == group_org)
    ]
    if given:
        flags = ", ".join(_flag(ctx, name) for name in given)
        raise UsageError(
            f"--resume finishes the group as it was planned; {flags} cannot apply to it "
            "(drop them, or submit a new group without --resume)"
        )


def _typed(ctx: typer.Context, name: str) -> bool:
    """Given on the command line or through the environment (not a default)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT")


def _flag(ctx: typer.Context, name: str) -> str:
    for param in ctx.command.params:
        if param.name == name and param.opts:
            return str(param.opts[0])
    return name


@dataclass(frozen=True)
class ResumeOptions:
    """The options a resume still takes (RESUME_OPTIONS)."""

    yes: bool = False
    dry_run: bool = False
    concurrency: int = defaults.CONCURRENCY
    max_enqueued_tokens: int | None = None
    json_output: bool = False


def run_resume(ctx: typer.Context, service: BatchService, group_prefix: str, options: ResumeOptions) -> None:
    from . import submit_render as render

    group_id = service.group_id(group_prefix, "resume")
    refuse_fixed_options(ctx, service.group(group_id).selection.get("org"))
    unsent, unplanned = service.unsent(group_id), service.unplanned(group_id)
    if options.dry_run:
        render.resume_dry_run(group_id, unsent, options.json_output, unplanned)
        return
    if (len(unsent) > 1 or unplanned) and not options.yes:
        render.confirm_or_refuse(len(unsent), unplanned)
    result = service.resume(group_id, options.concurrency, options.max_enqueued_tokens)
    render.submitted(result, options.json_output)
