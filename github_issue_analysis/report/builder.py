"""Gather a report's data through the stores: one group, or every group of an organization."""

from __future__ import annotations

from dataclasses import dataclass

from github_issue_analysis.domain.groups import BatchGroup
from github_issue_analysis.domain.jobs import BatchJob
from github_issue_analysis.errors import UsageError
from github_issue_analysis.storage.batch_store import AmbiguousId
from github_issue_analysis.storage.store import Store
from github_issue_analysis.storage.timeutil import utcnow

from .charts import bar_chart, histogram
from .evaluation import calibration_chart, evaluation_for
from .model import ReportData
from .summary import summarize_groups
from .table import TableBuilder

PROCESSOR = "product-labeling"


@dataclass(frozen=True)
class ReportScope:
    """One group (id or unique prefix) or one organization."""

    group: str | None = None
    org: str | None = None


class UnknownGroup(UsageError):
    pass


def build_report(store: Store, scope: ReportScope, processor: str = PROCESSOR) -> ReportData:
    if (scope.group is None) == (scope.org is None):
        raise UsageError("name a group or an organization (--org), not both")
    groups = _groups(store, scope, processor)
    group_ids = [group.group_id for group, _ in groups]
    org = scope.org or (str(groups[0][0].selection.get("org")) if groups else None)
    only = group_ids if scope.group else None
    table = TableBuilder().add_all(store.reports.analysed_issues(processor, org, only))
    label = f"group {group_ids[0]}" if scope.group else f"organization {scope.org}"
    summary = summarize_groups(label, groups, store.reports.failures(group_ids), len(table.rows))
    evaluation = evaluation_for(store, group_ids)
    return ReportData(
        title=f"gh-analysis report: {label}",
        generated_at=utcnow(),
        summary=summary,
        label_chart=bar_chart(table.recommended_counts),
        confidence_chart=histogram(table.confidences),
        table=table.document(),
        org=org,
        evaluation=evaluation,
        calibration_chart=calibration_chart(evaluation) if evaluation else None,
    )


def _groups(store: Store, scope: ReportScope, processor: str) -> list[tuple[BatchGroup, list[BatchJob]]]:
    if scope.group is not None:
        group_id = resolve_group(store, scope.group)
        group = store.batches.group(group_id)
        assert group is not None
        return [(group, store.batches.jobs(group_id))]
    return [
        (group, children)
        for group, children in store.batches.groups()
        if group.selection.get("org") == scope.org and group.processor == processor
    ]


def resolve_group(store: Store, id_prefix: str) -> str:
    """The group an id (or unique prefix) names; a child job's id names its group."""
    try:
        found = store.batches.resolve(id_prefix)
    except AmbiguousId as error:
        raise UsageError(f"'{id_prefix}' matches several groups ({', '.join(error.matches[:5])})") from None
    if found is None:
        raise UnknownGroup(f"no batch group matches '{id_prefix}'; see `gh-analysis batch list --groups`")
    kind, found_id = found
    if kind == "job":
        job = store.batches.job(found_id)
        assert job is not None
        return job.group_id
    return found_id
