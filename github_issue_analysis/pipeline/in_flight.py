"""Find the group a `label` run left in flight, so running it again continues that group."""

from __future__ import annotations

from dataclasses import dataclass

from github_issue_analysis.ai.batch.submit_request import SubmitRequest
from github_issue_analysis.domain.groups import BatchGroup, GroupState, summarize
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.store import Store

UNFINISHED = (GroupState.PENDING, GroupState.PROCESSING)


@dataclass(frozen=True)
class RunKey:
    """What makes two `label` runs the same run: organization and selection, processor, model, blindness."""

    selection: IssueSelection
    processor: str
    provider: str
    model: str
    blind: bool = False


def matching_groups(store: Store, key: RunKey) -> list[tuple[BatchGroup, GroupState]]:
    """Groups (newest first) of the same run key, with their state (a sampled group is never a `label` run)."""
    return [
        (group, summarize(group, children).status) for group, children in store.jobs.groups() if _same_run(group, key)
    ]


def _same_run(group: BatchGroup, key: RunKey) -> bool:
    stored = SubmitRequest.from_stored(group)
    return (
        stored.selection == key.selection
        and stored.sample is None
        and stored.processor == key.processor
        and (group.provider, group.model) == (key.provider, key.model)
        and stored.blind == key.blind
    )


def group_in_flight(store: Store, key: RunKey) -> str | None:
    """The newest matching group that is still pending or processing, if any."""
    for group, state in matching_groups(store, key):
        if state in UNFINISHED:
            return group.group_id
    return None
