"""Rendering for `gh-analysis batch ...` status, lists, collection and cancel: Rich tables for people, stable
JSON for scripts (submission: submit_render.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from github_issue_analysis.errors import OperationFailed

from . import context
from .safe_text import safe
from .tables import GROUP_TABLE_ROWS, usd

if TYPE_CHECKING:
    from rich.table import Table

    from github_issue_analysis.ai.batch.batch_group_manager import GroupCollectReport
    from github_issue_analysis.ai.batch.result_collector import CollectReport
    from github_issue_analysis.domain.groups import BatchGroup, BatchGroupStatus
    from github_issue_analysis.domain.jobs import BatchJob
    from github_issue_analysis.domain.usage import TokenUsage


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
            f"{usd(used['cost_usd'])} at batch prices"
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
        table.add_row(*(safe(cell) for cell in row))
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
        f"{job.group_id}): [bold]{safe(job.raw_status or job.status.value)}[/bold]"
    )
    out.print(f"Items: {job.total_items} total, {job.completed_items} done, {job.failed_items} failed")
    if job.provider_batch_id:
        out.print(f"Provider batch: {safe(job.provider_batch_id)}")
    if job.error:
        out.print(f"[red]{safe(job.error)}[/red]")


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
            safe(group.model),
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
        "input_tokens": report.usage.input_tokens,
        "output_tokens": report.usage.output_tokens,
    }


def job_collected(report: CollectReport, json_output: bool) -> None:
    if json_output:
        context.print_json(_collect_document(report))
        return
    out = context.console()
    again = " (already collected; nothing changed)" if report.already_collected else ""
    out.print(f"Job {report.job_id}: {report.collected} results stored, {report.failed} failed{again}")
    for kind, count in sorted(report.failures_by_kind.items()):
        out.print(f"  {safe(kind)}: {count}")


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
            out.print(f"[yellow]  {safe(job_id)} not collected: {safe(why)}[/yellow]")
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
        out.print(f"{job.job_id}: {safe(job.raw_status or job.status.value)}")
