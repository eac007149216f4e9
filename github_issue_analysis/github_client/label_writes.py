"""Label and comment writes through GitHub's GraphQL mutations (`addLabelsToLabelable`,
`removeLabelsFromLabelable`, `addComment`), several issues' mutations aliased into one request. Each
alias answers on its own: a refused one (FORBIDDEN, NOT_FOUND, an archived repository) fails alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .github_errors import ContentLimited, GitHubError, GitHubUnavailable
from .http import GitHubTransport

MUTATIONS_PER_REQUEST = 50
LABELS_AFTER = "labels(first: 100) { nodes { name } }"


@dataclass(frozen=True)
class LabelWrite:
    issue_id: str
    label_ids: tuple[str, ...]
    add: bool


@dataclass(frozen=True)
class CommentWrite:
    issue_id: str
    body: str


@dataclass(frozen=True)
class WriteOutcome:
    ok: bool
    labels_after: tuple[str, ...] | None = None
    error: str | None = None
    uncertain: bool = False
    """The request failed in a way that leaves open whether GitHub did it (timeouts, 5xx): check, then retry."""
    limited: bool = False
    """Refused under the secondary (content-creation) limit, not carried out: send again, fewer at a time."""


class LabelWriter:
    def __init__(self, transport: GitHubTransport) -> None:
        self.transport = transport

    async def labels(self, writes: Sequence[LabelWrite]) -> list[WriteOutcome]:
        """One request for all `writes` (at most MUTATIONS_PER_REQUEST); outcomes in the same order. Under the
        secondary limit every outcome is `limited` (nothing was done): the caller sends them again, fewer at once."""
        definitions: list[str] = []
        parts: list[str] = []
        variables: dict[str, Any] = {}
        for index, write in enumerate(writes):
            name = "addLabelsToLabelable" if write.add else "removeLabelsFromLabelable"
            definitions += [f"$i{index}: ID!", f"$l{index}: [ID!]!"]
            variables |= {f"i{index}": write.issue_id, f"l{index}": list(write.label_ids)}
            parts.append(
                f"m{index}: {name}(input: {{labelableId: $i{index}, labelIds: $l{index}}}) "
                f"{{ labelable {{ ... on Issue {{ {LABELS_AFTER} }} }} }}"
            )
        query = f"mutation WriteLabels({', '.join(definitions)}) {{ {' '.join(parts)} }}"
        return await self._send(query, variables, len(writes), _labels_after)

    async def comments(self, writes: Sequence[CommentWrite]) -> list[WriteOutcome]:
        definitions: list[str] = []
        parts: list[str] = []
        variables: dict[str, Any] = {}
        for index, write in enumerate(writes):
            definitions += [f"$s{index}: ID!", f"$b{index}: String!"]
            variables |= {f"s{index}": write.issue_id, f"b{index}": write.body}
            parts.append(
                f"m{index}: addComment(input: {{subjectId: $s{index}, body: $b{index}}}) "
                "{ commentEdge { node { id } } }"
            )
        query = f"mutation WriteComments({', '.join(definitions)}) {{ {' '.join(parts)} }}"
        return await self._send(query, variables, len(writes), lambda _node: None)

    async def _send(self, query: str, variables: dict[str, Any], count: int, read: Any) -> list[WriteOutcome]:
        try:
            body = await self.transport.post_graphql(query, variables, shrinkable=True)
        except ContentLimited as error:
            return [WriteOutcome(False, error=str(error), limited=True)] * count
        except GitHubUnavailable as error:
            return [WriteOutcome(False, error=str(error), uncertain=True)] * count
        except GitHubError as error:
            return [WriteOutcome(False, error=str(error))] * count
        data = body.get("data") or {}
        errors: dict[int, str] = {}
        for entry in body.get("errors") or []:
            path = entry.get("path") or []
            alias = str(path[0]) if path else ""
            message = _describe(entry)
            if alias.startswith("m") and alias[1:].isdigit():
                errors.setdefault(int(alias[1:]), message)
            else:
                return [WriteOutcome(False, error=message)] * count
        return [
            WriteOutcome(False, error=errors[i])
            if i in errors or data.get(f"m{i}") is None
            else WriteOutcome(True, labels_after=read(data[f"m{i}"]))
            for i in range(count)
        ]


def _labels_after(node: dict[str, Any]) -> tuple[str, ...] | None:
    labelable = node.get("labelable") or {}
    labels = labelable.get("labels")
    return None if labels is None else tuple(str(n["name"]) for n in labels.get("nodes") or [] if n)


def _describe(error: dict[str, Any]) -> str:
    message = str(error.get("message") or "GraphQL error")
    kind = error.get("type")
    if kind == "FORBIDDEN":
        return f"no write access ({message}); the token needs issues: write"
    return f"{message} ({kind})" if kind else message
