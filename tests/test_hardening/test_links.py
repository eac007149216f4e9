"""The GitHub web host behind GITHUB_API_URL, issue links built from org/repo/number, and which URLs pass."""

from __future__ import annotations

import pytest

from github_issue_analysis.links import DEFAULT_API_URL, checked_url, issue_url, web_host


@pytest.mark.parametrize(
    ("api_url", "host"),
    [
        (DEFAULT_API_URL, "github.com"),  # the default GITHUB_API_URL (a string: nothing is reached)
        (DEFAULT_API_URL + "/", "github.com"),
        ("https://ghe.example.com/api/v3", "ghe.example.com"),
        ("https://api.ghe.example.com/api/v3", "api.ghe.example.com"),
        ("https://api.acme.ghe.com", "acme.ghe.com"),
        ("http://127.0.0.1:8400", "127.0.0.1:8400"),
        ("http://[::1]:8400", "[::1]:8400"),
    ],
)
def test_web_host(api_url: str, host: str) -> None:
    assert web_host(api_url) == host


def test_issue_url_escapes_each_part() -> None:
    assert issue_url("github.com", "acme", "app", 7) == "https://github.com/acme/app/issues/7"
    assert issue_url("github.com", "a/b", "c?d", 1) == "https://github.com/a%2Fb/c%3Fd/issues/1"


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://github.com/acme/app/issues/1", True),
        ("https://GITHUB.COM/acme/app/issues/1", True),
        ("https://github.com:8443/acme/app/issues/1", False),
        ("https://user@github.com/acme/app/issues/1", False),
        ("https://github.com.evil.example/x", False),
        ("https://github.com/a\nb", False),
        ("https://github.com:99999/x", False),
        ("javascript:alert(1)", False),
        ("", False),
        (None, False),
    ],
)
def test_checked_url(url: str | None, kept: bool) -> None:
    assert checked_url(url, "github.com") == (url if kept else None)
