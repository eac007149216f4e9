"""An incremental collection of a whole organization asks, with the repository listing, how many issues of each
repository changed since the last collection: a repository with none costs no request of its own (its label
definitions come with the listing), one with changes is read as before."""

from __future__ import annotations

import time

from .conftest import Sandbox, stored_issues, with_store
from .test_collect_cli import collect


def test_nothing_new_in_any_repository_takes_one_request(sandbox: Sandbox, database_url: str) -> None:
    first = collect()
    repos = [r["repo"] for r in first["repositories"]]
    assert len(repos) >= 2
    again = collect("--incremental")
    assert again["requests"] == 1
    assert again["issues"] == 0
    assert [r["repo"] for r in again["repositories"]] == repos
    assert {r["mode"] for r in again["repositories"]} == {"incremental"}
    assert all(r["labels"] > 0 for r in again["repositories"])


def test_only_the_changed_repository_is_read_and_its_change_stored(sandbox: Sandbox, database_url: str) -> None:
    first = collect()
    repos = [r["repo"] for r in first["repositories"]]
    world = sandbox.emulator.world
    changed_repo = world.repo("acme", repos[-1])
    assert changed_repo is not None
    number = changed_repo.only_issues()[0].number
    world.touch_issue("acme", repos[-1], number, comment="a new comment")
    time.sleep(1.05)  # GitHub's `since` counts whole seconds, inclusive: a change in a run's own second is read again
    again = collect("--incremental")
    assert again["requests"] == 2  # the listing with its probe, then the changed repository's page
    assert {r["repo"]: r["issues"] for r in again["repositories"]} == {r: int(r == repos[-1]) for r in repos}
    stored = {i.number: i for i in stored_issues(database_url, repo=repos[-1])}
    assert stored[number].comments[-1].body == "a new comment"
    third = collect("--incremental")
    assert (third["requests"], third["issues"]) == (1, 0)


def test_label_definitions_of_an_unchanged_repository_still_refresh(sandbox: Sandbox, database_url: str) -> None:
    first = collect()
    name = first["repositories"][0]["repo"]
    repo = sandbox.emulator.world.repo("acme", name)
    assert repo is not None
    repo.labels[0].description = "Described after the first collection"
    again = collect("--incremental")
    assert again["requests"] == 1
    store = with_store(database_url)
    try:
        described = {lb.name: lb.description for lb in store.issues.repo_labels("acme", name)}
    finally:
        store.close()
    assert described[repo.labels[0].name] == "Described after the first collection"


def test_a_repository_new_since_the_last_collection_is_read_whole(sandbox: Sandbox, database_url: str) -> None:
    first = collect("--exclude-repo", "kots")
    assert "kots" not in [r["repo"] for r in first["repositories"]]
    again = collect("--incremental")
    modes = {r["repo"]: r["mode"] for r in again["repositories"]}
    assert modes["kots"] == "full"
    assert {r["repo"]: r["issues"] for r in again["repositories"] if r["repo"] != "kots"} == {
        name: 0 for name in modes if name != "kots"
    }
    assert {i.repo for i in stored_issues(database_url)} >= {"kots"}
