"""Token reach at the start of a triage step (issue 29), on the GitHub emulator through the real client: a
repository the token can read but not write keeps its labels as suggestions and is named in
`skipped_repositories`; one named but not visible is named there; a GitHub App token (viewerPermission null)
is taken as writable until GitHub refuses a write, which then marks that repository instead of failing the
step. Exit 0 when the rest went well."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from github_issue_analysis_sandbox.github_emulator.world import Repo
from sqlalchemy import select

from github_issue_analysis.storage.schema import label_changes
from tests.conftest import invoke

from .conftest import LABELS, ORG, TOKEN, UI_TEXT, Team, backlog


def _vault(team: Team, issues: int) -> list[int]:
    """A second repository, `vault`, with `issues` open UI issues."""
    repo = Repo("vault", list(LABELS))
    team.world.world.orgs[ORG].repos["vault"] = repo
    now = datetime.now(UTC)
    from github_issue_analysis_sandbox.github_emulator.world import Issue

    for number in range(1, issues + 1):
        repo.issues[number] = Issue(number, UI_TEXT[0], UI_TEXT[1], "person", now, now, "OPEN", [])
    return list(range(1, issues + 1))


def _confirmed(team: Team) -> set[tuple[str, int]]:
    query = select(label_changes.c.repo, label_changes.c.number).where(label_changes.c.state == "confirmed")
    with team.store.engine.connect() as conn:
        return {(str(r.repo), int(r.number)) for r in conn.execute(query)}


def _calibrated(team: Team) -> list[int]:
    """The backlog, new UI issues in `app`, a first step and its batches finished: the next step applies ui."""
    backlog(team.world)
    new_ui = [team.world.add(UI_TEXT) for _ in range(4)]
    first = team.step()
    assert first.failed == [], first.failed
    team.sandbox.finish_all()
    return new_ui


def test_a_repository_the_token_can_only_read_keeps_its_labels_as_suggestions(team: Team) -> None:
    vault = _vault(team, 3)
    team.github.config.token_permissions = {TOKEN: {"vault": "READ"}}
    new_ui = _calibrated(team)
    second = team.step()
    assert second.failed == [] and second.exit_code == 0
    assert {g["label"]: g["state"] for g in second.gate}["product::ui"] == "auto"
    assert _confirmed(team) == {("app", n) for n in new_ui}  # nothing written to vault
    assert all(team.world.world.issue(ORG, "vault", n).labels == [] for n in vault)  # type: ignore[union-attr]
    assert second.suggested >= len(vault)
    assert [(s["repo"], "READ" in s["reason"]) for s in second.skipped_repositories] == [("vault", True)]
    result = invoke("triage", "--org", ORG, "--yes", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["skipped_repositories"][0] == {
        "org": ORG,
        "repo": "vault",
        "reason": second.skipped_repositories[0]["reason"],
    }
    assert "skipped" in document  # the phases' key keeps its meaning


def test_a_named_repository_the_token_cannot_see_is_reported_and_the_rest_goes_on(team: Team) -> None:
    team.world.add(UI_TEXT)
    _vault(team, 2)
    team.github.config.token_permissions = {TOKEN: {"vault": "NONE"}}
    report = team.step(repos=("app", "vault", "ghost"))
    assert report.failed == [] and report.exit_code == 0
    assert [s["repo"] for s in report.skipped_repositories] == ["vault", "ghost"]
    assert all("not visible" in s["reason"] for s in report.skipped_repositories)
    assert report.collected["issues"] == 1  # app was collected
    assert {repo.repo for repo in team.store.issues.summary()} == {"app"}


def test_an_app_token_refused_a_write_marks_the_repository_instead_of_failing(team: Team) -> None:
    vault = _vault(team, 3)
    team.github.config.app_tokens = [TOKEN]  # viewerPermission null, as for an installation token
    team.github.config.token_permissions = {TOKEN: {"vault": "READ"}}  # its installation may not write vault
    new_ui = _calibrated(team)
    second = team.step()
    assert second.failed == [] and second.exit_code == 0
    assert second.applied is not None and second.applied["failed"] == []
    assert _confirmed(team) == {("app", n) for n in new_ui}
    assert all(team.world.world.issue(ORG, "vault", n).labels == [] for n in vault)  # type: ignore[union-attr]
    assert [(s["repo"], "FORBIDDEN" in s["reason"]) for s in second.skipped_repositories] == [("vault", True)]
