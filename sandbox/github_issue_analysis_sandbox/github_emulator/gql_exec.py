"""GraphQL requests checked and run the way GitHub does: parsed and validated by graphql-core against the
schema in `schema.graphql` (variables included), then GitHub's static checks (every connection needs `first`
or `last`, at most 100 per page, at most 500,000 nodes) and its cost, then executed over emulator nodes.
Field errors (e.g. NOT_FOUND, FORBIDDEN) null their field and are listed in `errors` beside `data`;
invalid requests get only `errors`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graphql import (
        DocumentNode,
        GraphQLError,
        GraphQLNamedType,
        GraphQLResolveInfo,
        GraphQLSchema,
        OperationDefinitionNode,
        SelectionSetNode,
    )

NODE_LIMIT = 500_000
MAX_PAGE = 100
SCHEMA_FILE = Path(__file__).with_name("schema.graphql")


class FieldError(Exception):
    """An error of one field (its value becomes null), e.g. type NOT_FOUND."""

    def __init__(self, message: str, error_type: str | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type


class QueryError(Exception):
    """The whole request is rejected: the answer holds `errors` and no `data`."""

    def __init__(self, message: str, error_type: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.code = code
        self.errors: list[dict[str, Any]] = [self._error()]

    def _error(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": str(self)}
        if self.error_type:
            error["type"] = self.error_type
        if self.code:
            error["extensions"] = {"code": self.code}
        return error

    def as_error(self) -> dict[str, Any]:
        return self.errors[0]


class InvalidRequest(QueryError):
    """graphql-core's syntax, validation or variable errors, in GraphQL's error format."""

    def __init__(self, errors: list[GraphQLError]) -> None:
        self.errors = [_github_wording(dict(e.formatted)) for e in errors]
        super().__init__(self.errors[0]["message"])
        self.errors = [_github_wording(dict(e.formatted)) for e in errors]


_UNDEFINED_FIELD = re.compile(r"^Cannot query field '(?P<field>\w+)' on type '(?P<type>\w+)'")


def _github_wording(error: dict[str, Any]) -> dict[str, Any]:
    """GitHub (graphql-ruby) words an unknown field differently from graphql-core; answer as GitHub does."""
    match = _UNDEFINED_FIELD.match(str(error.get("message", "")))
    if match:
        error["message"] = f"Field '{match['field']}' doesn't exist on type '{match['type']}'"
        error["extensions"] = {"code": "undefinedField", "typeName": match["type"], "fieldName": match["field"]}
    return error


class Node:
    """An object of the schema; its fields are methods named `f_<fieldName>(args)`."""

    typename = "Object"

    def resolve(self, name: str, args: dict[str, Any]) -> Any:
        return getattr(self, f"f_{name}")(args)


@lru_cache(maxsize=1)
def schema() -> GraphQLSchema:
    from graphql import build_schema

    return build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))


@dataclass
class Prepared:
    document: DocumentNode
    operation: OperationDefinitionNode
    variables: dict[str, Any]
    raw_variables: dict[str, Any]

    @property
    def is_mutation(self) -> bool:
        return self.operation.operation.value == "mutation"

    @property
    def mutation_fields(self) -> int:
        return len(self.operation.selection_set.selections) if self.is_mutation else 0


def prepare(query: str, variables: dict[str, Any] | None, operation_name: str | None) -> Prepared:
    """Parse, validate and coerce the variables; raises InvalidRequest / QueryError."""
    from graphql import GraphQLError, get_operation_ast, parse, validate
    from graphql.execution.values import get_variable_values

    try:
        document = parse(query)
    except GraphQLError as error:
        raise InvalidRequest([error]) from None
    errors = validate(schema(), document)
    if errors:
        raise InvalidRequest(list(errors))
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        raise QueryError(f"No operation named {operation_name!r}" if operation_name else "Operation name required")
    coerced = get_variable_values(schema(), operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        raise InvalidRequest(coerced)
    return Prepared(document, operation, dict(coerced.coerced), dict(variables or {}))


def cost(prepared: Prepared) -> tuple[int, int]:
    """(rate-limit cost, node count) as GitHub documents them: connection requests / 100 rounded, at least 1."""
    root = schema().mutation_type if prepared.is_mutation else schema().query_type
    assert root is not None
    walker = _Walker(prepared)
    requests, nodes = walker.walk(prepared.operation.selection_set, root, 1)
    if nodes > NODE_LIMIT:
        raise QueryError(
            f"By the time this query traverses to the connections, it is requesting up to {nodes} "
            f"possible nodes which exceeds the maximum limit of {NODE_LIMIT}.",
            error_type="MAX_NODE_LIMIT_EXCEEDED",
        )
    return max(1, math.floor(requests / 100 + 0.5)), nodes


class _Walker:
    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared

    def walk(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType, parents: int) -> tuple[int, int]:
        from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode

        requests = nodes = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                sub = self.field(selection, parent, parents)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                sub = self.walk(
                    selection.selection_set, self.type(condition.name.value) if condition else parent, parents
                )
            elif isinstance(selection, FragmentSpreadNode):
                fragment = next(
                    d
                    for d in self.prepared.document.definitions
                    if getattr(d, "name", None) is not None and d.name.value == selection.name.value  # type: ignore[attr-defined]
                )
                sub = self.walk(fragment.selection_set, self.type(fragment.type_condition.name.value), parents)  # type: ignore[attr-defined]
            requests, nodes = requests + sub[0], nodes + sub[1]
        return requests, nodes

    def type(self, name: str) -> GraphQLNamedType:
        found = schema().get_type(name)
        assert found is not None
        return found

    def field(self, node: Any, parent: GraphQLNamedType, parents: int) -> tuple[int, int]:
        from graphql import get_named_type, value_from_ast_untyped

        name = node.name.value
        definition = getattr(parent, "fields", {}).get(name)
        if definition is None:  # __typename and other meta fields
            return 0, 0
        target = get_named_type(definition.type)
        args = {a.name.value: value_from_ast_untyped(a.value, self.prepared.variables) for a in node.arguments or ()}
        children = parents
        requests = nodes = 0
        if target.name.endswith("Connection"):
            page = args.get("first", args.get("last"))
            if page is None:
                raise QueryError(
                    f"You must provide a `first` or `last` value to properly paginate the `{name}` connection.",
                    error_type="MISSING_PAGINATION_BOUNDARIES",
                )
            check_page_size(name, int(page), "first" if "first" in args else "last")
            requests, nodes, children = parents, parents * int(page), parents * int(page)
        sub_requests, sub_nodes = self.walk(node.selection_set, target, children)
        return requests + sub_requests, nodes + sub_nodes


def check_page_size(connection: str, page: int, argument: str = "first") -> None:
    if page < 0 or page > MAX_PAGE:
        raise QueryError(
            f"Requesting {page} records on the `{connection}` connection exceeds the `{argument}` limit of "
            f"{MAX_PAGE} records.",
            error_type="EXCESSIVE_PAGINATION",
        )


def execute(prepared: Prepared, root: Node) -> dict[str, Any]:
    from graphql import ExecutionResult
    from graphql import execute as run

    result = run(
        schema(),
        prepared.document,
        root_value=root,
        variable_values=prepared.raw_variables,
        operation_name=prepared.operation.name.value if prepared.operation.name else None,
        field_resolver=_resolve,
        type_resolver=_type_of,
    )
    assert isinstance(result, ExecutionResult)
    answer: dict[str, Any] = {"data": result.data}
    if result.errors:
        answer["errors"] = [_field_error(e) for e in result.errors]
    return answer


def _resolve(source: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
    value = source.resolve(info.field_name, args) if isinstance(source, Node) else None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def _type_of(value: Any, _info: Any, _abstract: Any) -> str:
    return str(value.typename)


def _field_error(error: GraphQLError) -> dict[str, Any]:
    formatted = dict(error.formatted)
    original = error.original_error
    if isinstance(original, FieldError) and original.error_type:
        formatted["type"] = original.error_type
    return formatted
