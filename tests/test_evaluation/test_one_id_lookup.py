"""Every command that takes a batch id reads it the same way (storage/id_lookup.py): `batch status`, `eval` and
`report`, through the CLI, give the same answer for a child job id, a group id and a unique prefix, and the same
error (class, exit code, one line) for an ambiguous prefix and an unknown id."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from github_issue_analysis.cli import context
from github_issue_analysis.errors import AmbiguousId, GhAnalysisError, UnknownId
from github_issue_analysis.storage.store import Store
from tests.cli_errors import one_error_line
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox, submit
from tests.test_evaluation.test_eval_flow import seed_labelled


def blind_split_group(sandbox: Sandbox, *extra: str) -> dict:
    submitted = submit("--blind", "--sample", "20", "--seed", "4", "--batch-size", "10", *extra)
    sandbox.finish_all()
    assert invoke("batch", "group-collect", submitted["group_id"]).exit_code == 0
    return submitted


def status_group(ref: str) -> str:
    """The group `batch status` reports for `ref` (a child job's own status names its group)."""
    result = invoke("batch", "status", ref, "--json")
    assert result.exit_code == 0, result.stderr
    return str(json.loads(result.stdout)["group_id"])


def eval_group(ref: str) -> str:
    result = invoke("eval", ref, "--json")
    assert result.exit_code == 0, result.stderr
    [evaluation] = json.loads(result.stdout)["evaluations"]
    return str(evaluation["group_id"])


def report_group(ref: str, tmp_path: Path) -> str:
    """The group the HTML report written for `ref` is about, read from its title."""
    output = tmp_path / "report.html"
    result = invoke("report", ref, "--output", str(output))
    assert result.exit_code == 0, result.stderr
    title = re.search(r"<title>gh-analysis report: (\S+)</title>", output.read_text())
    assert title is not None
    output.unlink()
    return title.group(1)


def test_the_same_id_names_the_same_group_in_every_command(sandbox: Sandbox, seeded: Store, tmp_path: Path) -> None:
    seed_labelled(seeded, 40)
    first = blind_split_group(sandbox)
    second = blind_split_group(sandbox, "--reprocess")
    group_id, child = first["group_id"], first["job_ids"][1]
    prefix = next(group_id[:n] for n in range(7, len(group_id)) if not second["group_id"].startswith(group_id[:n]))
    for ref in (group_id, child, prefix):
        assert status_group(ref) == group_id, ref
        assert eval_group(ref) == group_id, ref
        assert report_group(ref, tmp_path) == group_id, ref
    child_status = json.loads(invoke("batch", "status", child, "--json").stdout)
    assert child_status["job_id"] == child  # batch status shows the job itself; eval and report its group


COMMANDS = {
    "batch status": lambda ref, tmp: ["batch", "status", ref],
    "eval": lambda ref, tmp: ["eval", ref],
    "report": lambda ref, tmp: ["report", ref, "--output", str(tmp / "r.html")],
}


def error_of(args: list[str], monkeypatch: pytest.MonkeyPatch) -> GhAnalysisError:
    """The domain error a command raised: `--debug` lets it through the CLI edge after the one-line message."""
    monkeypatch.setattr(context, "DEBUG", False)
    with pytest.raises(GhAnalysisError) as raised:
        invoke("--debug", *args)
    return raised.value


@pytest.mark.parametrize("command", list(COMMANDS))
def test_ambiguous_and_unknown_ids_are_the_same_error_everywhere(
    sandbox: Sandbox, seeded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    seed_labelled(seeded, 40)
    first = blind_split_group(sandbox)["group_id"]
    second = blind_split_group(sandbox, "--reprocess")["group_id"]
    args = COMMANDS[command]

    ambiguous = invoke(*args("group_", tmp_path))
    assert ambiguous.exit_code == 2
    line = one_error_line(ambiguous.stderr)
    assert "'group_' matches several jobs or groups" in line and first in line and second in line
    error = error_of(args("group_", tmp_path), monkeypatch)
    assert type(error) is AmbiguousId and sorted(error.matches) == sorted([first, second])

    unknown = invoke(*args("group_nope", tmp_path))
    assert unknown.exit_code == 2
    assert "matches 'group_nope'; see `gh-analysis batch list --groups`" in one_error_line(unknown.stderr)
    error = error_of(args("group_nope", tmp_path), monkeypatch)
    assert type(error) is UnknownId and error.prefix == "group_nope"
    assert not list(tmp_path.glob("*.html"))
