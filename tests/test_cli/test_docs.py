"""The front door: every command has help text and an example in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import invoke

README = (Path(__file__).parents[2] / "README.md").read_text()
COMMANDS = [
    "collect",
    "import",
    "status",
    "models",
    "process",
    "demo",
    "results export",
    "sandbox serve",
    "batch submit",
    "batch status",
    "batch list",
    "batch collect",
    "batch group-collect",
    "batch cancel",
    "batch group-cancel",
    "batch group-retry",
    "batch remove",
    "batch watch",
    "label",
    "report",
    "serve",
    "eval",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_a_readme_example(command: str) -> None:
    result = invoke(*command.split(), "--help")
    assert result.exit_code == 0, result.stderr
    assert "Usage:" in result.stdout
    assert f"gh-analysis {command} " in README or f"gh-analysis {command}\n" in README


def test_quick_start_commands_are_in_the_readme() -> None:
    assert "pip install uv && uv run --no-dev gh-analysis demo" in README
    assert "pip install uv && uv run pytest" in README
