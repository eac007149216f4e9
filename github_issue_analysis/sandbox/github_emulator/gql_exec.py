"""Executing a parsed GraphQL operation against emulator nodes, GitHub-style: field errors (e.g.
NOT_FOUND) null their field and are listed in `errors` beside `data`; invalid queries give only `errors`.
Also the static query cost and node count as GitHub documents them."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from .gql_parser import Document, Field, FragmentSpread, InlineFragment, Selection, resolve_value

NODE_LIMIT = 500_000
MAX_PAGE = 100


class FieldError(Exception):
    """An error of one field (its value becomes null), e.g. type NOT_FOUND."""

    def __init__(self, message: str, error_type: str | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type


class QueryError(Exception):
    """The whole query is rejected: the answer holds `errors` and no `data`."""

    def __init__(self, message: str, error_type: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.code = code

    def as_error(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": str(self)}
        if self.error_type:
            error["type"] = self.error_type
        if self.code:
            error["extensions"] = {"code": self.code}
        return error


class Node:
    """An object of the schema; its fields are methods named `f_<fieldName>(args)`."""

    typename = "Object"
    interfaces: tuple[str, ...] = ()

    def resolve(self, name: str, args: dict[str, Any]) -> Any:
        if name == "__typename":
            return self.typename
        method = getattr(self, f"f_{name}", None)
        if method is None:
            raise QueryError(f"Field '{name}' doesn't exist on type '{self.typename}'", code="undefinedField")
        return method(args)

    def is_a(self, type_name: str) -> bool:
        return type_name == self.typename or type_name in self.interfaces


class Executor:
    def __init__(self, document: Document, variables: dict[str, Any]) -> None:
        self.document = document
        self.variables = variables
        self.errors: list[dict[str, Any]] = []

    def run(self, root: Node, operation_name: str | None = None) -> dict[str, Any]:
        operation = self.document.operation(operation_name)
        for name, default in operation.variable_defaults.items():
            self.variables.setdefault(name, default)
        data = self.select(operation.selections, root, [])
        answer: dict[str, Any] = {"data": data}
        if self.errors:
            answer["errors"] = self.errors
        return answer

    def select(self, selections: list[Selection], obj: Node, path: list[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for selection in self.fields_of(selections, obj):
            key = selection.key
            args = {k: resolve_value(v, self.variables) for k, v in selection.arguments.items()}
            try:
                value = obj.resolve(selection.name, args)
            except FieldError as error:
                entry: dict[str, Any] = {"path": [*path, key], "message": str(error)}
                if error.error_type:
                    entry["type"] = error.error_type
                self.errors.append(entry)
                out[key] = None
                continue
            out[key] = self.complete(selection, value, [*path, key])
        return out

    def complete(self, selection: Field, value: Any, path: list[Any]) -> Any:
        if isinstance(value, Node):
            if not selection.selections:
                raise QueryError(
                    f"Field must have selections (field '{selection.name}' returns "
                    f"{value.typename} but has no selections.)",
                    code="selectionMismatch",
                )
            return self.select(selection.selections, value, path)
        if isinstance(value, list):
            return [self.complete(selection, item, [*path, i]) for i, item in enumerate(value)]
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        return value

    def fields_of(self, selections: list[Selection], obj: Node | None) -> list[Field]:
        """Fields to resolve on `obj` (all fields when obj is None), with fragments flattened."""
        fields: list[Field] = []
        for selection in selections:
            if not self.included(selection.directives):
                continue
            if isinstance(selection, Field):
                fields.append(selection)
                continue
            fragment = self.fragment(selection)
            if obj is None or fragment.type_condition is None or obj.is_a(fragment.type_condition):
                fields.extend(self.fields_of(fragment.selections, obj))
        return fields

    def fragment(self, selection: InlineFragment | FragmentSpread) -> InlineFragment:
        if isinstance(selection, InlineFragment):
            return selection
        found = self.document.fragments.get(selection.name)
        if found is None:
            raise QueryError(f"Fragment {selection.name} was used, but not defined")
        return found

    def included(self, directives: dict[str, dict[str, Any]]) -> bool:
        if "skip" in directives and resolve_value(directives["skip"].get("if"), self.variables):
            return False
        return not ("include" in directives and not resolve_value(directives["include"].get("if"), self.variables))

    def cost(self, operation_name: str | None = None) -> tuple[int, int]:
        """(rate-limit cost, node count): connection requests / 100 rounded, at least 1."""
        operation = self.document.operation(operation_name)
        for name, default in operation.variable_defaults.items():
            self.variables.setdefault(name, default)
        requests, nodes = self._walk(operation.selections, 1)
        if nodes > NODE_LIMIT:
            raise QueryError(
                f"By the time this query traverses to the connections, it is requesting up to {nodes} "
                f"possible nodes which exceeds the maximum limit of {NODE_LIMIT}.",
                error_type="MAX_NODE_LIMIT_EXCEEDED",
            )
        return max(1, math.floor(requests / 100 + 0.5)), nodes

    def _walk(self, selections: list[Selection], parents: int) -> tuple[int, int]:
        requests = nodes = 0
        for selection in self.fields_of(selections, None):
            page = resolve_value(selection.arguments.get("first", selection.arguments.get("last")), self.variables)
            children = parents
            if isinstance(page, int):
                check_page_size(selection.name, page)
                requests += parents
                nodes += parents * page
                children = parents * page
            sub_requests, sub_nodes = self._walk(selection.selections, children)
            requests += sub_requests
            nodes += sub_nodes
        return requests, nodes


def check_page_size(connection: str, page: int) -> None:
    if page < 0 or page > MAX_PAGE:
        raise QueryError(
            f"Requesting {page} records on the `{connection}` connection exceeds the `first` limit of "
            f"{MAX_PAGE} records.",
            error_type="EXCESSIVE_PAGINATION",
        )
