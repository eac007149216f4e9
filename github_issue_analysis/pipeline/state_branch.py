"""A dedicated branch of the checkout's `origin` as durable storage for triage's state, through the `git` CLI
(subprocess; no Python git library). The branch always holds ONE parentless commit: every write replaces it
(no history growth) and is pushed with a lease on the commit read before (`--force-with-lease`), so a push
that finds another commit there fails: another step ran. The commit is made with plumbing (hash-object,
mktree, commit-tree): the checkout's work tree, index and HEAD are never touched, and the author is the tool's
own (a runner has no git identity)."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from github_issue_analysis import __version__
from github_issue_analysis.errors import OperationFailed, UsageError

META = "state.json"
STORE = "store.sealed"
IDENTITY = {
    "GIT_AUTHOR_NAME": "gh-analysis",
    "GIT_AUTHOR_EMAIL": "gh-analysis@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "gh-analysis",
    "GIT_COMMITTER_EMAIL": "gh-analysis@users.noreply.github.com",
}


class StateLeaseLost(OperationFailed):
    def __init__(self, branch: str) -> None:
        super().__init__(
            f"another triage step pushed the state branch '{branch}' while this one ran; this one stopped "
            "before sending anything more (the other step's state is kept; the next step goes on from it)"
        )


class GitFailed(OperationFailed):
    pass


@dataclass(frozen=True)
class BranchContent:
    commit: str
    meta: dict[str, Any]
    store: bytes | None  # the sealed store, None on a generation-only branch


class StateBranch:
    def __init__(self, checkout: Path, branch: str, remote: str = "origin") -> None:
        if not branch or branch.startswith("-") or " " in branch:
            raise UsageError(f"--state-branch must name a branch, got {branch!r}")
        self.checkout, self.branch, self.remote = checkout, branch, remote
        self.ref = f"refs/heads/{branch}"
        self.local_ref = f"refs/gh-analysis/{branch}"
        self.leased: str = ""  # the commit the next push expects on the remote ("" = no branch yet)

    def read(self) -> BranchContent | None:
        """Fetch the branch; None when it does not exist yet (the first step)."""
        fetched = self._git("fetch", "--no-tags", "--quiet", self.remote, f"+{self.ref}:{self.local_ref}", check=False)
        if fetched.returncode != 0:
            error = fetched.stderr.decode(errors="replace")
            if "couldn't find remote ref" in error or "could not find remote ref" in error.lower():
                self.leased = ""
                return None
            raise GitFailed(f"git fetch of the state branch '{self.branch}' failed: {_last_line(error)}")
        commit = self._text("rev-parse", self.local_ref)
        self.leased = commit
        names = self._text("ls-tree", "--name-only", commit).splitlines()
        meta = json.loads(self._git("cat-file", "blob", f"{commit}:{META}").stdout) if META in names else {}
        store = self._git("cat-file", "blob", f"{commit}:{STORE}").stdout if STORE in names else None
        return BranchContent(commit, meta, store)

    def write(self, generation: int, store: bytes | None, cipher: str | None = None) -> str:
        """Replace the branch with one parentless commit: the plain metadata and, unless None, the sealed store.
        A lost lease raises StateLeaseLost; nothing is left on the remote from this attempt."""
        meta: dict[str, Any] = {"generation": generation, "tool_version": __version__}
        if store is not None:
            meta["cipher"] = cipher
        entries = [("100644", "blob", self._blob(json.dumps(meta, indent=1).encode() + b"\n"), META)]
        if store is not None:
            entries.append(("100644", "blob", self._blob(store), STORE))
        tree_input = "".join(f"{mode} {kind} {sha}\t{name}\n" for mode, kind, sha, name in sorted(entries, key=_name))
        tree = self._git("mktree", input=tree_input.encode()).stdout.decode().strip()
        message = f"gh-analysis state, generation {generation}".encode()
        commit = self._git("commit-tree", tree, input=message, env=IDENTITY).stdout.decode().strip()
        lease = f"--force-with-lease={self.ref}:{self.leased}"
        pushed = self._git("push", "--quiet", "--porcelain", lease, self.remote, f"{commit}:{self.ref}", check=False)
        if pushed.returncode != 0:
            output = (pushed.stdout + pushed.stderr).decode(errors="replace")
            if "stale info" in output or "rejected" in output or "fetch first" in output:
                raise StateLeaseLost(self.branch)
            raise GitFailed(f"git push of the state branch '{self.branch}' failed: {_last_line(output)}")
        self.leased = commit
        return commit

    def _blob(self, content: bytes) -> str:
        return self._git("hash-object", "-w", "--stdin", input=content).stdout.decode().strip()

    def _text(self, *args: str) -> str:
        return self._git(*args).stdout.decode().strip()

    def _git(
        self, *args: str, input: bytes | None = None, env: dict[str, str] | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=self.checkout,
                input=input,
                capture_output=True,
                env={**os.environ, **(env or {}), "GIT_TERMINAL_PROMPT": "0"},
                check=False,
            )
        except FileNotFoundError:
            raise UsageError("--state-branch needs the git command on PATH") from None
        if check and done.returncode != 0:
            error = done.stderr.decode(errors="replace")
            raise GitFailed(f"git {args[0]} for the state branch '{self.branch}' failed: {_last_line(error)}")
        return done


def _name(entry: tuple[str, str, str, str]) -> str:
    return entry[3]


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
