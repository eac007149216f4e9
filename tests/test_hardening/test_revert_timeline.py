"""`labels revert` leaves alone a label a person changed after the run, even when its state is the one the
run left (removed, then added back by a person): the issue's timeline (GitHub's LabeledEvent/UnlabeledEvent,
with their actor) shows whose change was last. Against the GitHub emulator, which serves the timeline per
GitHub's schema."""

from __future__ import annotations

import json

from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_labels.conftest import ORG, Rig, collect, rig, seed_result

__all__ = ["rig"]
LABEL = "product::ui"


def test_revert_keeps_a_label_a_person_removed_and_added_back(rig: Rig, store: Store) -> None:
    collect(store, rig)
    for number in (1, 2, 3):
        seed_result(store, number, {LABEL: 0.9})
    applied = invoke("labels", "apply", "--org", ORG, "--yes", "--json")
    assert applied.exit_code == 0, applied.stderr
    run_id = json.loads(applied.stdout)["run_id"]
    world = rig.world
    first = rig.issue(1)
    world.set_labels(first, [lb for lb in first.labels if lb != LABEL], actor="alice")  # a person removes it ...
    world.set_labels(first, [*first.labels, LABEL], actor="alice")  # ... and puts it back
    third = rig.issue(3)
    world.set_labels(third, [*third.labels, "bug"], actor="bob")  # another label changed: no matter
    reverted = invoke("labels", "revert", run_id, "--yes", "--json")
    assert reverted.exit_code == 0, reverted.stderr
    assert LABEL in rig.issue(1).labels  # kept: alice's change was the last
    assert LABEL not in rig.issue(2).labels and LABEL not in rig.issue(3).labels
    skipped = json.loads(reverted.stdout)["skipped"]
    assert [(s["number"], s["label"]) for s in skipped] == [(1, LABEL)]
    assert "@alice" in skipped[0]["reason"]


def test_the_emulator_serves_the_timeline_per_githubs_schema(rig: Rig) -> None:
    import httpx

    world = rig.world
    issue = rig.issue(4)
    world.set_labels(issue, [*issue.labels, LABEL], actor="carol")
    world.set_labels(issue, [lb for lb in issue.labels if lb != LABEL], actor="dave")
    query = """query($o: String!, $n: String!) { repository(owner: $o, name: $n) { issue(number: 4) {
      timelineItems(last: 10, itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) { totalCount
        pageInfo { hasPreviousPage } nodes { __typename
          ... on LabeledEvent { createdAt actor { login } label { name } }
          ... on UnlabeledEvent { createdAt actor { login } label { name } } } } } } }"""
    answer = httpx.post(
        f"{rig.url}/graphql",
        json={"query": query, "variables": {"o": ORG, "n": "app"}},
        headers={"authorization": "bearer ghp_labels_writer"},
    ).json()
    items = answer["data"]["repository"]["issue"]["timelineItems"]
    assert items["totalCount"] == 2
    assert [(n["__typename"], n["actor"]["login"], n["label"]["name"]) for n in items["nodes"]] == [
        ("LabeledEvent", "carol", LABEL),
        ("UnlabeledEvent", "dave", LABEL),
    ]
    wrong = httpx.post(
        f"{rig.url}/graphql",
        json={"query": query.replace("LABELED_EVENT, UNLABELED_EVENT", "LABEL_ADDED")},
        headers={"authorization": "bearer ghp_labels_writer"},
    ).json()
    assert "errors" in wrong  # the enum is GitHub's, not a free string
