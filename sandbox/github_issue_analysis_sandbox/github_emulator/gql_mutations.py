"""The mutations the emulator serves (`addLabelsToLabelable`, `removeLabelsFromLabelable`, `addComment`), with
GitHub's refusals: a read-only token (FORBIDDEN), an archived repository, an unknown node id (NOT_FOUND)."""

from __future__ import annotations

from typing import Any

from .access import CURRENT
from .gql_exec import FieldError, Node
from .gql_objects import IssueNode, QueryRoot
from .gql_schema import CommentNode, Edge, LabelNode, encode_cursor
from .world import World


class Payload(Node):
    def __init__(self, client_mutation_id: str | None, **fields: Any) -> None:
        self.fields = {"clientMutationId": client_mutation_id, **fields}

    def resolve(self, name: str, args: dict[str, Any]) -> Any:
        return self.fields.get(name)


class MutationRoot(Node):
    typename = "Mutation"

    def __init__(self, world: World, query: QueryRoot, viewer: str, can_write: bool) -> None:
        self.world = world
        self.query = query
        self.viewer = viewer
        self.can_write = can_write

    def f_addLabelsToLabelable(self, args: dict[str, Any]) -> Node:
        return self._labels(args["input"], "AddLabelsToLabelable", add=True)

    def f_removeLabelsFromLabelable(self, args: dict[str, Any]) -> Node:
        return self._labels(args["input"], "RemoveLabelsFromLabelable", add=False)

    def f_addComment(self, args: dict[str, Any]) -> Node:
        given = args["input"]
        issue = self._writable(given["subjectId"], "AddComment")
        comment = self.world.add_comment(issue.issue, given["body"], self.viewer)
        edge = Edge(encode_cursor((len(issue.issue.comments) - 1,)), CommentNode(comment, issue.url))
        return Payload(given.get("clientMutationId"), commentEdge=edge, subject=issue, timelineEdge=edge)

    def _labels(self, given: dict[str, Any], mutation: str, add: bool) -> Node:
        issue = self._writable(given["labelableId"], mutation)
        names = [self._label(issue, label_id).label.name for label_id in given["labelIds"]]
        current = list(issue.issue.labels)
        lowered = {n.lower() for n in names}
        if add:
            updated = current + [n for n in names if n.lower() not in {c.lower() for c in current}]
        else:
            updated = [c for c in current if c.lower() not in lowered]
        self.world.set_labels(issue.issue, updated, actor=self.viewer)
        return Payload(given.get("clientMutationId"), labelable=issue)

    def _writable(self, node_id: str, mutation: str) -> IssueNode:
        node = self.query.node(node_id)
        if not isinstance(node, IssueNode):
            raise FieldError(f"Could not resolve to a node with the global id of '{node_id}'", "NOT_FOUND")
        if not self.can_write or not CURRENT.get().can_label(node.org, node.repo.name):
            raise FieldError(
                f"{self.viewer} does not have the correct permissions to execute `{mutation}`", "FORBIDDEN"
            )
        if node.repo.is_archived:
            raise FieldError("Repository was archived so is read-only.", "UNPROCESSABLE")
        return node

    def _label(self, issue: IssueNode, label_id: str) -> LabelNode:
        node = self.query.node(label_id)
        if not isinstance(node, LabelNode) or node.repo.lower() != issue.repo.name.lower():
            raise FieldError(f"Could not resolve to a node with the global id of '{label_id}'", "NOT_FOUND")
        return node
