"""Gather a report's data through the stores: one group, or every group of an organization."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from github_issue_analysis.domain.groups import BatchGroup
from github_issue_analysis.domain.jobs import BatchJob
from github_issue_analysis.errors import UnknownId, UsageError
from github_issue_analysis.storage.store import Store
from github_issue_analysis.storage.timeutil import utcnow

from .charts import bar_chart, histogram
from .evaluation import calibration_chart, evaluation_for
from .model import ReportData
from .summary import summarize_groups
from .table import TableBuilder

PROCESSOR = "product-labeling"  # an organization's report shows this processor's results


@dataclass(frozen=True)
class ReportScope:
    """One group (id or unique prefix) or one organization."""

    group: str | None = None
    org: str | None = None


def build_report(store: Store, scope: ReportScope, processor: str = PROCESSOR) -> ReportData:
    """One group's report (of the processor that group ran), or an organization's (of `processor`). An
    unknown or ambiguous group id raises UnknownId or AmbiguousId, as every command that takes an id does."""
    if (scope.group is None) == (scope.org is None):
        raise UsageError("name a group or an organization (--org), not both")
    groups = _groups(store, scope, processor)
    if scope.group is not None:
        processor = groups[0][0].processor
    group_ids = [group.group_id for group, _ in groups]
    org = scope.org or (str(groups[0][0].selection.get("org")) if groups else None)
    only = group_ids if scope.group else None
    table = TableBuilder().add_all(store.reports.analysed_issues(processor, org, only))
    label = group_ids[0] if scope.group else f"organization {scope.org}"
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
        doctor=_doctor(store, org),
        evaluation_hint=evaluation_hint(groups, org),
    )


def evaluation_hint(groups: list[tuple[BatchGroup, list[BatchJob]]], org: str | None) -> str:
    """`eval` on a blind group; a run that was not blind saw the labels it would be scored on, so say how to make
    a blind one."""
    blind = [group.group_id for group, _ in groups if group.options.get("blind")]
    if blind:
        return f"run `gh-analysis eval {blind[0]}` to see precision and recall here."
    where = f"--org {org}" if org else "--org ORG"
    return (
        "this run was not blind (the model saw the issues' own labels), so it cannot be scored against them. "
        f"Make a blind run: `gh-analysis batch submit product-labeling {where} --blind --sample 40`, wait for it "
        "(`gh-analysis batch watch GROUP`), then `gh-analysis eval GROUP`."
    )


def _doctor(store: Store, org: str | None) -> dict[str, Any] | None:
    """The label doctor's table for the organization (its support and descriptions even before any eval)."""
    from github_issue_analysis.labels.doctor import DoctorOptions, diagnose

    if not org:
        return None
    document = diagnose(store, DoctorOptions(org=org))
    return document if document["labels"] else None


def _groups(store: Store, scope: ReportScope, processor: str) -> list[tuple[BatchGroup, list[BatchJob]]]:
    if scope.group is not None:
        group_id = store.ids.group(scope.group)
        group = store.jobs.group(group_id)
        if group is None:  # removed between the lookup and the read
            raise UnknownId(scope.group, "group")
        return [(group, store.jobs.jobs(group_id))]
    return [
        (group, children)
        for group, children in store.jobs.groups()
        if group.selection.get("org") == scope.org and group.processor == processor
    ]
