"""Find the group a `label` run left in flight, so running it again continues that group."""

from __future__ import annotations

from dataclasses import asdict, dataclass

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
    """Groups (newest first) of the same run key, with their state."""
    wanted = asdict(key.selection)
    return [
        (group, summarize(group, children).status)
        for group, children in store.jobs.groups()
        if group.selection == wanted
        and group.processor == key.processor
        and group.provider == key.provider
        and group.model == key.model
        and bool(group.options.get("blind", False)) == key.blind
    ]


def group_in_flight(store: Store, key: RunKey) -> str | None:
    """The newest matching group that is still pending or processing, if any."""
    for group, state in matching_groups(store, key):
        if state in UNFINISHED:
            return group.group_id
    return None
