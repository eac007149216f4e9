"""The GitHub CLI's token, when `gh` is installed and logged in (after GH_TOKEN and GITHUB_TOKEN)."""

from __future__ import annotations

import shutil
import subprocess
from urllib.parse import urlsplit


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
