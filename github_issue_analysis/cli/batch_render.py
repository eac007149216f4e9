"""Rendering for `gh-analysis batch ...`: Rich tables for people, stable JSON for scripts."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import typer

from github_issue_analysis.errors import OperationFailed, UsageError

from . import context

if TYPE_CHECKING:
    from rich.table import Table

    from github_issue_analysis.ai.batch.batch_group_manager import GroupCollectReport
    from github_issue_analysis.ai.batch.collector import CollectReport
    from github_issue_analysis.ai.batch.planner import PlannedSubmission
    from github_issue_analysis.ai.batch.service import SubmitResult
    from github_issue_analysis.domain.groups import BatchGroup, BatchGroupStatus
    from github_issue_analysis.domain.jobs import BatchJob
    from github_issue_analysis.domain.usage import TokenUsage


GROUP_TABLE_ROWS = 50  # rows of a group's batches in tables: 2,000 help no one and take seconds to draw


def _cost(value: float | None) -> str:
    return "unknown (no price for this model)" if value is None else f"${value:,.4f}"


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
                _cost(planned.estimated_cost(batch)),
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
    out.print(
        f"Estimated: {planned.estimated_tokens:,} prompt tokens, {_cost(planned.estimated_cost())} at batch prices"
    )
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
        f"Estimated: about {planned.estimated_tokens:,} prompt tokens, about {_cost(planned.estimated_cost())} "
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


def _job_document(job: BatchJob) -> dict[str, Any]:
    return {
        "job_id": job.job_id,
        "group_id": job.group_id,
        "batch_sequence": job.batch_sequence,
        "status": job.raw_status or job.status.value,
        "provider_batch_id": job.provider_batch_id,
        "total_items": job.total_items,
        "processed_items": job.completed_items,
        "failed_items": job.failed_items,
        "attempt": job.attempt,
        "error": job.error,
        "collected": job.collected_at is not None,
        "input_tokens": job.input_tokens,
        "output_tokens": job.output_tokens,
    }


def group_document(status: BatchGroupStatus) -> dict[str, Any]:
    return {
        "group_id": status.group_id,
        "status": status.status.value,
        "is_split_job": status.is_split_job,
        "total_batches": status.total_batches,
        "completed_batches": status.completed_batches,
        "failed_batches": status.failed_batches,
        "total_issues": status.total_issues,
        "completed_issues": status.completed_issues,
        "batches": [
            {
                "job_id": b.job_id,
                "batch_sequence": b.batch_sequence,
                "status": b.status.value,
                "issue_count": b.total_items,
                "provider_batch_id": b.provider_batch_id,
                "completed": b.completed_items,
                "failed": b.failed_items,
                "attempt": b.attempt,
                "error": b.error,
            }
            for b in status.batches
        ],
        "usage": usage_document(status),
        "actual_cost_usd": actual_cost(status),
        "missing_at_provider": status.missing_at_provider,
    }


def actual_cost(status: BatchGroupStatus) -> float | None:
    """What the batches finished so far cost: uncached input, cache reads and writes each at its price."""
    return _priced(status.model, status.usage)


def _priced(model: str, usage: TokenUsage) -> float | None:
    from github_issue_analysis.ai.providers.pricing import price_for

    price = price_for(model)
    return price.cost_of(usage) if price else None


def usage_document(status: BatchGroupStatus) -> dict[str, Any]:
    """Actual usage from the provider's figures (batches finished so far); `cost_usd` kept for older scripts."""
    return {**status.usage.document(), "cost_usd": actual_cost(status)}


def group_status(status: BatchGroupStatus, json_output: bool) -> None:
    if json_output:
        context.print_json(group_document(status))
        return
    out = context.console()
    out.print(
        f"Group [bold]{status.group_id}[/bold]: [bold]{status.status.value}[/bold] - "
        f"{status.completed_batches}/{status.total_batches} batches completed, {status.failed_batches} failed; "
        f"{status.completed_issues}/{status.total_issues} issues done"
    )
    shown = _batches_worth_showing(status.batches)
    if len(shown) < len(status.batches):
        out.print(f"By state: {_by_state(status.batches)}")
        title = f"Batches: {len(shown)} of {len(status.batches):,}, unfinished and failed first (--json lists all)"
        out.print(_jobs_table(shown, title=title, in_group=True))
    else:
        out.print(_jobs_table(status.batches, title="Batches", in_group=True))
    if status.missing_at_provider:
        context.console(stderr=True).print(_missing_line(status.missing_at_provider))
    used = usage_document(status)
    if used["input_tokens"]:
        out.print(
            f"Usage so far: {used['input_tokens']:,} input ({used['cached_input_tokens']:,} from cache, "
            f"{used['cache_write_tokens']:,} written to it) + {used['output_tokens']:,} output tokens, "
            f"{_cost(used['cost_usd'])} at batch prices"
        )


def _batches_worth_showing(batches: list[BatchJob]) -> list[BatchJob]:
    """Every batch of a small group; of a large one the first rows, those needing attention first."""
    from github_issue_analysis.domain.jobs import JobStatus

    if len(batches) <= GROUP_TABLE_ROWS:
        return batches
    order = {JobStatus.COMPLETED: 2}
    ranked = sorted(batches, key=lambda b: (order.get(b.status, 0 if b.status.is_terminal else 1), b.batch_sequence))
    return ranked[:GROUP_TABLE_ROWS]


def _by_state(batches: list[BatchJob]) -> str:
    counts: dict[str, int] = {}
    for batch in batches:
        counts[batch.status.value] = counts.get(batch.status.value, 0) + 1
    return ", ".join(f"{state} {count:,}" for state, count in sorted(counts.items()))


def _missing_line(job_ids: list[str]) -> str:
    shown = ", ".join(job_ids[:5]) + (f" and {len(job_ids) - 5} more" if len(job_ids) > 5 else "")
    return (
        f"warning: the provider has no batch for {len(job_ids)} job(s) ({shown}); their state is unchanged "
        "(check the API key's account, or remove them with `gh-analysis batch remove`)"
    )


def _jobs_table(jobs: list[BatchJob], title: str, in_group: bool = False) -> Table:
    """Jobs with their group (a list of jobs), or a group's batches with their provider batch ids."""
    from rich.table import Table

    from .tables import add_id_column

    table = Table(title=title)
    add_id_column(table, "Job", (job.job_id for job in jobs))
    if not in_group:
        add_id_column(table, "Group", (job.group_id for job in jobs))
    table.add_column("Batch", justify="right")
    table.add_column("Status")
    table.add_column("Done/items", justify="right")
    table.add_column("Failed", justify="right")
    if in_group:
        add_id_column(table, "Provider batch", (job.provider_batch_id or "-" for job in jobs))
    for job in jobs:
        row = [job.job_id]
        if not in_group:
            row.append(job.group_id if job.group_id != job.job_id else "-")
        row += [
            f"{job.batch_sequence}/{job.total_batches_in_group}",
            job.status.value + (f" (attempt {job.attempt})" if job.attempt > 1 else ""),
            f"{job.completed_items}/{job.total_items}",
            str(job.failed_items),
        ]
        if in_group:
            row.append(job.provider_batch_id or "-")
        table.add_row(*row)
    return table


def job_status(job: BatchJob, json_output: bool, model: str | None = None) -> None:
    if json_output:
        document = _job_document(job)
        if model is not None:
            document |= {"usage": job.usage.document(), "actual_cost_usd": _priced(model, job.usage)}
        context.print_json(document)
        return
    out = context.console()
    out.print(
        f"Job [bold]{job.job_id}[/bold] (batch {job.batch_sequence}/{job.total_batches_in_group} of "
        f"{job.group_id}): [bold]{job.raw_status or job.status.value}[/bold]"
    )
    out.print(f"Items: {job.total_items} total, {job.completed_items} done, {job.failed_items} failed")
    if job.provider_batch_id:
        out.print(f"Provider batch: {job.provider_batch_id}")
    if job.error:
        out.print(f"[red]{job.error}[/red]")


def _more_hint(shown: int, limit: int) -> None:
    if limit and shown == limit:
        context.console().print(f"[dim]Newest {limit} shown; --limit 0 lists all.[/dim]")


def group_list(groups: list[tuple[BatchGroup, BatchGroupStatus]], json_output: bool, limit: int = 0) -> None:
    if json_output:
        context.print_json(
            [
                {**group_document(status), "processor": g.processor, "model": g.model, "created_at": g.created_at}
                for g, status in groups
            ]
        )
        return
    from rich.table import Table

    from .tables import add_id_column

    table = Table(title="Batch groups")
    add_id_column(table, "Group", (group.group_id for group, _ in groups))
    for column in ("Created", "Model", "Status", "Batches", "Issues done"):
        table.add_column(column)
    for group, status in groups:
        table.add_row(
            group.group_id,
            f"{group.created_at:%m-%d %H:%M}",
            group.model,
            status.status.value,
            f"{status.completed_batches}/{status.total_batches}",
            f"{status.completed_issues}/{status.total_issues}",
        )
    context.console().print(table if groups else "No batch groups yet.")
    _more_hint(len(groups), limit)


def job_list(jobs: list[BatchJob], json_output: bool, limit: int = 0) -> None:
    if json_output:
        context.print_json([_job_document(job) for job in jobs])
        return
    context.console().print(_jobs_table(jobs, "Batch jobs") if jobs else "No batch jobs yet.")
    _more_hint(len(jobs), limit)


def _collect_document(report: CollectReport) -> dict[str, Any]:
    return {
        "job_id": report.job_id,
        "collected": report.collected,
        "failed": report.failed,
        "already_collected": report.already_collected,
        "failures": report.failures_by_kind,
        "input_tokens": report.input_tokens,
        "output_tokens": report.output_tokens,
    }


def job_collected(report: CollectReport, json_output: bool) -> None:
    if json_output:
        context.print_json(_collect_document(report))
        return
    out = context.console()
    again = " (already collected; nothing changed)" if report.already_collected else ""
    out.print(f"Job {report.job_id}: {report.collected} results stored, {report.failed} failed{again}")
    for kind, count in sorted(report.failures_by_kind.items()):
        out.print(f"  {kind}: {count}")


def group_collected(report: GroupCollectReport, json_output: bool) -> None:
    if json_output:
        context.print_json(
            {
                "group_id": report.group_id,
                "collected": report.collected,
                "failed": report.failed,
                "jobs": [_collect_document(r) for r in report.jobs],
                "not_collected": report.skipped,
            }
        )
    else:
        out = context.console()
        out.print(f"Group {report.group_id}: {report.collected} results stored, {report.failed} failed")
        for job_id, why in report.skipped.items():
            out.print(f"[yellow]  {job_id} not collected: {why}[/yellow]")
    if report.broken:
        raise OperationFailed(f"{len(report.broken)} batch(es) could not be collected: {report.broken[0]}")


def cancelled(jobs: list[BatchJob], json_output: bool) -> None:
    if json_output:
        context.print_json([_job_document(job) for job in jobs])
        return
    out = context.console()
    if not jobs:
        out.print("Nothing to cancel: every batch had already finished.")
    for job in jobs:
        out.print(f"{job.job_id}: {job.raw_status or job.status.value}")
