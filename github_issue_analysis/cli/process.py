"""`gh-analysis process PROCESSOR`: label a few issues now through the provider's live API."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from github_issue_analysis import defaults

from . import context
from .issue_options import EXAMPLES, ISSUE_NUMBER, LABEL_PREFIX, LABELS_FILE, LIMIT, PROCESSOR, REPO, REPROCESS

if TYPE_CHECKING:
    from github_issue_analysis.ai.live.live_service import ProcessReport


def process(
    processor: str = PROCESSOR,
    org: str = typer.Option(..., "--org", help="Organization whose stored issues to label."),
    repo: str | None = REPO,
    issue_number: int | None = ISSUE_NUMBER,
    limit: int | None = LIMIT,
    model: str | None = typer.Option(
        None, "--model", help=f"PROVIDER:NAME (default GH_ANALYSIS_MODEL or {defaults.MODEL})."
    ),
    label_prefix: str = LABEL_PREFIX,
    labels_file: Path | None = LABELS_FILE,
    reprocess: bool = REPROCESS,
    examples: int | None = EXAMPLES,
    concurrency: int = typer.Option(
        defaults.LIVE_CONCURRENCY, "--concurrency", min=1, help="Live requests in flight at once."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON document and nothing else."),
) -> None:
    """Label a few issues now through the provider's live API (live prices, about twice the batch price)."""
    from github_issue_analysis.ai.batch.submit_request import SubmitRequest
    from github_issue_analysis.ai.live.live_service import LiveService
    from github_issue_analysis.storage.issue_store import IssueSelection

    request = SubmitRequest(
        processor=processor,
        selection=IssueSelection(org, repo, issue_number, limit),
        model=model,
        label_prefix=label_prefix,
        labels_file=labels_file,
        reprocess=reprocess,
        concurrency=concurrency,
        examples=examples,
    )
    report = LiveService(context.open_store(), context.settings()).process(request)
    if json_output:
        context.print_json(document(report))
    else:
        _show(report)
    if report.failed:
        from github_issue_analysis.errors import OperationFailed

        raise OperationFailed(f"{len(report.failed)} of {len(report.failed) + len(report.results)} issue(s) failed")


def document(report: ProcessReport) -> dict[str, Any]:
    return {
        "results": [
            {"org": r.org, "repo": r.repo, "issue_number": r.issue_number, "model": r.model, "analysis": r.analysis}
            for r in report.results
        ],
        "failed": [
            {"org": f.org, "repo": f.repo, "issue_number": f.issue_number, "error": f.error} for f in report.failed
        ],
        "cost_usd": report.cost_usd,
        "provider": report.provider,
        "usage": {"input_tokens": report.usage.input_tokens, "output_tokens": report.usage.output_tokens},
    }


def _show(report: ProcessReport) -> None:
    from rich.table import Table

    from .safe_text import safe

    out = context.console()
    table = Table("Issue", "Recommended labels", "Confidence", title=f"Labelled now with {safe(report.model)}")
    for r in sorted(report.results, key=lambda r: (r.org, r.repo, r.issue_number)):
        labels = ", ".join(
            f"{safe(x['label'])} ({x['confidence']:.2f})" for x in r.analysis.get("recommended_labels", [])
        )
        table.add_row(
            safe(f"{r.org}/{r.repo}#{r.issue_number}"), labels or "-", f"{r.analysis.get('confidence', 0):.2f}"
        )
    out.print(table)
    for f in report.failed:
        out.print(f"[yellow]{safe(f'{f.org}/{f.repo}#{f.issue_number}')}: {safe(f.error)}[/yellow]")
    cost = f"${report.cost_usd:,.4f}" if report.cost_usd is not None else "unknown (no price for this model)"
    out.print(
        f"{len(report.results)} labelled, {len(report.failed)} failed; {report.usage.input_tokens:,} input + "
        f"{report.usage.output_tokens:,} output tokens, {cost} at live prices"
    )
