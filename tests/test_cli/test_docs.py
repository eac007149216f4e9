"""The front door: every command and subcommand (found in the Typer app, not listed by hand) has help text and
an example in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup

from github_issue_analysis.cli.main import app
from tests.conftest import invoke

README = (Path(__file__).parents[2] / "README.md").read_text()


def command_paths(group: TyperGroup, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command under `group` as the words typed after `gh-analysis`, groups' own names included."""
    paths: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        if command.hidden:
            continue
        paths.append((*prefix, name))
        if isinstance(command, TyperGroup):
            paths.extend(command_paths(command, (*prefix, name)))
    return paths


def command_at(path: tuple[str, ...]) -> typer.core.TyperCommand | TyperGroup:
    command = typer.main.get_command(app)
    for name in path:
        assert isinstance(command, TyperGroup)
        command = command.commands[name]
    return command


COMMANDS = [" ".join(path) for path in command_paths(typer.main.get_command(app))]  # type: ignore[arg-type]


def test_the_app_is_enumerated() -> None:
    assert {"collect", "batch submit", "labels apply", "labels revert", "sandbox serve"} <= set(COMMANDS)
    assert len([c for c in COMMANDS if c.startswith("labels ")]) == 9


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_a_readme_example(command: str) -> None:
    assert (command_at(tuple(command.split())).help or "").strip(), f"{command} has no help text"
    result = invoke(*command.split(), "--help")
    assert result.exit_code == 0, result.stderr
    assert "Usage:" in result.stdout
    assert f"gh-analysis {command} " in README or f"gh-analysis {command}\n" in README, f"{command} not in README"


def test_quick_start_commands_are_in_the_readme() -> None:
    assert "pip install uv && uv run --no-dev --extra sandbox gh-analysis demo" in README
    assert "pip install uv && uv run pytest" in README
