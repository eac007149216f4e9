"""A small GraphQL parser for the emulator: operations, variables, fields with aliases and arguments,
fragments (named and inline) and `@include`/`@skip` directives. Enough for real clients' queries."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(
    r'(?P<skip>[\s,]+|#[^\n]*)|(?P<block>"""(?:[^"\\]|\\.|"(?!""))*""")|(?P<string>"(?:[^"\\\n]|\\.)*")'
    r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<name>[_A-Za-z][_0-9A-Za-z]*)"
    r"|(?P<punct>\.\.\.|[!$():=@\[\]{|}&])"
)


class GraphQLSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Variable:
    name: str


@dataclass(frozen=True)
class EnumValue:
    name: str


@dataclass
class Field:
    name: str
    alias: str | None = None
    arguments: dict[str, Any] = field(default_factory=dict)
    directives: dict[str, dict[str, Any]] = field(default_factory=dict)
    selections: list[Selection] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.alias or self.name


@dataclass
class InlineFragment:
    type_condition: str | None
    selections: list[Selection]
    directives: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class FragmentSpread:
    name: str
    directives: dict[str, dict[str, Any]] = field(default_factory=dict)


Selection = Field | InlineFragment | FragmentSpread


@dataclass
class Operation:
    kind: str
    name: str | None
    variable_defaults: dict[str, Any]
    selections: list[Selection]


@dataclass
class Document:
    operations: list[Operation]
    fragments: dict[str, InlineFragment]

    def operation(self, name: str | None) -> Operation:
        for op in self.operations:
            if name is None or op.name == name:
                return op
        raise GraphQLSyntaxError(f"Unknown operation named '{name}'.")


def tokenize(source: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise GraphQLSyntaxError(f'Parse error on "{source[position]}" at offset {position}')
        position = match.end()
        kind = match.lastgroup or ""
        if kind != "skip":
            tokens.append((kind, match.group()))
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.index = 0

    def peek(self, value: str | None = None) -> bool:
        if self.index >= len(self.tokens):
            return False
        return value is None or self.tokens[self.index][1] == value

    def take(self, value: str | None = None) -> tuple[str, str]:
        if self.index >= len(self.tokens):
            raise GraphQLSyntaxError("Parse error: unexpected end of document")
        token = self.tokens[self.index]
        if value is not None and token[1] != value:
            raise GraphQLSyntaxError(f'Parse error on "{token[1]}": expected "{value}"')
        self.index += 1
        return token

    def name(self) -> str:
        kind, text = self.take()
        if kind != "name":
            raise GraphQLSyntaxError(f'Parse error on "{text}": expected a name')
        return text

    def document(self) -> Document:
        operations: list[Operation] = []
        fragments: dict[str, InlineFragment] = {}
        while self.peek():
            if self.peek("fragment"):
                self.take()
                name = self.name()
                self.take("on")
                fragments[name] = InlineFragment(self.name(), self.selection_set())
            elif self.peek("{"):
                operations.append(Operation("query", None, {}, self.selection_set()))
            else:
                operations.append(self.operation())
        if not operations:
            raise GraphQLSyntaxError("The document holds no operation")
        return Document(operations, fragments)

    def operation(self) -> Operation:
        kind = self.name()
        name = self.name() if self.index < len(self.tokens) and self.tokens[self.index][0] == "name" else None
        defaults: dict[str, Any] = {}
        if self.peek("("):
            self.take("(")
            while not self.peek(")"):
                self.take("$")
                variable = self.name()
                self.take(":")
                self.type_ref()
                defaults[variable] = self.value() if self.peek("=") and self.take("=") else None
            self.take(")")
        self.directives()
        return Operation(kind, name, defaults, self.selection_set())

    def type_ref(self) -> None:
        if self.peek("["):
            self.take("[")
            self.type_ref()
            self.take("]")
        else:
            self.name()
        if self.peek("!"):
            self.take("!")

    def selection_set(self) -> list[Selection]:
        self.take("{")
        selections: list[Selection] = []
        while not self.peek("}"):
            selections.append(self.selection())
        self.take("}")
        return selections

    def selection(self) -> Selection:
        if self.peek("..."):
            self.take("...")
            if self.peek("on"):
                self.take("on")
                condition = self.name()
                directives = self.directives()
                return InlineFragment(condition, self.selection_set(), directives)
            if self.peek("{") or self.peek("@"):
                directives = self.directives()
                return InlineFragment(None, self.selection_set(), directives)
            return FragmentSpread(self.name(), self.directives())
        first = self.name()
        alias, name = (first, (self.take(":"), self.name())[1]) if self.peek(":") else (None, first)
        arguments = self.arguments()
        directives = self.directives()
        selections = self.selection_set() if self.peek("{") else []
        return Field(name, alias, arguments, directives, selections)

    def arguments(self) -> dict[str, Any]:
        arguments: dict[str, Any] = {}
        if self.peek("("):
            self.take("(")
            while not self.peek(")"):
                key = self.name()
                self.take(":")
                arguments[key] = self.value()
            self.take(")")
        return arguments

    def directives(self) -> dict[str, dict[str, Any]]:
        directives: dict[str, dict[str, Any]] = {}
        while self.peek("@"):
            self.take("@")
            name = self.name()
            directives[name] = self.arguments()
        return directives

    def value(self) -> Any:
        kind, text = self.take()
        if text == "$":
            return Variable(self.name())
        if kind in ("string", "block"):
            return json.loads(text) if kind == "string" else text[3:-3]
        if kind == "number":
            return float(text) if any(c in text for c in ".eE") else int(text)
        if text == "[":
            items = []
            while not self.peek("]"):
                items.append(self.value())
            self.take("]")
            return items
        if text == "{":
            fields: dict[str, Any] = {}
            while not self.peek("}"):
                key = self.name()
                self.take(":")
                fields[key] = self.value()
            self.take("}")
            return fields
        if kind == "name":
            return {"true": True, "false": False, "null": None}.get(text, EnumValue(text))
        raise GraphQLSyntaxError(f'Parse error on "{text}"')


def parse(source: str) -> Document:
    return _Parser(source).document()


def resolve_value(value: Any, variables: dict[str, Any]) -> Any:
    """Substitute variables and turn enum literals into their names."""
    if isinstance(value, Variable):
        return variables.get(value.name)
    if isinstance(value, EnumValue):
        return value.name
    if isinstance(value, list):
        return [resolve_value(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: resolve_value(v, variables) for k, v in value.items()}
    return value
