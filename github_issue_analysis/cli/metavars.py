"""Readable placeholders in help (`--org ORG`, `--limit N`, `--output PATH`) instead of Typer's `<str>`, set
once on every option and argument that names none."""

from __future__ import annotations

import inspect
from typing import Any

import typer
from typer.models import ArgumentInfo, OptionInfo

NAMED = {"exclude_repo": "REPO", "label_prefix": "PREFIX", "resume": "GROUP_ID", "model": "PROVIDER:MODEL"}


def set_metavars(typer_app: typer.Typer) -> None:
    group_callback = typer_app.registered_callback
    if group_callback is not None and group_callback.callback is not None:  # a group that runs itself (triage)
        _set_for(group_callback.callback)
    for info in typer_app.registered_commands:
        if info.callback is not None:
            _set_for(info.callback)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            set_metavars(group.typer_instance)


def _set_for(callback: Any) -> None:
    for parameter in inspect.signature(callback).parameters.values():
        default = parameter.default
        if not isinstance(default, OptionInfo | ArgumentInfo) or default.metavar is not None:
            continue
        placeholder = _placeholder(str(parameter.annotation), parameter.name, default)
        if placeholder:
            default.metavar = placeholder


def _placeholder(annotation: str, name: str, info: OptionInfo | ArgumentInfo) -> str | None:
    if annotation.startswith("bool") or "Literal" in annotation:
        return None
    if isinstance(info, ArgumentInfo):
        return name.upper()
    if annotation.startswith("int"):
        return "N"
    if annotation.startswith("float"):
        return "NUMBER"
    if "Path" in annotation:
        return "DIR" if name.endswith("dir") else "FILE"
    if name in NAMED:
        return NAMED[name]
    if name.endswith(("_after", "_before")):
        return "DATE"
    return name.upper().removesuffix("S") if "list" in annotation else name.upper()
