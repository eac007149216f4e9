"""The actions the triage workflow uses, each pinned to the full commit SHA its release tag pointed to when the
table was written (read from a fetched snapshot of the action's repository: `git rev-parse TAG^{commit}`), and
the uv release installed by setup-uv (one whose checksum that setup-uv release carries, so it is verified).
A test checks every `uses:` of every generated workflow against this table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PinnedAction:
    action: str  # owner/name, or owner/name/path for an action in a subfolder
    tag: str
    sha: str  # the commit the tag points to (annotated tags peeled)

    def uses(self) -> str:
        """The `uses:` value with the tag as a comment, as Dependabot and Renovate read and update it."""
        return f"{self.action}@{self.sha} # {self.tag}"


CHECKOUT = PinnedAction("actions/checkout", "v7.0.1", "3d3c42e5aac5ba805825da76410c181273ba90b1")
SETUP_UV = PinnedAction("astral-sh/setup-uv", "v10.0.1", "20cfd1bf945f4377ade1205e4dbc17946fc9a30d")
APP_TOKEN = PinnedAction("actions/create-github-app-token", "v3.1.1", "1b10c78c7865c340bc4f6099eb2f838309f1e8c3")
CACHE_RESTORE = PinnedAction("actions/cache/restore", "v5.0.5", "27d5ce7f107fe9357f9df03efb73ab90386fccae")
CACHE_SAVE = PinnedAction("actions/cache/save", "v5.0.5", "27d5ce7f107fe9357f9df03efb73ab90386fccae")

PINNED_ACTIONS: tuple[PinnedAction, ...] = (CHECKOUT, SETUP_UV, APP_TOKEN, CACHE_RESTORE, CACHE_SAVE)

UV_VERSION = "0.12.4"  # the newest uv in setup-uv v10.0.1's known checksums
