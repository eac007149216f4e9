"""Token reach, learned at the start of a triage step: for each repository the step reads or writes (those the
organization's listing shows, and every one named by `--repo`), whether the token may write labels there.
Write means TRIAGE, WRITE, MAINTAIN or ADMIN. A repository it can read but not write keeps its labels as
suggestions; one named but not visible is reported; both are listed in `triage --json` under
`skipped_repositories`, and the rest of the step goes on. A null `viewerPermission` (a GitHub App
installation token) counts as writable until a write is refused (FORBIDDEN): that repository then becomes
suggestion-only for the rest of the step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from github_issue_analysis.github_client import WRITE_PERMISSIONS

NOT_VISIBLE = "not visible to the token (no such repository, or no access): nothing read or written"
READ_ONLY = "the token can read but not write it (viewerPermission {permission}): labels left as suggestions"
REFUSED = "GitHub refused a label write (FORBIDDEN): labels left as suggestions for the rest of the step"
REFUSED_WRITE = "no write access"  # how label_writes.py describes a FORBIDDEN answer


@dataclass
class Reach:
    """Repository -> `viewerPermission` (visible ones), the named ones not visible, and refused writes."""

    permissions: dict[str, str | None] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, permissions: dict[str, str | None], named: tuple[str, ...] = ()) -> Reach:
        known = {name.lower() for name in permissions}
        return cls(dict(permissions), [name for name in named if name.lower() not in known])

    def visible(self, named: tuple[str, ...]) -> tuple[str, ...]:
        missing = {name.lower() for name in self.missing}
        return tuple(name for name in named if name.lower() not in missing)

    def read_only(self) -> set[str]:
        """Lower-cased names of the repositories whose labels stay suggestions."""
        denied = {name for name, p in self.permissions.items() if p is not None and p not in WRITE_PERMISSIONS}
        return {name.lower() for name in denied | self.refused}

    def writable(self, repo: str) -> bool:
        return repo.lower() not in self.read_only() and repo.lower() not in {m.lower() for m in self.missing}

    def take_refusals(self, failed: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The failures that are not a refused write; each refused one marks its repository."""
        kept = []
        for entry in failed:
            if str(entry.get("error", "")).startswith(REFUSED_WRITE):
                self.refused.add(str(entry["repo"]))
            else:
                kept.append(entry)
        return kept

    def skipped(self, org: str) -> list[dict[str, str]]:
        entries = [{"org": org, "repo": name, "reason": NOT_VISIBLE} for name in self.missing]
        refused = {name.lower() for name in self.refused}
        for name, permission in sorted(self.permissions.items()):
            if name.lower() in refused:
                entries.append({"org": org, "repo": name, "reason": REFUSED})
            elif permission is not None and permission not in WRITE_PERMISSIONS:
                entries.append({"org": org, "repo": name, "reason": READ_ONLY.format(permission=permission)})
        listed = {name.lower() for name in self.permissions}
        entries += [{"org": org, "repo": n, "reason": REFUSED} for n in sorted(self.refused) if n.lower() not in listed]
        return entries
