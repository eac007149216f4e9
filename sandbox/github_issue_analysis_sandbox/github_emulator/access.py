"""What the token of the request being answered may do, per repository: GitHub's `viewerPermission` (ADMIN,
MAINTAIN, WRITE, TRIAGE, READ), none at all (the repository is invisible to it), or, for a GitHub App
installation token, a permission GraphQL does not tell (`viewerPermission` is null there).

`GitHubEmulatorConfig.token_permissions` maps a token to `{"repo" | "owner/repo" | "*": permission}` (permission
one of the five above or "NONE"); tokens not in the map may do everything (ADMIN). `app_tokens` answer
`viewerPermission` null. The answer in force is held in a context variable while a request is executed."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field

PERMISSIONS = ("ADMIN", "MAINTAIN", "WRITE", "TRIAGE", "READ")
NONE = "NONE"
LABEL_WRITERS = frozenset({"ADMIN", "MAINTAIN", "WRITE", "TRIAGE"})


@dataclass(frozen=True)
class Access:
    permissions: dict[str, str] = field(default_factory=dict)
    app: bool = False

    def permission(self, owner: str, repo: str) -> str:
        for key in (f"{owner}/{repo}".lower(), repo.lower(), "*"):
            if key in self.permissions:
                return self.permissions[key]
        return "ADMIN"

    def visible(self, owner: str, repo: str) -> bool:
        return self.permission(owner, repo) != NONE

    def can_label(self, owner: str, repo: str) -> bool:
        return self.permission(owner, repo) in LABEL_WRITERS

    def viewer_permission(self, owner: str, repo: str) -> str | None:
        return None if self.app else self.permission(owner, repo)


def access_for(token_permissions: dict[str, dict[str, str]], app_tokens: list[str], token: str) -> Access:
    given = token_permissions.get(token) or {}
    return Access({key.lower(): value.upper() for key, value in given.items()}, token in app_tokens)


CURRENT: ContextVar[Access] = ContextVar("github_emulator_access", default=Access())  # noqa: B039
