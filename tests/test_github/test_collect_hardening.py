"""`collect` inputs that used to end in "Unexpected error", and credentials found as the GitHub CLI finds them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from github_issue_analysis.links import DEFAULT_API_URL
from tests.cli_errors import one_error_line
from tests.conftest import invoke
from tests.fake_gh import fake_gh
from tests.test_github.conftest import TOKEN, Sandbox, stored_issues


@pytest.mark.parametrize(
    "args",
    [
        ("--limit", str(10**23)),
        ("--limit", "0"),
        ("--last-days", "999999999"),
        ("--issue-number", str(10**23), "--repo", "docs"),
        ("--state", "merged"),
        ("--created-after", "0000-01-01"),
        ("--created-after", "2026-13-45"),
    ],
)
def test_out_of_range_numbers_and_dates_are_usage_errors(sandbox: Sandbox, args: tuple[str, ...]) -> None:
    result = invoke("collect", "--org", "acme", *args)
    assert result.exit_code == 2, result.stderr
    one_error_line(result.stderr)
    assert sandbox.emulator.stats.total == 0


def test_created_after_year_one_is_sent_with_four_digits(sandbox: Sandbox, database_url: str) -> None:
    result = invoke("collect", "--org", "acme", "--repo", "docs", "--created-after", "0001-01-01")
    assert result.exit_code == 0, result.stderr
    assert len(stored_issues(database_url, repo="docs")) > 0


def test_github_time_pads_the_year() -> None:
    from datetime import UTC, datetime

    from github_issue_analysis.github_client.graphql import github_time

    assert github_time(datetime(1, 1, 1, tzinfo=UTC)) == "0001-01-01T00:00:00Z"
    assert github_time(datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)) == "2026-03-04T05:06:07Z"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1:1/", "http://", "127.0.0.1:8080", "http://[::1"])
def test_a_malformed_api_url_fails_at_once(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("GITHUB_API_URL", url)
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    result = invoke("collect", "--org", "acme")
    assert result.exit_code == 2
    assert "GITHUB_API_URL" in one_error_line(result.stderr)


async def test_the_transport_does_not_retry_an_unusable_address() -> None:
    import time

    from github_issue_analysis.github_client import GitHubError
    from github_issue_analysis.github_client.http import GitHubTransport

    started = time.monotonic()
    async with GitHubTransport("ftp://127.0.0.1:1", "t") as transport:
        with pytest.raises(GitHubError, match="GITHUB_API_URL"):
            await transport.get("/rate_limit")
    assert time.monotonic() - started < 2


@pytest.mark.slow
def test_gh_token_is_used_like_the_github_cli(sandbox: Sandbox, database_url: str, monkeypatch: Any) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    monkeypatch.setenv("GH_TOKEN", TOKEN)
    result = invoke("collect", "--org", "acme", "--repo", "docs")
    assert result.exit_code == 0, result.stderr


def test_gh_auth_token_is_the_last_resort(
    sandbox: Sandbox, database_url: str, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    fake_gh(tmp_path / "bin", TOKEN)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    result = invoke("collect", "--org", "acme", "--repo", "docs")
    assert result.exit_code == 0, result.stderr
    assert stored_issues(database_url, repo="docs")


def test_no_token_anywhere_names_all_three(sandbox: Sandbox, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    fake_gh(tmp_path / "bin", None)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    result = invoke("collect", "--org", "acme")
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert "GH_TOKEN" in line and "GITHUB_TOKEN" in line and "gh auth login" in line
    assert sandbox.emulator.stats.total == 0


def test_token_option_help_prefers_the_environment() -> None:
    text = " ".join(invoke("collect", "--help").stdout.split())
    assert "process list" in text and "GH_TOKEN" in text


def test_collect_keeps_an_issue_url_only_on_the_configured_github_host(sandbox: Sandbox, database_url: str) -> None:
    """The emulator answers with github.com URLs while GITHUB_API_URL names 127.0.0.1: none is kept (links are
    built from org/repo/number); a URL on the configured host would be."""
    from github_issue_analysis.github_client.models import issue_record

    assert invoke("collect", "--org", "acme", "--repo", "docs", "--limit", "2").exit_code == 0
    assert [issue.url for issue in stored_issues(database_url, repo="docs")] == [None, None]
    node = {"number": 1, "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"}
    for url, kept in [
        ("https://github.com/acme/docs/issues/1", True),
        ("javascript:alert(1)", False),
        ("https://evil.example/acme/docs/issues/1", False),
    ]:
        record = issue_record("acme", "docs", {**node, "url": url}, [], DEFAULT_API_URL)
        assert (record.url == url) is kept and (record.url is None) is not kept
