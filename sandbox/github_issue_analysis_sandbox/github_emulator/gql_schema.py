"""The part of GitHub's GraphQL schema the emulator serves, as `Node` classes over the `World`."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .gql_exec import Node, QueryError
from .world import Comment, Label, label_id, node_id

Key = tuple[Any, ...]


def encode_cursor(key: Key) -> str:
    return base64.b64encode(("cursor:v2:" + json.dumps(list(key))).encode()).decode()


def decode_cursor(value: str) -> Key:
    try:
        text = base64.b64decode(value.encode()).decode()
        if not text.startswith("cursor:v2:"):
            raise ValueError(value)
        return tuple(json.loads(text[len("cursor:v2:") :]))
    except ValueError as error:
        raise QueryError(
            f"`{value}` does not appear to be a valid cursor.", error_type="INVALID_CURSOR_ARGUMENTS"
        ) from error


class Connection(Node):
    """A page of a connection: `first`/`after` from the start, `last`/`before` from the end, as on GitHub."""

    def __init__(
        self,
        typename: str,
        items: Sequence[Any],
        args: dict[str, Any],
        key: Callable[[Any], Key],
        wrap: Callable[[Any], Node],
        field_name: str,
        descending: bool = False,
    ) -> None:
        self.typename = typename
        first, last = args.get("first"), args.get("last")
        if first is None and last is None:
            raise QueryError(
                f"You must provide a `first` or `last` value to properly paginate the `{field_name}` connection.",
                error_type="MISSING_PAGINATION_BOUNDARIES",
            )
        ordered = sorted(items, key=key, reverse=descending)
        self.total = len(ordered)
        after, before = args.get("after"), args.get("before")
        if after:
            mark = decode_cursor(after)
            ordered = [i for i in ordered if (key(i) < mark if descending else key(i) > mark)]
        if before:
            mark = decode_cursor(before)
            ordered = [i for i in ordered if (key(i) > mark if descending else key(i) < mark)]
        if first is not None:
            self.page = ordered[:first]
            self.has_next, self.has_previous = len(ordered) > first, bool(after)
        if last is not None:
            self.page = ordered[-last:] if last else []
            self.has_next, self.has_previous = bool(before), len(ordered) > last
        self.key = key
        self.wrap = wrap

    def f_nodes(self, _: dict[str, Any]) -> list[Node]:
        return [self.wrap(item) for item in self.page]

    def f_edges(self, _: dict[str, Any]) -> list[Node]:
        return [Edge(encode_cursor(self.key(item)), self.wrap(item)) for item in self.page]

    def f_totalCount(self, _: dict[str, Any]) -> int:
        return self.total

    def f_pageInfo(self, _: dict[str, Any]) -> Node:
        start = encode_cursor(self.key(self.page[0])) if self.page else None
        end = encode_cursor(self.key(self.page[-1])) if self.page else None
        return PageInfo(self.has_next, self.has_previous, start, end)


@dataclass
class Edge(Node):
    cursor: str
    node: Node
    typename = "Edge"

    def f_cursor(self, _: dict[str, Any]) -> str:
        return self.cursor

    def f_node(self, _: dict[str, Any]) -> Node:
        return self.node


@dataclass
class PageInfo(Node):
    has_next: bool
    has_previous: bool
    start: str | None
    end: str | None
    typename = "PageInfo"

    def f_hasNextPage(self, _: dict[str, Any]) -> bool:
        return self.has_next

    def f_hasPreviousPage(self, _: dict[str, Any]) -> bool:
        return self.has_previous

    def f_startCursor(self, _: dict[str, Any]) -> str | None:
        return self.start

    def f_endCursor(self, _: dict[str, Any]) -> str | None:
        return self.end


@dataclass
class RateLimitNode(Node):
    cost: int
    limit: int
    remaining: int
    reset_at: datetime
    node_count: int
    typename = "RateLimit"

    def f_cost(self, _: dict[str, Any]) -> int:
        return self.cost

    def f_limit(self, _: dict[str, Any]) -> int:
        return self.limit

    def f_remaining(self, _: dict[str, Any]) -> int:
        return self.remaining

    def f_used(self, _: dict[str, Any]) -> int:
        return self.limit - self.remaining

    def f_resetAt(self, _: dict[str, Any]) -> datetime:
        return self.reset_at

    def f_nodeCount(self, _: dict[str, Any]) -> int:
        return self.node_count


@dataclass
class UserNode(Node):
    login: str
    typename = "User"

    def f_login(self, _: dict[str, Any]) -> str:
        return self.login

    def f_id(self, _: dict[str, Any]) -> str:
        return node_id("U", self.login)

    def f_url(self, _: dict[str, Any]) -> str:
        return f"https://github.com/{self.login}"

    def f_avatarUrl(self, _: dict[str, Any]) -> str:
        return f"https://avatars.githubusercontent.com/{self.login}"

    def f_name(self, _: dict[str, Any]) -> str:
        return self.login


@dataclass
class LabelNode(Node):
    org: str
    repo: str
    label: Label
    typename = "Label"

    def f_name(self, _: dict[str, Any]) -> str:
        return self.label.name

    def f_color(self, _: dict[str, Any]) -> str:
        return self.label.color

    def f_description(self, _: dict[str, Any]) -> str | None:
        return self.label.description

    def f_id(self, _: dict[str, Any]) -> str:
        return label_id(self.org, self.repo, self.label.name)

    def f_isDefault(self, _: dict[str, Any]) -> bool:
        return False

    def f_url(self, _: dict[str, Any]) -> str:
        return f"https://github.com/{self.org}/{self.repo}/labels/{self.label.name}"


@dataclass
class CommentNode(Node):
    comment: Comment
    url: str
    typename = "IssueComment"

    def f_id(self, _: dict[str, Any]) -> str:
        return node_id("IC", self.comment.id)

    def f_author(self, _: dict[str, Any]) -> Node:
        return UserNode(self.comment.author)

    def f_body(self, _: dict[str, Any]) -> str:
        return self.comment.body

    def f_createdAt(self, _: dict[str, Any]) -> datetime:
        return self.comment.created_at

    def f_updatedAt(self, _: dict[str, Any]) -> datetime:
        return self.comment.updated_at

    def f_lastEditedAt(self, _: dict[str, Any]) -> datetime | None:
        return None if self.comment.updated_at == self.comment.created_at else self.comment.updated_at

    def f_url(self, _: dict[str, Any]) -> str:
        return f"{self.url}#issuecomment-{self.comment.id}"
