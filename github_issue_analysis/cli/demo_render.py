"""What the demo prints at each step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from .safe_text import safe, safe_join

if TYPE_CHECKING:
    from github_issue_analysis.ai.batch.batch_group_manager import GroupCollectReport
    from github_issue_analysis.ai.batch.batch_service import SubmitResult
    from github_issue_analysis.domain.groups import BatchGroupStatus
    from github_issue_analysis.github_client import CollectReport
    from github_issue_analysis.storage.result_store import CurrentResult


def collected(out: Console, report: CollectReport) -> None:
    repos = ", ".join(f"{safe(r.repo)} ({r.issues})" for r in report.repositories)
    out.print(
        f"[bold]1. Collected[/bold] {report.issues} issues from {safe(report.org)}: {repos} "
        f"in {report.requests} requests"
    )
    out.print("[bold]2. Plan[/bold]")


def submitted(out: Console, result: SubmitResult) -> None:
    out.print(
        f"[bold]3. Submitted[/bold] group {result.group.group_id}: {result.status.total_batches} batches to the "
        "Batch API emulator"
    )
    out.print("[bold]4. Watching[/bold] until every batch has finished and been collected ...")


def finished(out: Console, status: BatchGroupStatus, report: GroupCollectReport, results: list[CurrentResult]) -> None:
    out.print(
        f"[bold]5. Done[/bold]: group {status.status.value}, {status.completed_issues}/{status.total_issues} issues "
        f"labelled ({report.failed} failed)"
    )
    table = Table(title="Recommended labels (sandbox labeller)")
    for column in ("Issue", "Recommended", "Confidence"):
        table.add_column(column)
    for result in results:
        recommended = result.analysis.get("recommended_labels", [])
        table.add_row(
            safe(f"{result.repo}#{result.issue_number}"),
            safe_join(r["label"] for r in recommended) or "-",
            f"{result.analysis.get('confidence', 0):.2f}",
        )
    out.print(table)


def measuring(out: Console, sample: int) -> None:
    out.print(
        f"[bold]6. Measuring[/bold] the labeller: a blind run (current product labels left out of the prompt) on a "
        f"stratified sample of {sample} issues people labelled ..."
    )


def evaluated(out: Console, report: dict[str, Any]) -> None:
    f = report["evaluations"][0]
    low, high = f["intervals"]["micro_f1"]
    out.print(
        f"[bold]7. Measured[/bold] on {f['issues_scored']} issues: micro-F1 {f['micro']['f1']:.2f} (95% {low:.2f} to "
        f"{high:.2f}), precision {f['micro']['precision']:.2f}, recall {f['micro']['recall']:.2f}, "
        f"exact label-set match {f['exact_match'] * 100:.0f}%, calibration error {f['ece']:.2f}"
    )
    found = f["threshold_search"]
    if found and found["reached"]:
        out.print(
            f"   For precision {found['target_precision']:g}: keep recommendations with confidence >= "
            f"{found['threshold']:g} (covers {found['coverage'] * 100:.0f}% of issues). "
            f"Full figures: `gh-analysis eval {f['group_id']}`"
        )


def baseline(out: Console, report: dict[str, Any]) -> None:
    """The labeller beside the local baseline on the same blind sample."""
    comparison = report.get("comparison")
    if not comparison or not comparison["groups"]:
        return
    table = Table(title=f"Side by side on the same {comparison['shared_issues']} blind issues")
    for column in ("Group", "Model", "Micro-F1", "Precision", "Recall", "Cost"):
        table.add_column(column)
    for side in comparison["groups"]:
        cost = "-" if side["cost_usd"] is None else f"${side['cost_usd']:.4f}"
        micro = side["micro"]
        table.add_row(
            safe(side["group_id"]),
            safe(side["model"]),
            f"{micro['f1']:.2f}",
            f"{micro['precision']:.2f}",
            f"{micro['recall']:.2f}",
            cost,
        )
    out.print(table)
    for difference in comparison["differences"]:
        low, high = difference["interval"]
        out.print(
            f"   {safe(difference['group_id'])} minus {safe(difference['baseline'])}: micro-F1 "
            f"{difference['micro_f1_difference']:+.2f} (95% {low:+.2f} to {high:+.2f})"
        )


def doctor(out: Console, document: dict[str, Any]) -> None:
    from .labels_doctor import render

    out.print("[bold]9. Label doctor[/bold]: what to fix first, per label (`gh-analysis labels doctor`)")
    render(document)
