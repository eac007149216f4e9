"""Rendering for `gh-analysis batch submit` (and `--resume`, `group-retry`, `label`'s plan): the plan, the dry
run, the confirmation, what was submitted. Rich for people, stable JSON for scripts."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import typer

from github_issue_analysis.errors import OperationFailed, UsageError

from . import context
from .tables import GROUP_TABLE_ROWS, usd

if TYPE_CHECKING:
    from github_issue_analysis.ai.batch.batch_service import SubmitResult
    from github_issue_analysis.ai.batch.planner import PlannedSubmission
    from github_issue_analysis.domain.jobs import BatchJob


def plan(planned: PlannedSubmission) -> None:
    out = context.console()
    split = planned.plan
    _measuring(planned)
    if planned.skipped_with_results:
        out.print(f"[dim]Skipping {planned.skipped_with_results} issue(s) that already have results.[/dim]")
    if planned.skipped_in_flight:
        out.print(
            f"[dim]Skipping {planned.skipped_in_flight} issue(s) in flight in another group "
            "(--reprocess sends them again).[/dim]"
        )
    if planned.unplanned:
        _plan_in_chunks(planned)
        return
    if split.split_required:
        from rich.table import Table  # here: a --json run never loads Rich's tables

        out.print(f"[yellow]Large selection: {split.total_issues} issues[/yellow]")
        out.print(f"Will split into {split.total_batches} batches of up to {split.batch_size} issues")
        table = Table(title="Batch Splitting Plan")
        table.add_column("Batch", style="cyan", justify="right")
        table.add_column("Issues", justify="right")
        table.add_column("Est. prompt tokens", justify="right")
        table.add_column("Est. cost", justify="right")
        for batch in split.batches[:GROUP_TABLE_ROWS]:
            table.add_row(
                str(batch.batch_number),
                str(batch.issue_count),
                f"{batch.estimated_tokens:,}",
                usd(planned.estimated_cost(batch)),
            )
        if len(split.batches) > GROUP_TABLE_ROWS:
            rest = split.batches[GROUP_TABLE_ROWS:]
            table.add_row(
                f"+{len(rest):,}",
                f"{sum(b.issue_count for b in rest):,}",
                f"{sum(b.estimated_tokens for b in rest):,}",
                "",
                end_section=True,
            )
        out.print(table)
    else:
        out.print(f"Single batch: {split.total_issues} issue(s)")
    out.print(f"Estimated: {planned.estimated_tokens:,} prompt tokens, {usd(planned.estimated_cost())} at batch prices")
    for warning in planned.warnings:
        out.print(f"[yellow]{warning}[/yellow]")


def _plan_in_chunks(planned: PlannedSubmission) -> None:
    """A selection planned chunk by chunk while it is sent: the totals are estimates from the first chunk (the
    exact plan is reported once everything is recorded)."""
    out = context.console()
    out.print(f"[yellow]Large selection: {planned.total_selected} issues[/yellow]")
    out.print(
        f"Will split into about {planned.expected_batches:,} batches of up to {planned.plan.batch_size} issues, "
        f"measured and sent chunk by chunk (estimates below from the first {len(planned.issue_ids):,} issues)"
    )
    out.print(
        f"Estimated: about {planned.estimated_tokens:,} prompt tokens, about {usd(planned.estimated_cost())} "
        "at batch prices"
    )
    for warning in planned.warnings:
        out.print(f"[yellow]{warning}[/yellow]")


def _measuring(planned: PlannedSubmission) -> None:
    request = planned.request
    if request.sample is not None:
        context.console().print(
            f"Stratified sample of {len(planned.issue_ids)} labelled issue(s) (asked {request.sample}, "
            f"seed {request.sample_seed}){', blind' if request.blind else ''}"
        )
    elif request.blind:
        context.console().print("Blind: current taxonomy labels are left out of the prompts")


def _plan_document(planned: PlannedSubmission | None) -> dict[str, Any]:
    if planned is None:
        return {}
    return {
        "total_issues": planned.plan.total_issues,
        "total_batches": planned.plan.total_batches,
        "skipped": {"with_results": planned.skipped_with_results, "in_flight": planned.skipped_in_flight},
        "plan": _plan_with_costs(planned),
        "estimated_prompt_tokens": planned.estimated_tokens,
        "estimated_cost_usd": planned.estimated_cost(),
        "warnings": planned.warnings,
        "blind": planned.request.blind,
        "sample": planned.request.sample,
        "seed": planned.request.sample_seed if planned.request.sample is not None else None,
        **({"examples": [ref.document() for ref in planned.request.example_refs]} if planned.request.examples else {}),
    }


def _plan_with_costs(planned: PlannedSubmission) -> dict[str, Any]:
    summary = planned.plan.summary()
    for entry, batch in zip(summary["batches"], planned.plan.batches, strict=True):
        entry["estimated_cost_usd"] = planned.estimated_cost(batch)
    return summary


def dry_run(planned: PlannedSubmission, json_output: bool) -> None:
    if json_output:
        context.print_json(
            {
                "group_id": None,
                "is_split_job": planned.plan.split_required,
                "dry_run": True,
                "job_ids": [],
                **_plan_document(planned),
            }
        )
        return
    context.console().print("[blue]Dry run complete - no jobs submitted[/blue]")


def resume_dry_run(group_id: str, unsent: list[BatchJob], json_output: bool, unplanned: int = 0) -> None:
    """`unplanned`: issues of a group planned in chunks that a run cut short before planning them."""
    issues = sum(job.total_items for job in unsent)
    if json_output:
        context.print_json(
            {
                "group_id": group_id,
                "dry_run": True,
                "total_batches": len(unsent),
                "total_issues": issues,
                "job_ids": [job.job_id for job in unsent],
                "unplanned_issues": unplanned,
            }
        )
        return
    rest = f", then plan and send {unplanned} more issue(s)" if unplanned else ""
    context.console().print(
        f"[blue]Dry run: resuming {group_id} would send {len(unsent)} batch(es) ({issues} issues){rest}; "
        "nothing sent[/blue]"
    )


def confirm_or_refuse(total_batches: int, unplanned: int = 0) -> None:
    what = f"{total_batches} batch jobs" + (f" and {unplanned} issue(s) still to plan" if unplanned else "")
    if not sys.stdin.isatty():
        raise UsageError(f"about to submit {what}; pass --yes to confirm when not at a terminal")
    if not typer.confirm(f"Submit {what}?"):
        raise typer.Abort()


def submitted(result: SubmitResult, json_output: bool, planned: PlannedSubmission | None = None) -> None:
    group, status = result.group, result.status
    shown, planned = planned, result.planned or planned
    held = [{"org": org, "repo": repo, "number": number} for org, repo, number in result.skipped_in_flight]
    if json_output:
        document = {
            "group_id": group.group_id,
            "is_split_job": group.is_split_job,
            "dry_run": False,
            "total_issues": group.total_issues,
            "total_batches": status.total_batches,
            "job_ids": [b.job_id for b in status.batches],
            "plan": group.split_plan,
            **_plan_document(planned),
            "queued": [b.job_id for b in status.batches if b.status.value == "queued"],
            "problems": result.problems,
            "skipped_in_flight": held,
        }
        context.print_json(document)
        if result.problems:
            raise OperationFailed(f"{len(result.problems)} batch(es) could not be submitted now")
        return
    out = context.console()
    _held_meanwhile(result, shown)
    queued = sum(b.status.value == "queued" for b in status.batches)
    if group.is_split_job:
        out.print(f"[green]Created batch group: {group.group_id}[/green]")
        out.print(f"{status.total_batches - queued} of {status.total_batches} batches submitted")
    else:
        out.print(f"[green]Created batch job: {group.group_id}[/green]")
    if queued:
        out.print(f"{queued} batch(es) wait as queued: run `gh-analysis batch watch {group.group_id}`")
    for problem in result.problems:
        out.print(f"[yellow]not submitted yet: {problem}[/yellow]")
    out.print(f"[dim]Follow it with `gh-analysis batch status {group.group_id}`[/dim]")
    if result.problems:
        raise OperationFailed(
            f"{len(result.problems)} batch(es) could not be submitted now; "
            f"run `gh-analysis batch submit --resume {group.group_id}` to finish"
        )


def _held_meanwhile(result: SubmitResult, shown: PlannedSubmission | None) -> None:
    """Issues another run took between the plan shown and the recording, named (the plan said the rest)."""
    if result.planned is None or shown is None or result.planned is shown:
        return
    newly = result.skipped_in_flight[shown.skipped_in_flight :]
    names = ", ".join(f"{org}/{repo}#{number}" for org, repo, number in newly[:10])
    more = f" and {len(newly) - 10} more" if len(newly) > 10 else ""
    context.console().print(
        f"[yellow]Skipped {len(newly)} issue(s) another run submitted meanwhile: {names}{more}[/yellow]"
    )
