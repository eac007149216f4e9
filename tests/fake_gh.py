"""A stand-in `gh` executable for tests: `gh auth token` prints the given token (or fails, logged out)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest


def fake_gh(folder: Path, token: str | None) -> None:
    """Write `folder/gh`: it prints `token` for `gh auth token ...`, or fails as a logged-out gh does."""
    folder.mkdir(exist_ok=True)
    script = folder / "gh"
    if token is None:
        script.write_text("#!/bin/sh\necho 'You are not logged into any GitHub hosts.' >&2\nexit 1\n")
    else:
        script.write_text(f'#!/bin/sh\n[ "$1 $2" = "auth token" ] && echo {token} && exit 0\nexit 2\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def only_gh_has_the_token(folder: Path, token: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """GH_TOKEN and GITHUB_TOKEN unset, and a `gh` on PATH (ahead of any installed one) that knows `token`."""
    monkeypatch.delenv("GH_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    fake_gh(folder, token)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
