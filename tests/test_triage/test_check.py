"""`gh-analysis triage --check` (issue 29): the model known and priced, the provider's key, the store, and the
token's reach per repository, each a `{check, ok, detail}`; exit 0 when all pass, 1 naming each missing piece
in one line; nothing paid, written to GitHub, or written to the store."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from github_issue_analysis.storage.schema import metadata
from tests.conftest import invoke

from .conftest import ORG, TOKEN, UI_TEXT, Team


def _rows(team: Team) -> dict[str, int]:
    with team.store.engine.connect() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in metadata.tables.values()
        }


def _nothing_happened(team: Team, before: dict[str, int]) -> None:
    assert _rows(team) == before
    assert team.sandbox.batches() == 0
    assert team.github_writes() == 0


def test_every_check_passes_and_nothing_is_written(team: Team) -> None:
    team.world.add(UI_TEXT)
    assert invoke("collect", "--org", ORG).exit_code == 0
    before = _rows(team)
    result = invoke("triage", "--org", ORG, "--check", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    document = json.loads(result.stdout)
    assert document["org"] == ORG and document["ok"] is True
    checks = {c["check"]: c for c in document["checks"]}
    assert {"model", "key", "store", "github", f"repository {ORG}/app"} <= set(checks)
    assert all(set(c) == {"check", "ok", "detail"} and c["ok"] for c in document["checks"])
    assert "ADMIN" in checks[f"repository {ORG}/app"]["detail"]
    _nothing_happened(team, before)


def test_each_missing_piece_is_named_in_one_line(team: Team) -> None:
    team.world.add(UI_TEXT)
    assert invoke("collect", "--org", ORG).exit_code == 0
    team.github.config.token_permissions = {TOKEN: {"app": "READ"}}
    before = _rows(team)
    args = ("triage", "--org", ORG, "--check", "--repo", "app", "--repo", "ghost")
    result = invoke(*args, "--json", env={"OPENAI_API_KEY": ""})
    assert result.exit_code == 1, result.stderr
    failed = {c["check"]: c["detail"] for c in json.loads(result.stdout)["checks"] if not c["ok"]}
    assert set(failed) == {"key", f"repository {ORG}/app", f"repository {ORG}/ghost"}
    assert "OPENAI_API_KEY" in failed["key"]
    assert "READ" in failed[f"repository {ORG}/app"] and "not visible" in failed[f"repository {ORG}/ghost"]
    unknown = invoke("triage", "--org", ORG, "--check", "--model", "openai:no-such-model")
    assert unknown.exit_code == 1 and "Traceback" not in unknown.stderr
    lines = [line for line in unknown.stdout.splitlines() if line.startswith("MISSING")]
    assert len(lines) == 2  # the model, and the read-only repository
    assert "openai:no-such-model" in lines[0] and "no price" in lines[0]
    _nothing_happened(team, before)


def test_a_token_that_cannot_reach_github_is_one_failed_check(team: Team) -> None:
    before = _rows(team)
    result = invoke("triage", "--org", ORG, "--check", "--json", env={"GITHUB_TOKEN": "ghp_someone_else"})
    assert result.exit_code == 1
    failed = [c for c in json.loads(result.stdout)["checks"] if not c["ok"]]
    assert [c["check"] for c in failed] == ["github"]
    _nothing_happened(team, before)
