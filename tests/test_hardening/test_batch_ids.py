"""Ids name exactly what they say: blank, overlong and wrong-case ids are refused; removing never loses results."""

from __future__ import annotations

from pathlib import Path

import pytest

from github_issue_analysis.errors import UnknownId
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox, seed, status_of, submit


@pytest.mark.parametrize("command", ["status", "remove", "collect", "cancel", "watch", "group-retry"])
@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_blank_ids_are_usage_errors(sandbox: Sandbox, seeded: Store, command: str, blank: str) -> None:
    seed(seeded, 3)
    group = submit()
    result = invoke("batch", command, blank)
    assert result.exit_code == 2, result.stderr
    assert "empty or blank" in result.stderr and "Traceback" not in result.stderr
    assert seeded.jobs.job(group["job_ids"][0]) is not None  # nothing removed


def test_blank_resume_is_a_usage_error_and_sends_nothing(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    submit()
    before = sandbox.batches()
    result = invoke("batch", "submit", "product-labeling", "--resume", "", "--yes")
    assert result.exit_code == 2 and "empty or blank" in result.stderr
    assert sandbox.batches() == before


def test_an_id_of_100000_characters_is_a_clean_error(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    submit()
    for command in ("status", "remove"):
        result = invoke("batch", command, "j" * 100_000)
        assert result.exit_code == 2
        assert "at most 64 characters" in result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_id_prefixes_are_case_sensitive(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    job_id = submit()["job_ids"][0]
    assert status_of(job_id[:8])["job_id"] == job_id
    result = invoke("batch", "status", job_id[:8].upper())
    assert result.exit_code == 2 and "no batch job or group matches" in result.stderr
    with pytest.raises(UnknownId):
        seeded.ids.find(job_id.upper())


def test_remove_refuses_a_finished_job_whose_results_were_never_collected(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    job_id = submit()["job_ids"][0]
    sandbox.finish_all()
    assert status_of(job_id)["status"] == "completed"
    result = invoke("batch", "remove", job_id)
    assert result.exit_code == 2
    assert "never collected" in result.stderr and f"batch collect {job_id}" in result.stderr
    assert seeded.jobs.job(job_id) is not None
    assert invoke("batch", "collect", job_id).exit_code == 0
    assert invoke("batch", "remove", job_id).exit_code == 0
    assert seeded.jobs.job(job_id) is None
    assert len(invoke("results", "export").stdout.splitlines()) == 3  # collected results stay


@pytest.mark.slow
def test_remove_refuses_a_group_with_uncollected_children_unless_forced(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 50)
    group_id = submit("--batch-size", "20")["group_id"]
    sandbox.finish_all()
    status_of(group_id)
    result = invoke("batch", "remove", group_id)
    assert result.exit_code == 2 and f"batch group-collect {group_id}" in result.stderr
    assert seeded.jobs.group(group_id) is not None
    assert invoke("batch", "remove", group_id, "--force").exit_code == 0
    assert seeded.jobs.group(group_id) is None


@pytest.mark.parametrize(
    "content",
    ["[]", '{"labels": []}', '[{"description": "no name"}]', '[{"name": "  "}]', '{"labels": "x"}', "7"],
)
def test_a_labels_file_without_labels_is_an_error(
    sandbox: Sandbox, seeded: Store, content: str, tmp_path: Path
) -> None:
    seed(seeded, 3)
    path = tmp_path / "labels.json"
    path.write_text(content)
    result = invoke("batch", "submit", "product-labeling", "--org", "acme", "--labels-file", str(path), "--dry-run")
    assert result.exit_code == 2, result.stdout
    assert "labels file" in result.stderr and "Traceback" not in result.stderr
    assert seeded.jobs.groups() == []
