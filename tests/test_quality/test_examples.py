"""`--examples K`: the most typical people-labelled issues per label, chosen by a written rule, recorded with
the group, never in its blind sample, and shown in the shared (cached) part of every prompt."""

from __future__ import annotations

import json

from github_issue_analysis.ai.processors.examples import ExampleCandidate, ExampleRef, choose_examples
from github_issue_analysis.storage.records import LabelRecord
from github_issue_analysis.storage.store import Store
from tests.test_ai.conftest import Sandbox, dry_run_plan, submit

from .conftest import labelled_issue

LABELS = ["product::kots", "product::vendor", "product::troubleshoot"]
TOPICS = {
    "product::kots": ["admin console installer upgrade", "kots admin console fails", "installer upgrade hangs"],
    "product::vendor": ["vendor portal release channel", "customer license in vendor portal", "release channel"],
    "product::troubleshoot": ["support bundle preflight", "preflight analyzer times out", "support bundle hangs"],
}


def seed_labelled(store: Store, per_label: int = 6) -> None:
    issues, number = [], 0
    for label, topics in TOPICS.items():
        for index in range(per_label):
            number += 1
            issues.append(labelled_issue(number, [label, "bug"], f"{topics[index % len(topics)]} case {index}"))
    store.issues.upsert_issues(issues)
    store.issues.replace_repo_labels("acme", "app", [LabelRecord(name=name, description=name) for name in LABELS])


def candidates() -> list[ExampleCandidate]:
    found = []
    for number, (label, topic) in enumerate(
        [(label, topic) for label, topics in TOPICS.items() for topic in topics * 2], start=1
    ):
        found.append(ExampleCandidate(ExampleRef("acme", "app", number, (label,)), f"{topic} {number}", topic))
    return found


def test_selection_is_deterministic_per_seed_and_takes_the_most_typical() -> None:
    pool = candidates()
    first = choose_examples(pool, 2, seed=7)
    assert first == choose_examples(list(reversed(pool)), 2, seed=7)  # the pool's order does not matter
    assert len(first) == 6 and {ref.labels[0] for ref in first} == set(LABELS)
    # every label's first example comes before any label's second (round by round)
    assert [ref.labels[0] for ref in first[:3]] == sorted(LABELS)


def test_ties_are_broken_by_the_seed() -> None:
    twins = [ExampleCandidate(ExampleRef("acme", "app", n, ("product::kots",)), "same text", "same") for n in range(8)]
    picks = {tuple(r.number for r in choose_examples(twins, 1, seed=seed)) for seed in range(10)}
    assert len(picks) > 1  # identical issues: the seed decides
    assert choose_examples(twins, 1, seed=3) == choose_examples(twins, 1, seed=3)


def test_the_token_budget_trims_the_examples() -> None:
    pool = candidates()
    assert len(choose_examples(pool, 2, token_budget=40)) < len(choose_examples(pool, 2))
    assert choose_examples(pool, 2, token_budget=0) == []


def test_submit_records_the_examples_and_keeps_them_out_of_the_blind_sample(sandbox: Sandbox, seeded: Store) -> None:
    seed_labelled(seeded)
    plan = dry_run_plan("--sample", "6", "--blind", "--examples", "2")
    assert len(plan["examples"]) == 6 and plan["total_issues"] == 6
    group = submit("--sample", "6", "--blind", "--examples", "2")
    assert group["examples"] == plan["examples"]  # the same seed, the same examples
    examples = {(e["org"], e["repo"], e["number"]) for e in group["examples"]}
    with seeded.engine.connect() as conn:
        sent = set(
            conn.exec_driver_sql(
                "SELECT i.org, i.repo, i.number FROM job_items j JOIN issues i ON i.id = j.issue_id"
            ).all()
        )
        stored = json.loads(conn.exec_driver_sql("SELECT options FROM batch_groups").scalar_one())
    assert len(sent) == 6 and not (examples & set(sent))
    assert stored["examples"] == 2 and stored["example_issues"] == group["examples"]
    for example in group["examples"]:
        assert example["labels"] and all(label in LABELS for label in example["labels"])
    [line] = list(sandbox.sent_batches()[0].values())[:1]
    user = json.loads(line)["body"]["messages"][1]["content"]
    context, issue = user.split("Issue to label:")
    assert "Examples people labelled" in context and context.count("Example issue:") == 6
    assert "Example issue:" not in issue


def test_without_examples_nothing_is_recorded(sandbox: Sandbox, seeded: Store) -> None:
    seed_labelled(seeded, per_label=2)
    plan = dry_run_plan("--sample", "3")
    assert "examples" not in plan
