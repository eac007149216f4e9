"""Issue links and GitHub names: what the tool stores and renders as a link is built from org/repo/number on the
configured GitHub web host, and a URL from outside (an import file, an API answer) is kept only when it is an
`https://` URL on that host. Owner and repository names are checked as GitHub defines them."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

DEFAULT_API_URL = "https://api.github.com"
_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")  # single hyphens, not at either end
_REPOSITORY = re.compile(r"[A-Za-z0-9._-]{1,100}")


def web_host(api_url: str = DEFAULT_API_URL) -> str:
    """The web host (with its port, if any) of the GitHub behind `api_url`: github.com for api.github.com,
    HOST for GitHub Enterprise Server's https://HOST/api/v3, NAME.ghe.com for api.NAME.ghe.com."""
    parts = urlsplit(api_url.strip())
    host = (parts.hostname or "github.com").lower()
    if host.startswith("api.") and not parts.path.rstrip("/").endswith("/api/v3"):
        host = host.removeprefix("api.")
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    return f"{host}:{parts.port}" if parts.port else host


def issue_url(host: str, org: str, repo: str, number: int) -> str:
    """The issue's page on `host`, every part escaped for a URL path."""
    return f"https://{host}/{quote(org, safe='')}/{quote(repo, safe='')}/issues/{int(number)}"


def checked_url(url: str | None, host: str) -> str | None:
    """`url` when it is an https URL on `host` without credentials in it, else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    netloc = f"{parts.hostname}:{port}" if port else parts.hostname
    if parts.scheme != "https" or "@" in parts.netloc or (netloc or "").lower() != host.lower():
        return None
    if any(char.isspace() or ord(char) < 0x20 or char in "\"'<>\\" for char in url):
        return None
    return url


def owner_problem(name: str) -> str | None:
    """Why `name` is not a GitHub owner (user or organization) name, or None when it is one."""
    if _OWNER.fullmatch(name):
        return None
    return "must be 1-39 letters, digits or single hyphens, not starting or ending with a hyphen"


def repository_problem(name: str) -> str | None:
    """Why `name` is not a GitHub repository name, or None when it is one."""
    if _REPOSITORY.fullmatch(name) and name not in (".", ".."):
        return None
    return "must be 1-100 letters, digits, '.', '_' or '-' (and not '.' or '..')"
