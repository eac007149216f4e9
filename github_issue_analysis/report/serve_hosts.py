"""Which Host headers the review app answers: this machine's loopback names, its hostname and the address it
was told to bind. The check stays on for every bind address (a wildcard bind such as 0.0.0.0 adds no name), so
a DNS-rebound page cannot reach the app, and binding beyond loopback is something the user asks for."""

from __future__ import annotations

import ipaddress
import socket

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
WILDCARDS = ("0.0.0.0", "::", "")


def beyond_loopback(bind_host: str) -> bool:
    """Whether binding `bind_host` lets other machines connect."""
    name = bind_host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(name).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return True


def allowed_hosts(bind_host: str) -> list[str]:
    """Host header values (without port) the app answers when bound to `bind_host`."""
    names = {*LOOPBACK_NAMES, socket.gethostname().lower()}
    given = bind_host.strip("[]").lower()
    if given not in WILDCARDS:
        names.add(f"[{given}]" if ":" in given else given)
    return sorted(names)
