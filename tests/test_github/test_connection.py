"""One way to reach GitHub: the token as the GitHub CLI finds it (--token, GH_TOKEN, GITHUB_TOKEN, `gh auth
token`), the connection built from settings, GitHub failures as domain errors worded for the CLI apart."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from github_issue_analysis import github_client
from github_issue_analysis.cli.messages import phrase
from github_issue_analysis.config import Settings
from github_issue_analysis.github_client import (
    GitHubAuthError,
    GitHubNotFound,
    GitHubTokenMissing,
    connect,
    github_token,
)
from tests.fake_gh import fake_gh


def test_token_order_is_option_then_gh_token_then_github_token_then_gh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_gh(tmp_path / "bin", "from-gh")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv("GH_TOKEN", "from-gh-token")
    monkeypatch.setenv("GITHUB_TOKEN", "from-github-token")
    assert github_token(Settings(), "from-option") == "from-option"
    assert github_token(Settings()) == "from-gh-token"
    monkeypatch.delenv("GH_TOKEN")
    assert github_token(Settings()) == "from-github-token"
    monkeypatch.delenv("GITHUB_TOKEN")
    assert github_token(Settings()) == "from-gh"


def test_no_token_anywhere_is_a_usage_error_naming_every_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_gh(tmp_path / "bin", None)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with pytest.raises(GitHubTokenMissing) as raised:
        connect(Settings())
    assert raised.value.exit_code == 2
    assert all(source in str(raised.value) for source in ("GH_TOKEN", "GITHUB_TOKEN", "gh auth login"))


def test_the_connection_takes_address_and_both_timeouts_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_API_URL", "https://github.example.com/api/v3")
    monkeypatch.setenv("GH_ANALYSIS_READ_TIMEOUT", "7.5")
    monkeypatch.setenv("GH_ANALYSIS_CONNECT_TIMEOUT", "2.5")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret_42")
    connection = connect(Settings())
    assert connection.api_url == "https://github.example.com/api/v3" and connection.token == "ghp_secret_42"
    assert (connection.policy.timeout, connection.policy.connect_timeout) == (7.5, 2.5)
    assert "ghp_secret_42" not in repr(connection)


def test_github_failures_speak_domain_words_and_the_cli_adds_its_flags() -> None:
    missing = GitHubNotFound("Could not resolve to a Repository with the name 'acme/nope'.")
    assert "acme/nope" in str(missing) and "--" not in str(missing) and missing.exit_code == 2
    assert phrase(missing).endswith("Check --org/--repo/--issue-number and that the token can see it.")
    rejected = GitHubAuthError("Bad credentials")
    assert "--token" not in str(rejected) and rejected.exit_code == 2
    assert phrase(rejected) == "GitHub rejected the credentials (Bad credentials); check GITHUB_TOKEN or --token"


def test_github_client_imports_neither_rich_nor_the_cli() -> None:
    package = Path(github_client.__file__).parent
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert name.split(".")[0] != "rich" and "cli" not in name.split("."), f"{module.name}: {name}"
