"""Who holds a lease or a claim: `host:pid` of a process, and whether that process is gone (a stale hold)."""

from __future__ import annotations

import os
import socket


def process_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_is_dead(owner: str | None) -> bool:
    """A claim by a process on this host that no longer runs is stale."""
    if not owner:
        return True
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
