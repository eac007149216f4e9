"""Who changed an issue's labels last: the newest label events of many issues per request, read from GitHub's
GraphQL timeline (`timelineItems(last:, itemTypes: [LABELED_EVENT, UNLABELED_EVENT])`, each event with its
actor, label and time), so a revert can leave alone a label a person changed after the tool."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .graphql import GitHubGraphQL
from .issue_aliases import IssueKey, read_issues

ISSUES_PER_REQUEST = 50
EVENTS_PER_ISSUE = 100
_EVENT = "createdAt actor { login } label { name }"


@dataclass(frozen=True)
class LabelChange:
    label: str
    added: bool
    actor: str | None  # None: a deleted account (GitHub's "ghost")


@dataclass(frozen=True)
class LabelTimeline:
    changes: tuple[LabelChange, ...]  # oldest first
    complete: bool  # every label event of the issue is here (not only the newest EVENTS_PER_ISSUE)

    def last_change(self, label: str) -> LabelChange | None:
        """The newest addition or removal of `label` (names compare case-insensitively), if read."""
        return next((c for c in reversed(self.changes) if c.label.lower() == label.lower()), None)


async def label_timelines(api: GitHubGraphQL, keys: Sequence[IssueKey]) -> dict[IssueKey, LabelTimeline | None]:
    """Each issue's newest label events (None: the issue was not found)."""
    events = (
        f"timelineItems(last: {EVENTS_PER_ISSUE}, itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) {{ "
        f"pageInfo {{ hasPreviousPage }} nodes {{ __typename "
        f"... on LabeledEvent {{ {_EVENT} }} ... on UnlabeledEvent {{ {_EVENT} }} }} }}"
    )
    found = await read_issues(api, keys, ISSUES_PER_REQUEST, "LabelTimelines", events)
    return {key: _timeline(node["timelineItems"]) if node else None for key, (node, _) in found.items()}


def _timeline(items: dict[str, Any]) -> LabelTimeline:
    changes = [
        LabelChange(
            label=str((node.get("label") or {}).get("name") or ""),
            added=node.get("__typename") == "LabeledEvent",
            actor=(node.get("actor") or {}).get("login"),
        )
        for node in items.get("nodes") or []
        if node and node.get("__typename") in ("LabeledEvent", "UnlabeledEvent")
    ]
    return LabelTimeline(tuple(changes), complete=not (items.get("pageInfo") or {}).get("hasPreviousPage"))
