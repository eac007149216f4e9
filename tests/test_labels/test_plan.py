"""The plan: contents and every skip reason, from the store and checked against the live emulator."""

from __future__ import annotations

import asyncio

from github_issue_analysis.labels.apply import live_plan
from github_issue_analysis.labels.decisions import decide
from github_issue_analysis.labels.options import LabelSelection
from github_issue_analysis.labels.plan import build_plan
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke

from .conftest import ORG, Rig, collect, seed_result


def _reasons(document: dict) -> dict[int, str]:  # type: ignore[type-arg]
    return {s["number"]: s["reason"] for s in document["skipped"]}


def test_plan_contents_and_store_skip_reasons(rig: Rig, store: Store) -> None:
    rig.issue(3).labels = ["bug", "product::ui"]
    rig.issue(6).state = "CLOSED"
    collect(store, rig)
    seed_result(store, 1, {"product::installer": 0.95, "product::ui": 0.5})
    seed_result(store, 2, {"product::api": 0.6})
    seed_result(store, 3, {"product::ui": 0.9})
    seed_result(store, 4, {"product::installer": 0.99})
    seed_result(store, 5, {"product::nonexistent": 0.99})
    seed_result(store, 6, {"product::ui": 0.9})
    seed_result(store, 7, {"bug": 0.99, "product::docs": 0.85}, wrong=("bug",))
    decide(store, ["labs/app#4"], "rejected")
    plan = build_plan(store, LabelSelection(ORG)).as_json()
    assert plan["changes"] == [
        {"org": ORG, "repo": "app", "number": 1, "add": ["product::installer"], "remove": [], "confidence": 0.95},
        {"org": ORG, "repo": "app", "number": 7, "add": ["product::docs"], "remove": [], "confidence": 0.85},
    ]
    assert _reasons(plan) == {
        2: "below_threshold",
        3: "already_labelled",
        4: "rejected",
        5: "label_missing",
        6: "closed",
    }


def test_remove_wrong_touches_only_taxonomy_labels(rig: Rig, store: Store) -> None:
    rig.issue(1).labels = ["bug", "product::api"]
    collect(store, rig)
    seed_result(store, 1, {"product::installer": 0.9}, wrong=("bug", "product::api"))
    plan = build_plan(store, LabelSelection(ORG, remove_wrong=True))
    assert [(c.add, c.remove) for c in plan.changes] == [(("product::installer",), ("product::api",))]
    only_add = build_plan(store, LabelSelection(ORG))
    assert [(c.add, c.remove) for c in only_add.changes] == [(("product::installer",), ())]


def test_labels_file_taxonomy_and_accepted_only_and_edits(rig: Rig, store: Store) -> None:
    collect(store, rig)
    seed_result(store, 1, {"product::ui": 0.9, "bug": 0.9}, group_options={"fixed_labels": [{"name": "bug"}]})
    seed_result(store, 2, {"product::ui": 0.9})
    seed_result(store, 3, {"product::ui": 0.9})
    decide(store, ["app#3"], "edited", org=ORG, labels=["product::docs"])
    plan = build_plan(store, LabelSelection(ORG, accepted_only=True))
    assert {c.number: c.add for c in plan.changes} == {3: ("product::docs",)}
    assert _reasons(plan.as_json()) == {1: "not_accepted", 2: "not_accepted"}
    everything = build_plan(store, LabelSelection(ORG))
    # issue 1's group used a labels file holding only `bug` (already on the issue): product::ui is never touched
    assert {c.number: c.add for c in everything.changes} == {2: ("product::ui",), 3: ("product::docs",)}


def test_changed_after_analysis_and_live_skip_reasons(rig: Rig, store: Store) -> None:
    collect(store, rig)
    for number in (1, 2, 3, 4, 5):
        seed_result(store, number, {"product::installer": 0.9})
    seed_result(store, 1, {"product::installer": 0.9}, repo="old")
    rig.world.touch_issue(ORG, "app", 1, comment="more detail")
    collect(store, rig)  # the store now knows issue 1 changed after its analysis
    rig.world.touch_issue(ORG, "app", 2, body="edited body")  # edited on GitHub, not collected again
    rig.issue(3).locked = True
    rig.issue(4).state = "CLOSED"
    rig.world.set_labels(rig.issue(5), ["bug", "product::installer"])  # a person added it meanwhile
    plan = asyncio.run(live_plan(store, rig.connection(), LabelSelection(ORG)))
    assert plan.changes == []
    by_issue = {(s.repo, s.number): s.reason for s in plan.skipped}
    assert by_issue == {
        ("app", 1): "changed_after_analysis",
        ("app", 2): "changed_after_analysis",
        ("app", 3): "locked",
        ("app", 4): "closed",
        ("app", 5): "already_labelled",
        ("old", 1): "archived",
    }
    assert rig.stats()["graphql"]["mutations"] == 0


def test_deleted_label_is_missing_live_and_plan_cli_json(rig: Rig, store: Store) -> None:
    collect(store, rig)
    seed_result(store, 1, {"product::docs": 0.9})
    seed_result(store, 2, {"product::ui": 0.9})
    rig.world.delete_label(ORG, "app", "product::docs")
    result = invoke("labels", "plan", "--org", ORG, "--json")
    assert result.exit_code == 0, result.stderr
    import json

    document = json.loads(result.stdout)
    assert [c["number"] for c in document["changes"]] == [2]
    assert document["skipped"] == [
        {
            "org": ORG,
            "repo": "app",
            "number": 1,
            "reason": "label_missing",
            "detail": "label missing in the repository: product::docs",
        }
    ]


def test_a_repository_gone_from_github_skips_its_issues(rig: Rig, store: Store) -> None:
    collect(store, rig)
    seed_result(store, 1, {"product::ui": 0.9})
    seed_result(store, 1, {"product::ui": 0.9}, repo="old")
    org = rig.world.org(ORG)
    assert org is not None
    del org.repos["old"]
    plan = asyncio.run(live_plan(store, rig.connection(), LabelSelection(ORG)))
    assert [(c.repo, c.number) for c in plan.changes] == [("app", 1)]
    assert [(s.repo, s.number, s.reason) for s in plan.skipped] == [("old", 1, "not_found")]
