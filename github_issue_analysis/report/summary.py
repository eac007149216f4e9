"""The report's summary: groups, batches, estimated and actual cost, duration, failures with reasons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from github_issue_analysis.ai.providers.pricing import ESTIMATED_OUTPUT_TOKENS_PER_ISSUE, price_for
from github_issue_analysis.domain.groups import BatchGroup, summarize
from github_issue_analysis.domain.jobs import UNSUCCESSFUL_STATUSES, BatchJob
from github_issue_analysis.domain.usage import TokenUsage
from github_issue_analysis.storage.report_store import ItemFailure

from .model import Failure, GroupLine, ReportSummary


def summarize_groups(
    scope: str, groups: Sequence[tuple[BatchGroup, list[BatchJob]]], failures: Sequence[ItemFailure], issues: int
) -> ReportSummary:
    summary = ReportSummary(scope=scope, issues=issues)
    estimated: list[float | None] = []
    actual: list[float | None] = []
    for group, children in groups:
        status = summarize(group, children)
        summary.groups.append(
            GroupLine(
                group.group_id,
                group.model,
                status.status.value,
                status.total_batches,
                status.failed_batches,
                group.total_issues,
                group.created_at,
            )
        )
        summary.selected += group.total_issues
        summary.batches += status.total_batches
        summary.failed_batches += status.failed_batches
        estimated.append(_estimated_cost(group.model, children))
        actual.append(_actual_cost(group.model, children))
        summary.failures += [Failure(job.job_id, job.error or job.status.value) for job in _failed(children)]
    summary.estimated_cost = _total(estimated)
    summary.actual_cost = _total(actual)
    summary.duration_seconds = _duration([job for _, children in groups for job in children])
    summary.failures += [
        Failure(f"{f.org}/{f.repo}#{f.number}", f"{f.kind or 'failed'}: {f.message or 'no reason given'}")
        for f in failures
    ]
    return summary


def _failed(children: list[BatchJob]) -> list[BatchJob]:
    return [job for job in children if not job.superseded and job.status in UNSUCCESSFUL_STATUSES]


def _estimated_cost(model: str, children: list[BatchJob]) -> float | None:
    price = price_for(model)
    if price is None:
        return None
    tokens = sum(job.estimated_tokens for job in children if not job.superseded)
    items = sum(job.total_items for job in children if not job.superseded)
    return price.cost(tokens, int(items * ESTIMATED_OUTPUT_TOKENS_PER_ISSUE))


def _actual_cost(model: str, children: list[BatchJob]) -> float | None:
    price = price_for(model)
    if price is None:
        return None
    return price.cost_of(sum((j.usage for j in children), TokenUsage()))


def _total(costs: list[float | None]) -> float | None:
    known = [cost for cost in costs if cost is not None]
    return sum(known) if known else None


def _duration(jobs: list[BatchJob]) -> float | None:
    starts = [job.created_at for job in jobs]
    ends: list[datetime] = [end for job in jobs if (end := job.collected_at or job.finished_at) is not None]
    if not starts or not ends:
        return None
    return max(0.0, (max(ends) - min(starts)).total_seconds())
