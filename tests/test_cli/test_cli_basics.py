"""A newcomer's first minutes: -h, bare commands, choices in help, readable placeholders, whole summaries."""

from __future__ import annotations

import pytest

from tests.conftest import invoke
from tests.test_cli.test_docs import COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_dash_h_is_help_and_no_placeholder_is_a_python_type(command: str) -> None:
    result = invoke(*command.split(), "-h")
    assert result.exit_code == 0, result.stderr
    assert "Usage:" in result.stdout
    options = result.stdout.split("Options:")[1]
    assert "<str>" not in options and "<list[str]>" not in options and "<int>" not in options


@pytest.mark.parametrize("args", [(), ("batch",), ("results",), ("sandbox",)])
def test_a_bare_command_prints_its_help(args: tuple[str, ...]) -> None:
    result = invoke(*args)
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: gh-analysis") and "Commands:" in result.stdout
    assert result.stderr == ""


def test_command_summaries_are_whole() -> None:
    for args in ((), ("batch",)):
        listing = invoke(*args).stdout.split("Commands:")[1]
        assert "..." not in listing


def test_shell_completion_is_offered() -> None:
    assert "--install-completion" in invoke("--help").stdout


@pytest.mark.parametrize(
    ("args", "accepted"),
    [
        (("collect", "--org", "acme", "--state", "merged"), "open|closed|all"),
        (("results", "export", "--format", "xml"), "jsonl|csv"),
        (("batch", "submit", "product-labeling", "--org", "a", "--reasoning-effort", "max"), "minimal|low|medium|high"),
    ],
)
def test_choices_are_listed_in_help_and_refused_otherwise(args: tuple[str, ...], accepted: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    command = [a for a in args if not a.startswith("-")][:2]
    help_text = invoke(*command[: 1 if command[0] == "collect" else 2], "--help").stdout
    assert accepted in help_text


def test_top_level_help_states_store_credentials_and_exit_codes() -> None:
    text = " ".join(invoke("--help").stdout.split())
    for fact in ("GH_ANALYSIS_DATA_DIR", "per-user data folder", "GH_TOKEN", "gh auth token", "130 interrupted"):
        assert fact in text
