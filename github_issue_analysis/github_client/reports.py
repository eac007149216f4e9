"""What a collection did: one report per repository and the whole run's report (the `collect --json` document)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass
class RepoReport:
    repo: str
    mode: str = "full"
    """full | incremental | resumed | single"""
    since: datetime | None = None
    issues: int = 0
    inserted: int = 0
    updated: int = 0
    comments: int = 0
    labels: int = 0
    no_start: bool = False
    """--incremental was asked, but no complete collection of the repository gave it a start time (read in full)."""

    def as_dict(self) -> dict[str, Any]:
        document = asdict(self)
        del document["no_start"]
        return document


@dataclass
class CollectReport:
    org: str
    repositories: list[RepoReport]
    requests: int
    rate_limit_remaining: int | None
    listed: dict[str, str | None] | None = None
    """The organization listing's repositories (issues enabled) and their `viewerPermission`; None when none
    was read (one repository or one issue asked for)."""

    @property
    def issues(self) -> int:
        return sum(r.issues for r in self.repositories)

    @property
    def warnings(self) -> list[str]:
        unanchored = [r.repo for r in self.repositories if r.no_start]
        if not unanchored:
            return []
        return [
            f"--incremental: no complete collection of {', '.join(unanchored)} to start from, so "
            f"{'it was' if len(unanchored) == 1 else 'they were'} read in full (a collection with --limit, "
            "--state, --label or dates that stopped short does not count)"
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "issues": self.issues,
            "inserted": sum(r.inserted for r in self.repositories),
            "updated": sum(r.updated for r in self.repositories),
            "comments": sum(r.comments for r in self.repositories),
            "requests": self.requests,
            "rate_limit_remaining": self.rate_limit_remaining,
            "repositories": [r.as_dict() for r in self.repositories],
            "warnings": self.warnings,
        }
