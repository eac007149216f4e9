"""`gh-analysis batch ...`: submit, follow, collect, cancel, retry and remove batch jobs and groups."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import typer

from github_issue_analysis import defaults
from github_issue_analysis.errors import OperationFailed, UsageError

from . import context
from .ids import id_argument, parse_id
from .issue_options import EXAMPLES, ISSUE_NUMBER, LABEL_PREFIX, LABELS_FILE, LIMIT, PROCESSOR, REPO, REPROCESS

if TYPE_CHECKING:
    from github_issue_analysis.ai.batch.batch_service import BatchService

app = typer.Typer(
    help="Label stored issues through provider batch APIs, split into tracked groups.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

JSON = typer.Option(False, "--json", help="Print one JSON document and nothing else.")
CONCURRENCY = typer.Option(defaults.CONCURRENCY, "--concurrency", min=1, help="Provider requests in flight at once.")


def _service() -> BatchService:
    from github_issue_analysis.ai.batch.batch_service import BatchService

    context.show_slow_calls()
    return BatchService(context.open_store(), context.settings())


@app.command()
def submit(
    ctx: typer.Context,
    processor: str = PROCESSOR,
    org: str | None = typer.Option(None, "--org", help="Organization whose stored issues to label (required)."),
    repo: str | None = REPO,
    issue_number: int | None = ISSUE_NUMBER,
    limit: int | None = LIMIT,
    model: str | None = typer.Option(
        None,
        "--model",
        help=f"PROVIDER:NAME, e.g. anthropic:claude-haiku-4-5 (default GH_ANALYSIS_MODEL or {defaults.MODEL}).",
    ),
    label_prefix: str = LABEL_PREFIX,
    labels_file: Path | None = LABELS_FILE,
    batch_size: int = typer.Option(defaults.BATCH_SIZE, "--batch-size", help="Issues per provider batch."),
    concurrency: int = CONCURRENCY,
    temperature: float | None = typer.Option(None, "--temperature", help="Sent only to models that accept it."),
    reasoning_effort: Literal["minimal", "low", "medium", "high"] | None = typer.Option(
        None, "--reasoning-effort", help="minimal, low, medium or high; sent only to reasoning models."
    ),
    blind: bool = typer.Option(
        False, "--blind", help="Leave each issue's current taxonomy labels out of the prompt (for `eval`)."
    ),
    sample: int | None = typer.Option(
        None, "--sample", min=1, help="A stratified sample of N issues people labelled (same seed, same issues)."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Seed of --sample (default 0)."),
    examples: int | None = EXAMPLES,
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the split plan and cost; submit nothing."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Submit a split group without asking."),
    reprocess: bool = REPROCESS,
    resume: str | None = typer.Option(
        None, "--resume", callback=parse_id, help="Finish submitting this group after a crash."
    ),
    max_enqueued_tokens: int | None = typer.Option(
        None, "--max-enqueued-tokens", min=1, help="Account's enqueued-token limit; extra batches wait as queued."
    ),
    json_output: bool = JSON,
) -> None:
    """Submit stored issues for batch labeling, split automatically into batches of --batch-size."""
    from github_issue_analysis.ai.batch.submit_request import SubmitRequest
    from github_issue_analysis.storage.issue_store import IssueSelection

    from . import submit_render as render

    service = _service()
    if resume:
        from .batch_resume import ResumeOptions, run_resume

        run_resume(
            ctx,
            service,
            resume,
            ResumeOptions(yes, dry_run, concurrency, max_enqueued_tokens, json_output),
        )
        return
    if org is None:
        raise UsageError("--org is required (or --resume GROUP to finish an earlier submission)")
    request = SubmitRequest(
        processor=processor,
        selection=IssueSelection(org, repo, issue_number, limit),
        model=model,
        label_prefix=label_prefix,
        labels_file=labels_file,
        batch_size=batch_size,
        temperature=temperature,
        reasoning_effort=reasoning_effort,
        reprocess=reprocess,
        concurrency=concurrency,
        max_enqueued_tokens=max_enqueued_tokens,
        blind=blind,
        sample=sample,
        seed=seed,
        examples=examples,
    )
    planned = service.plan(request, in_chunks=yes and not dry_run)  # measured while sending: nobody is asked
    if not json_output:
        render.plan(planned)
    if dry_run:
        render.dry_run(planned, json_output)
        return
    if planned.plan.split_required and not yes:
        render.confirm_or_refuse(planned.plan.total_batches)
    result = service.submit(planned)
    context.remember_ids(groups=[result.group.group_id], jobs=[job.job_id for job in result.status.batches])
    render.submitted(result, json_output, planned)


@app.command()
def status(
    job_or_group: str = id_argument("ID", "Group id or job id (a unique, case-sensitive prefix is enough)."),
    json_output: bool = JSON,
) -> None:
    """Status of a group (summary and its batches) or of one job, refreshed from the provider."""
    from . import batch_render as render

    service = _service()
    kind, found = service.resolve(job_or_group)
    if kind == "group":
        render.group_status(service.group_status(found), json_output)
    else:
        job = service.job_status(found)
        render.job_status(job, json_output, service.model_of(job.group_id))


@app.command("list")
def list_jobs(
    groups: bool = typer.Option(False, "--groups", help="One row per group instead of per job."),
    limit: int | None = typer.Option(
        None, "--limit", min=0, help="Newest this many (default 50 in the table, all with --json; 0: all)."
    ),
    json_output: bool = JSON,
) -> None:
    """List batch jobs (or groups) in the store, newest first. Shows stored state; no provider calls."""
    from . import batch_render as render

    shown = limit if limit is not None else (0 if json_output else 50)
    service = _service()
    if groups:
        found = service.groups(shown or None)
        context.remember_ids(groups=[group.group_id for group, _ in found])
        render.group_list(found, json_output, shown)
    else:
        jobs = service.jobs(shown or None)
        context.remember_ids(jobs=[job.job_id for job in jobs], groups=[job.group_id for job in jobs])
        render.job_list(jobs, json_output, shown)
    if unreadable := service.store.jobs.unreadable_jobs:
        from github_issue_analysis.errors import StoreUnavailable

        raise StoreUnavailable(f"{len(unreadable)} job(s) not listed: {unreadable[0]}")


@app.command()
def collect(job_id: str = id_argument("JOB_ID"), json_output: bool = JSON) -> None:
    """Collect the results of one finished job (completed, expired or cancelled: partial output too)."""
    from . import batch_render as render

    service = _service()
    render.job_collected(service.collect_job(service.job_id(job_id, "collect")), json_output)


@app.command("group-collect")
def group_collect(group_id: str = id_argument("GROUP_ID"), json_output: bool = JSON) -> None:
    """Collect every finished batch of a group; one that cannot be collected does not stop the others."""
    from . import batch_render as render

    service = _service()
    render.group_collected(service.collect_group(service.group_id(group_id, "collect")), json_output)


@app.command()
def cancel(job_id: str = id_argument("JOB_ID"), json_output: bool = JSON) -> None:
    """Cancel one job; what it finished before stopping can still be collected."""
    from . import batch_render as render

    service = _service()
    render.cancelled([service.cancel_job(service.job_id(job_id, "cancel"))], json_output)


@app.command("group-cancel")
def group_cancel(group_id: str = id_argument("GROUP_ID"), json_output: bool = JSON) -> None:
    """Cancel every unfinished batch of a group."""
    from . import batch_render as render

    service = _service()
    render.cancelled(service.cancel_group(service.group_id(group_id, "cancel")), json_output)


@app.command("group-retry")
def group_retry(
    group_id: str = id_argument("GROUP_ID"),
    failed_only: bool = typer.Option(
        False, "--failed-only", help="Resend only issues without a valid result, re-split into new batches."
    ),
    concurrency: int = CONCURRENCY,
    yes: bool = typer.Option(False, "--yes", "-y", help="Resend several batches without asking."),
    json_output: bool = JSON,
) -> None:
    """Resubmit failed, expired or cancelled batches of a group as new batches of the same group."""
    from . import submit_render as render

    service = _service()
    confirm = (lambda _: None) if yes else render.confirm_or_refuse
    result = service.retry_group(service.group_id(group_id, "retry"), failed_only, concurrency, confirm)
    render.submitted(result, json_output)


@app.command()
def adopt(
    job_id: str = id_argument("JOB_ID", "The child left `submitting` (a unique prefix is enough)."),
    provider_batch_id: str = typer.Argument(..., help="The provider's batch that is this child's."),
    json_output: bool = JSON,
) -> None:
    """Settle a child left `submitting`: take this provider batch as its batch (checked at the provider)."""
    from . import batch_render as render

    service = _service()
    render.job_status(service.adopt_batch(service.job_id(job_id, "adopt"), provider_batch_id), json_output)


@app.command()
def unsent(
    job_id: str = id_argument("JOB_ID", "The child left `submitting` (a unique prefix is enough)."),
    json_output: bool = JSON,
) -> None:
    """Settle a child left `submitting` the provider has no batch of: back to the queue, sent by resume or watch."""
    from . import batch_render as render

    service = _service()
    render.job_status(service.mark_unsent(service.job_id(job_id, "settle")), json_output)


@app.command()
def remove(
    job_or_group: str = id_argument("ID"),
    force: bool = typer.Option(False, "--force", help="Also when batches still run (they are cancelled)."),
) -> None:
    """Remove a job or group from the store (results already collected are kept)."""
    service = _service()
    removed = service.remove(job_or_group, force)
    context.console().print(f"Removed {len(removed)} job(s): {', '.join(removed)}")


@app.command()
def watch(
    job_or_group: str = id_argument("ID"),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Resubmit failed items automatically."),
    max_attempts: int = typer.Option(2, "--max-attempts", min=1, help="Attempts per issue with --retry-failed."),
    max_enqueued_tokens: int | None = typer.Option(
        None, "--max-enqueued-tokens", min=1, help="Account's enqueued-token limit; batches go out as capacity frees."
    ),
    concurrency: int = CONCURRENCY,
    poll_seconds: float = typer.Option(5.0, "--poll-seconds", min=0.05, help="First polling interval."),
    yes: bool = typer.Option(False, "--yes", "-y", help="With --retry-failed: resend several batches without asking."),
    json_output: bool = JSON,
) -> None:
    """Drive a group to the end: submit queued batches as capacity frees, collect, retry; Ctrl+C to stop."""
    from github_issue_analysis.ai.batch.watcher import WatchOptions

    from . import batch_render as render
    from .batch_watch import run_watch

    service = _service()
    options = WatchOptions(retry_failed, max_attempts, max_enqueued_tokens, poll_seconds)
    group_id = service.group_id(job_or_group, "watch")
    outcome = run_watch(service, group_id, options, concurrency=concurrency, json_output=json_output, yes=yes)
    render.group_status(outcome, json_output)
    if outcome.completed_issues == 0:
        raise OperationFailed(
            f"the watch ended with no issue labelled ({outcome.status.value}); "
            f"see `gh-analysis batch status {outcome.group_id}` for why"
        )
