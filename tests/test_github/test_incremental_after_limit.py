"""`collect --incremental` after a first collection with a --limit (issue 30 item 16): a limit the listing never
reached still records the start time, so the incremental run costs what it costs after an unlimited one; a limit
that was reached leaves no start time, and the incremental run says it reads everything."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from github_issue_analysis.config import get_settings
from tests.conftest import invoke

from .conftest import Sandbox


def collect(*args: str) -> dict[str, Any]:
    result = invoke("collect", "--org", "acme", "--repo", "kots", *args, "--json")
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def issue_count(sandbox: Sandbox) -> int:
    repo = sandbox.emulator.world.repo("acme", "kots")
    assert repo is not None
    return len(repo.only_issues())


def touch_first(sandbox: Sandbox) -> None:
    repo = sandbox.emulator.world.repo("acme", "kots")
    assert repo is not None
    sandbox.emulator.world.touch_issue("acme", "kots", repo.only_issues()[0].number, comment="A new comment")


def use_data_folder(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setenv("GH_ANALYSIS_DATA_DIR", str(folder))
    get_settings.cache_clear()


def test_a_limit_never_reached_anchors_incremental_like_no_limit(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_data_folder(monkeypatch, tmp_path / "unlimited")
    collect()
    touch_first(sandbox)
    unlimited = collect("--incremental")
    assert unlimited["repositories"][0]["mode"] == "incremental"

    use_data_folder(monkeypatch, tmp_path / "limited")
    first = collect("--limit", str(issue_count(sandbox) + 10))
    assert first["issues"] == issue_count(sandbox)
    touch_first(sandbox)
    second = collect("--incremental")
    print(f"incremental after a limit never reached: {second['requests']} requests (full read: {first['requests']})")
    assert second["repositories"][0]["mode"] == "incremental"
    assert second["issues"] == 1
    assert second["requests"] == unlimited["requests"] <= 2
    assert second["warnings"] == []


def test_a_limit_reached_leaves_no_start_and_incremental_warns(sandbox: Sandbox) -> None:
    assert collect("--limit", "3")["issues"] == 3
    document = collect("--incremental")
    assert document["repositories"][0]["mode"] == "full"
    assert document["issues"] == issue_count(sandbox)
    assert len(document["warnings"]) == 1
    assert "--incremental: no complete collection of kots" in document["warnings"][0]

    human = invoke("collect", "--org", "acme", "--repo", "kots", "--incremental")
    assert human.exit_code == 0, human.stderr
    assert [line for line in human.stderr.splitlines() if "Warning:" in line] == []  # the full read anchors it


def test_incremental_on_a_new_store_warns_once_on_stderr(sandbox: Sandbox) -> None:
    human = invoke("collect", "--org", "acme", "--repo", "kots", "--incremental")
    assert human.exit_code == 0, human.stderr
    lines = [line for line in human.stderr.splitlines() if line.startswith("Warning:")]
    assert len(lines) == 1
    assert "no complete collection of kots to start from" in lines[0]
    assert "Warning" not in human.stdout
