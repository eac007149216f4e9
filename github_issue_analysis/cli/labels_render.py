"""Rendering for `gh-analysis labels ...`: review cards, the plan, apply and revert reports, runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import context

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console

    from github_issue_analysis.labels.apply import ApplyReport
    from github_issue_analysis.labels.plan import LabelPlan
    from github_issue_analysis.labels.revert import RevertPlan
    from github_issue_analysis.labels.session import ApplyEvent
    from github_issue_analysis.storage.decision_store import ReviewRow
    from github_issue_analysis.storage.label_audit_store import RunRow

    from .progress import ProgressReporter


def review_card(out: Console, row: ReviewRow, index: int, total: int) -> None:
    from github_issue_analysis.labels.decisions import recommendations

    from .safe_text import safe, safe_join

    out.rule(f"{index}/{total}  {safe(row.ref)}")
    out.print(f"[bold]{safe(row.title)}[/bold]")
    if row.url:
        out.print(safe(row.url))
    out.print(f"Current labels: {safe_join(row.issue_labels) or 'none'}")
    out.print("Recommended:")
    for rec in recommendations(row):
        out.print(f"  {safe(rec.label)}  {rec.confidence:.2f}  {safe(rec.reasoning)}")
    out.print(f"Summary: {safe(row.analysis.get('summary', ''))}")


def render_plan(out: Console, plan: LabelPlan) -> None:
    from rich.table import Table

    from .safe_text import safe, safe_join

    table = Table(title=f"Label plan: {len(plan.changes)} issue(s), {plan.label_changes} label change(s)")
    table.add_column("Issue", no_wrap=True)
    for column in ("Add", "Remove", "Confidence"):
        table.add_column(column)
    for c in plan.changes:
        where = safe(f"{c.org}/{c.repo}#{c.number}")
        table.add_row(where, safe_join(c.add), safe_join(c.remove), f"{c.confidence:.2f}")
    out.print(table)
    if plan.skipped:
        counts: dict[str, int] = {}
        for s in plan.skipped:
            counts[s.reason] = counts.get(s.reason, 0) + 1
        out.print("Skipped: " + ", ".join(f"{n} {reason.replace('_', ' ')}" for reason, n in sorted(counts.items())))
    out.print("Nothing was sent to GitHub.")


def render_apply(report: ApplyReport, json_output: bool) -> None:
    if json_output:
        context.print_json(report.as_json())
        return
    from .safe_text import safe, safe_join

    out = context.console()
    if report.resumed_runs:
        out.print(f"Finished interrupted run(s): {safe_join(report.resumed_runs)}")
    changes = sum(len(c.add) + len(c.remove) for c in report.applied)
    out.print(
        f"Run {report.run_id or '-'}: {changes} label change(s) on {len(report.applied)} issue(s), "
        f"{len(report.failed)} failed, {len(report.skipped)} skipped; "
        f"{report.mutation_requests} write request(s), {report.requests} request(s) in all."
    )
    for f in report.failed:
        out.print(f"  failed {safe(f'{f.org}/{f.repo}#{f.number}')}: {safe(f.error)}")


def event_printer(reporter: ProgressReporter) -> Callable[[ApplyEvent], None]:
    """Apply/revert events through the progress seam: a wait is a change of state, the count is progress."""

    def show(event: ApplyEvent) -> None:
        if event.kind == "wait":
            reporter.note(f"Waiting {event.seconds:.0f} s: {event.message} ({event.done}/{event.total} done)")
        elif event.total:
            eta = "" if event.eta_seconds is None else f", ETA {event.eta_seconds:.0f} s"
            state = "Label changes: all done" if event.done >= event.total else "Label changes: sending"
            reporter.update(state, f"{event.done}/{event.total} change(s){eta}")
            if event.done >= event.total:
                reporter.close()

    return show


def render_runs(runs: list[RunRow], json_output: bool) -> None:
    documents = [_run_json(r) for r in runs]
    if json_output:
        context.print_json({"runs": documents})
        return
    from rich.table import Table

    from .safe_text import safe
    from .tables import add_id_column

    if not runs:
        context.console().print("No label runs yet: `gh-analysis labels apply` starts one.")
        return
    table = Table(title="Label runs")
    add_id_column(table, "Run", (r.id for r in runs))
    for column in ("Kind", "Status", "Org", "Login", "Started", "Confirmed", "Failed", "Pending"):
        table.add_column(column)
    for r in runs:
        table.add_row(
            safe(r.id),
            safe(r.kind + (f" of {r.reverts_run_id}" if r.reverts_run_id else "")),
            safe(r.status),
            safe(r.org),
            safe(r.login or ""),
            f"{r.started_at:%Y-%m-%d %H:%M:%S}",
            str(r.counts.get("confirmed", 0)),
            str(r.counts.get("failed", 0)),
            str(r.counts.get("pending", 0)),
        )
    context.console().print(table)


def _run_json(r: RunRow) -> dict[str, Any]:
    return {
        "run_id": r.id,
        "kind": r.kind,
        "status": r.status,
        "org": r.org,
        "login": r.login,
        "reverts_run_id": r.reverts_run_id,
        "started_at": r.started_at.isoformat(),
        "finished_at": r.finished_at.isoformat() if r.finished_at else None,
        "changes": r.counts,
    }


def render_revert(plan: RevertPlan, report: ApplyReport | None, json_output: bool) -> None:
    failed = [c.as_json() for c in report.failed] if report else []
    document = {
        "run_id": report.run_id if report else None,
        "reverted_run_id": plan.run.id,
        "reverted": [c.as_json() for c in report.applied] if report else [],
        "failed": failed,
        "skipped": [s.as_json() for s in plan.skipped],
    }
    if json_output:
        context.print_json(document)
        return
    from .safe_text import safe

    out = context.console()
    out.print(f"Revert of {safe(plan.run.id)}: {len(plan.changes)} label change(s), {len(plan.skipped)} skipped.")
    for s in plan.skipped:
        out.print(f"  skipped {safe(f'{s.org}/{s.repo}#{s.number} {s.label}')}: {safe(s.reason)}")
    for f in failed:
        where = f"{f['org']}/{f['repo']}#{f['number']}"
        out.print(f"  failed {safe(where)}: {safe(f['error'])}")
