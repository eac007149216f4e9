"""The GitHub token, found the way the GitHub CLI finds it: the one given (`--token`), then GH_TOKEN, then
GITHUB_TOKEN (both read by settings, in that order), then `gh auth token` when gh is installed and logged in."""

from __future__ import annotations

import shutil
import subprocess
from urllib.parse import urlsplit

from github_issue_analysis.config import Settings, check_credential
from github_issue_analysis.errors import UsageError

from .github_errors import GitHubTokenMissing


def github_token(settings: Settings, given: str | None = None) -> str:
    """The first token found, in the GitHub CLI's order; GitHubTokenMissing when there is none."""
    if given:
        try:
            check_credential(given)
        except ValueError as error:
            raise UsageError(f"the token given (--token) {error}") from None
    secret = settings.github_token
    token = given or (secret.get_secret_value() if secret else None) or token_from_gh_cli(settings.github_api_url)
    if not token:
        raise GitHubTokenMissing()
    return token


def token_from_gh_cli(api_url: str, timeout: float = 10.0) -> str | None:
    """`gh auth token` for the API's host (github.com for the public API), or None when gh is missing, logged
    out, or slow."""
    gh = shutil.which("gh")
    if gh is None:
        return None
    host = urlsplit(api_url).hostname or "github.com"
    host = "github.com" if host == "api.github.com" else host
    try:
        command = [gh, "auth", "token", "--hostname", host]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    token = done.stdout.strip()
    return token if done.returncode == 0 and token and token.isprintable() and " " not in token else None
