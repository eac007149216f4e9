"""Apply on the emulator through the real client: changes, idempotence, people's changes, failures, audit."""

from __future__ import annotations

import json

from github_issue_analysis.storage.store import Store
from tests.conftest import invoke

from .conftest import ORG, READ_ONLY, Rig, collect, seed_result


def _apply(*extra: str) -> dict:  # type: ignore[type-arg]
    result = invoke("labels", "apply", "--org", ORG, "--yes", "--json", *extra)
    assert result.exit_code in (0, 1), result.stderr
    document: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    document["exit_code"] = result.exit_code
    return document


def _seed(store: Store, rig: Rig) -> None:
    collect(store, rig)
    seed_result(store, 1, {"product::installer": 0.95, "product::ui": 0.9})
    seed_result(store, 2, {"product::api": 0.9})
    seed_result(store, 3, {"product::docs": 0.85})


def test_apply_then_second_apply_sends_no_mutation(rig: Rig, store: Store) -> None:
    _seed(store, rig)
    first = _apply("--comment")
    assert first["exit_code"] == 0 and first["failed"] == []
    assert {(a["number"], tuple(a["add"])) for a in first["applied"]} == {
        (1, ("product::installer", "product::ui")),
        (2, ("product::api",)),
        (3, ("product::docs",)),
    }
    assert rig.issue(1).labels == ["bug", "product::installer", "product::ui"]
    assert [len(rig.issue(n).comments) for n in (1, 2, 3)] == [1, 1, 1]
    assert "<!-- gh-analysis:labels run=" in rig.issue(1).comments[0].body
    stats = rig.stats()["graphql"]
    assert stats["by_mutation"] == {"addLabelsToLabelable": 3, "addComment": 3}
    assert stats["mutation_requests"] == 2  # one aliased request for the labels, one for the comments
    second = _apply("--comment")
    assert second["applied"] == [] and second["failed"] == []
    assert rig.stats()["graphql"]["mutations"] == 6
    assert [len(rig.issue(n).comments) for n in (1, 2, 3)] == [1, 1, 1]


def test_a_persons_changes_are_respected(rig: Rig, store: Store) -> None:
    _seed(store, rig)
    rig.issue(1).labels = ["bug", "product::ui"]  # a person added one recommended label after collection
    first = _apply()
    assert {a["number"]: a["add"] for a in first["applied"]}[1] == ["product::installer"]
    # a person removes a label this tool added; the tool never adds it again
    rig.world.set_labels(rig.issue(2), ["bug"])
    collect(store, rig)
    seed_result(store, 2, {"product::api": 0.97})  # even a new analysis recommending it again
    second = _apply()
    assert second["applied"] == []
    assert {s["number"]: s["reason"] for s in second["skipped"]}[2] == "person_changed"
    assert rig.issue(2).labels == ["bug"]


def test_read_only_token_fails_per_issue_with_exit_1(rig: Rig, store: Store) -> None:
    _seed(store, rig)
    result = invoke("labels", "apply", "--org", ORG, "--yes", "--json", "--token", READ_ONLY)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["applied"] == []
    assert {f["number"] for f in document["failed"]} == {1, 2, 3}
    assert all("issues: write" in f["error"] for f in document["failed"])
    assert rig.issue(1).labels == ["bug"]


def test_audit_rows_are_complete(rig: Rig, store: Store) -> None:
    _seed(store, rig)
    first = _apply()
    runs = json.loads(invoke("labels", "runs", "--json").stdout)["runs"]
    assert [(r["run_id"], r["kind"], r["status"], r["login"]) for r in runs] == [
        (first["run_id"], "apply", "completed", "sandbox-user")
    ]
    rows = store.label_audit.changes(first["run_id"])
    assert len(rows) == 4
    for row in rows:
        assert row.state == "confirmed" and row.action == "add" and row.login == "sandbox-user"
        assert row.result_id is not None and row.model == "gpt-4o-mini"
        assert row.labels_before is not None and row.labels_after is not None
        assert row.label in row.labels_after and row.label not in row.labels_before
        assert row.confirmed_at is not None and row.confirmed_at >= row.created_at


def test_revert_restores_exactly_and_skips_what_a_person_changed(rig: Rig, store: Store) -> None:
    collect(store, rig)
    rig.issue(4).labels = ["bug", "product::api"]
    collect(store, rig)
    seed_result(store, 1, {"product::installer": 0.95, "product::ui": 0.9})
    seed_result(store, 2, {"product::api": 0.9})
    seed_result(store, 4, {"product::docs": 0.9}, wrong=("product::api",))
    before = {n: list(rig.issue(n).labels) for n in (1, 2, 4)}
    run = _apply("--remove-wrong")
    assert rig.issue(4).labels == ["bug", "product::docs"]
    rig.world.set_labels(rig.issue(2), ["bug"])  # a person took product::api off already
    result = invoke("labels", "revert", run["run_id"][:8], "--yes", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["reverted_run_id"] == run["run_id"]
    assert document["skipped"] == [
        {"org": ORG, "repo": "app", "number": 2, "label": "product::api", "reason": "a person removed it since"}
    ]
    assert rig.issue(1).labels == before[1]
    assert sorted(rig.issue(4).labels) == sorted(before[4])
    assert rig.issue(2).labels == ["bug"]
    kinds = [r["kind"] for r in json.loads(invoke("labels", "runs", "--json").stdout)["runs"]]
    assert kinds == ["apply", "revert"]


def test_decisions_cli_and_new_result_starts_pending(rig: Rig, store: Store) -> None:
    _seed(store, rig)
    assert invoke("labels", "reject", "app#2", "--org", ORG).exit_code == 0
    bulk = invoke("labels", "accept", "--org", ORG, "--min-confidence", "0.9", "--json")
    assert json.loads(bulk.stdout) == {"decision": "accepted", "count": 1}
    plan = json.loads(invoke("labels", "plan", "--org", ORG, "--accepted-only", "--json", "--offline").stdout)
    assert [c["number"] for c in plan["changes"]] == [1]
    seed_result(store, 2, {"product::api": 0.99})  # a new result: pending again
    plan = json.loads(invoke("labels", "plan", "--org", ORG, "--json", "--offline").stdout)
    assert sorted(c["number"] for c in plan["changes"]) == [1, 2, 3]
    bad = invoke("labels", "accept", "nope")
    assert bad.exit_code == 2 and "org/repo#N" in bad.stderr
    missing = invoke("labels", "accept", "labs/app#99")
    assert missing.exit_code == 2 and "no current result" in missing.stderr


def test_interrupted_run_meets_a_deleted_label_and_an_archived_repo(rig: Rig, store: Store) -> None:
    from github_issue_analysis.storage.label_audit_store import NewChange

    collect(store, rig)
    seed_result(store, 3, {"product::ui": 0.9})
    intents = [
        NewChange(ORG, "app", 1, "add", "product::docs", None, "m"),
        NewChange(ORG, "app", 2, "add", "product::api", None, "m"),
        NewChange(ORG, "old", 1, "add", "product::api", None, "m"),
    ]
    store.label_audit.start_run("run_interrupted", "apply", ORG, "sandbox-user", {}, intents)
    rig.world.delete_label(ORG, "app", "product::docs")
    document = _apply()
    assert document["exit_code"] == 1
    failed = {(f["repo"], f["number"]): f["error"] for f in document["failed"]}
    assert failed == {
        ("app", 1): "label product::docs no longer exists in the repository",
        ("old", 1): "the repository is archived (read-only)",
    }
    assert {(a["repo"], a["number"]) for a in document["applied"]} == {("app", 2), ("app", 3)}
    assert rig.issue(2).labels == ["bug", "product::api"] and rig.issue(3).labels == ["bug", "product::ui"]
    assert document["resumed_runs"] == ["run_interrupted"]
    assert store.label_audit.run("run_interrupted").status == "completed"  # type: ignore[union-attr]


def test_the_store_follows_what_github_confirmed(rig: Rig, store: Store) -> None:
    _seed(store, rig)
    _apply()
    offline = json.loads(invoke("labels", "plan", "--org", ORG, "--offline", "--json").stdout)
    assert offline["changes"] == []
    assert {s["reason"] for s in offline["skipped"]} == {"already_labelled"}
