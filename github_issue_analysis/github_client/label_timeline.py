"""Who changed an issue's labels last: the newest label events of many issues per request, read from GitHub's
GraphQL timeline (`timelineItems(last:, itemTypes: [LABELED_EVENT, UNLABELED_EVENT])`, each event with its
actor, label and time), so a revert can leave alone a label a person changed after the tool."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .graphql import RATE, GitHubGraphQL
from .label_reads import IssueKey

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
    unique = list(dict.fromkeys(keys))
    found: dict[IssueKey, LabelTimeline | None] = {}
    for start in range(0, len(unique), ISSUES_PER_REQUEST):
        found.update(await _page(api, unique[start : start + ISSUES_PER_REQUEST]))
    return found


async def _page(api: GitHubGraphQL, keys: Sequence[IssueKey]) -> dict[IssueKey, LabelTimeline | None]:
    by_repo: dict[tuple[str, str], list[int]] = {}
    for owner, repo, number in keys:
        by_repo.setdefault((owner, repo), []).append(number)
    events = (
        f"timelineItems(last: {EVENTS_PER_ISSUE}, itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) {{ "
        f"pageInfo {{ hasPreviousPage }} nodes {{ __typename "
        f"... on LabeledEvent {{ {_EVENT} }} ... on UnlabeledEvent {{ {_EVENT} }} }} }}"
    )
    definitions: list[str] = []
    parts: list[str] = []
    variables: dict[str, Any] = {}
    for r, ((owner, repo), numbers) in enumerate(by_repo.items()):
        definitions += [f"$o{r}: String!", f"$n{r}: String!"]
        variables |= {f"o{r}": owner, f"n{r}": repo}
        issues = " ".join(f"i{n}: issue(number: {n}) {{ {events} }}" for n in numbers)
        parts.append(f"r{r}: repository(owner: $o{r}, name: $n{r}) {{ {issues} }}")
    query = f"query LabelTimelines({', '.join(definitions)}) {{ {RATE} {' '.join(parts)} }}"
    data = await api.query(query, variables, tolerate=frozenset({"NOT_FOUND"}))
    found: dict[IssueKey, LabelTimeline | None] = {}
    for r, ((owner, repo), numbers) in enumerate(by_repo.items()):
        repository = data.get(f"r{r}") or {}
        for n in numbers:
            node = repository.get(f"i{n}")
            found[(owner, repo, n)] = _timeline(node["timelineItems"]) if node else None
    return found


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
