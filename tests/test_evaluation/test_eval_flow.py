"""Blind sample runs end to end: CLI -> real OpenAI SDK -> emulator on 127.0.0.1 -> collect -> eval."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from github_issue_analysis.evaluation import latest_evaluation
from github_issue_analysis.evaluation.thresholds import threshold_for
from github_issue_analysis.storage.records import LabelRecord
from github_issue_analysis.storage.schema import evaluations, job_items
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import PRODUCT_LABELS, Sandbox, issue, submit

PRODUCTS = ["product::kots", "product::vendor", "product::troubleshoot"]  # the topics of tests.test_ai.conftest


def human_labels(number: int) -> list[str]:
    """What people gave: mostly the product the text is about; some issues with two products, some with a
    product the text does not name, some with no product label at all."""
    natural = PRODUCTS[number % 3]
    if number % 11 == 0:
        return ["bug"]
    if number % 7 == 0:
        return ["bug", PRODUCTS[(number + 1) % 3]]
    if number % 5 == 0:
        return ["bug", natural, PRODUCTS[(number + 1) % 3]]
    return ["bug", natural]


def seed_labelled(store: Store, count: int) -> None:
    records = [
        issue(n).model_copy(update={"labels": [LabelRecord(name=name) for name in human_labels(n)]})
        for n in range(1, count + 1)
    ]
    store.issues.upsert_issues(records)
    store.issues.replace_repo_labels("acme", "app", PRODUCT_LABELS)


def request_lines(sandbox: Sandbox) -> list[dict]:
    files = [f for f in sandbox.emulator.files.values() if f.purpose == "batch"]
    return [json.loads(line) for f in files for line in f.content.decode().splitlines()]


def current_labels_line(line: dict) -> str:
    user = next(m["content"] for m in line["body"]["messages"] if m["role"] == "user")
    return next(row for row in user.splitlines() if row.startswith("Current labels:"))


def sampled_issue_ids(store: Store, group_id: str) -> list[int]:
    return sorted(i.issue_id for _, i in store.job_items.group_items(group_id))


def run(*args: str) -> dict:
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return dict(json.loads(result.stdout))


def blind_group(sandbox: Sandbox, *extra: str) -> str:
    group_id = submit("--blind", "--sample", "30", "--seed", "4", "--batch-size", "10", *extra)["group_id"]
    sandbox.finish_all()
    assert invoke("batch", "group-collect", group_id).exit_code == 0
    return group_id


def test_blind_submit_leaves_the_taxonomy_labels_out_of_every_request_line(sandbox: Sandbox, seeded: Store) -> None:
    seed_labelled(seeded, 60)
    submitted = submit("--blind", "--sample", "30", "--seed", "4", "--batch-size", "10")
    assert (submitted["blind"], submitted["sample"], submitted["seed"], submitted["total_issues"]) == (True, 30, 4, 30)
    group_id = submitted["group_id"]
    lines = request_lines(sandbox)
    assert len(lines) == 30
    for line in lines:
        shown = current_labels_line(line)
        assert shown == "Current labels: bug"  # every sampled issue has bug + product label(s)
    group = seeded.jobs.group(group_id)
    assert group is not None
    assert group.options["blind"] is True
    assert (group.selection["sample"], group.selection["seed"]) == (30, 4)


def test_a_run_that_is_not_blind_shows_them(sandbox: Sandbox, seeded: Store) -> None:
    seed_labelled(seeded, 6)
    submit("--batch-size", "10")
    shown = [current_labels_line(line) for line in request_lines(sandbox)]
    assert "Current labels: bug, product::vendor" in shown


@pytest.mark.slow
def test_sample_is_stratified_reproducible_and_only_labelled(sandbox: Sandbox, seeded: Store) -> None:
    seed_labelled(seeded, 90)
    first = submit("--blind", "--sample", "30", "--seed", "4", "--batch-size", "30")["group_id"]
    again = submit("--blind", "--sample", "30", "--seed", "4", "--batch-size", "30", "--model", "openai:gpt-4.1-mini")
    other_seed = submit("--blind", "--sample", "30", "--seed", "5", "--batch-size", "30")["group_id"]
    chosen = sampled_issue_ids(seeded, first)
    assert len(chosen) == 30
    assert chosen == sampled_issue_ids(seeded, again["group_id"])  # even though the issues now have results
    assert chosen != sampled_issue_ids(seeded, other_seed)
    numbers = {i.id: i.number for i in seeded.issues.issues_by_id(chosen)}
    assert all(n % 11 != 0 for n in numbers.values())  # never an issue without a product label
    assert {PRODUCTS[n % 3] for n in numbers.values()} == set(PRODUCTS)


def test_eval_scores_a_blind_run_against_the_labels_people_gave(sandbox: Sandbox, seeded: Store) -> None:
    seed_labelled(seeded, 60)
    group_id = blind_group(sandbox)
    report = run("eval", group_id)
    (figures,) = report["evaluations"]
    assert report["comparison"] is None
    assert {"group_id", "model", "blind", "issues_scored", "micro", "macro", "per_label", "calibration", "ece"} <= set(
        figures
    )
    assert (figures["group_id"], figures["model"], figures["blind"], figures["issues_scored"]) == (
        group_id,
        "gpt-4o-mini",
        True,
        30,
    )
    numbers = [i.number for i in seeded.issues.issues_by_id(sampled_issue_ids(seeded, group_id))]
    true_labels = sum(len([lb for lb in human_labels(n) if lb.startswith("product::")]) for n in numbers)
    assert sum(row["support"] for row in figures["per_label"]) == true_labels
    assert 0.3 < figures["micro"]["f1"] < 1.0  # the offline labeller is good, and wrong on mislabelled issues
    low, high = figures["intervals"]["micro_f1"]
    assert low <= figures["micro"]["f1"] <= high
    assert sum(b["count"] for b in figures["calibration"]) == sum(r["predicted"] for r in figures["per_label"])
    assert figures["cost_usd"] > 0 and figures["input_tokens"] > 0
    assert figures["cost_per_correct_label"] == figures["cost_usd"] / figures["correct_labels"]
    assert latest_evaluation(seeded, group_id) == figures
    table = invoke("eval", group_id[:12])
    assert table.exit_code == 0, table.stderr
    assert "Micro F1" in table.stdout and "product::vendor" in table.stdout


def test_threshold_search_and_the_threshold_labels_commands_use(sandbox: Sandbox, seeded: Store) -> None:
    seed_labelled(seeded, 60)
    group_id = blind_group(sandbox)
    figures = run("eval", group_id, "--target-precision", "0.9")["evaluations"][0]
    found = figures["threshold_search"]
    assert found["reached"] and figures["threshold"] == found["threshold"]
    # check against the stored answers directly: precision at the threshold, and below it
    recs = [
        (rec["confidence"], rec["label"] in set(human_labels(r.issue_number)))
        for r in seeded.results.current(org="acme")
        for rec in r.analysis["recommended_labels"]
    ]
    kept = [ok for confidence, ok in recs if confidence >= found["threshold"]]
    assert sum(kept) / len(kept) == found["precision"] >= 0.9
    for lower in {c for c, _ in recs if c < found["threshold"]}:
        below = [ok for confidence, ok in recs if confidence >= lower]
        assert sum(below) / len(below) < 0.9
    assert threshold_for(seeded, group_id, 0.9) == found["threshold"]
    with seeded.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(evaluations)).scalar() == 1  # the stored one was used
    unreachable = run("eval", group_id, "--target-precision", "1.0")["evaluations"][0]
    if not unreachable["threshold_search"]["reached"]:
        assert unreachable["threshold"] is None


@pytest.mark.slow
def test_two_models_on_the_same_sample_side_by_side(sandbox: Sandbox, seeded: Store) -> None:
    seed_labelled(seeded, 60)
    first = blind_group(sandbox)
    second = blind_group(sandbox, "--model", "openai:gpt-4.1-mini")
    report = run("eval", first, second)
    comparison = report["comparison"]
    assert comparison["shared_issues"] == 30
    assert [g["model"] for g in comparison["groups"]] == ["gpt-4o-mini", "gpt-4.1-mini"]
    (difference,) = comparison["differences"]
    # the offline labeller answers the same prompt the same way: the paired difference is exactly zero
    assert difference["micro_f1_difference"] == 0.0 and difference["interval"] == [0.0, 0.0]
    costs = [g["cost_usd"] for g in comparison["groups"]]
    assert costs[1] > costs[0]  # gpt-4.1-mini costs more per token than gpt-4o-mini
    table = invoke("eval", first, second)
    assert "Side by side on the 30 issue(s)" in table.stdout


@pytest.mark.slow
def test_a_group_that_saw_the_labels_is_refused_unless_allowed(sandbox: Sandbox, seeded: Store) -> None:
    seed_labelled(seeded, 20)
    group_id = submit("--batch-size", "20")["group_id"]
    sandbox.finish_all()
    assert invoke("batch", "group-collect", group_id).exit_code == 0
    refused = invoke("eval", group_id)
    assert refused.exit_code == 2
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "not a blind run" in refused.stderr and "--allow-leak" in refused.stderr
    with seeded.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(evaluations)).scalar() == 0
    allowed = run("eval", group_id, "--allow-leak")["evaluations"][0]
    assert allowed["blind"] is False and "overstate" in allowed["warning"]
    assert "NOT BLIND" in invoke("eval", group_id, "--allow-leak").stdout


def test_bad_input_is_one_line(sandbox: Sandbox, seeded: Store) -> None:
    seed_labelled(seeded, 5)
    unknown = invoke("eval", "group_nope")
    assert unknown.exit_code == 2 and "no batch group matches" in unknown.stderr
    assert invoke("eval", "group_nope", "--target-precision", "1.5").exit_code == 2
    assert invoke("batch", "submit", "product-labeling", "--org", "acme", "--seed", "3").exit_code == 2
    both = invoke("batch", "submit", "product-labeling", "--org", "acme", "--sample", "3", "--limit", "2")
    assert both.exit_code == 2 and "--sample 3 draws from the whole selection" in both.stderr
    with seeded.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(job_items)).scalar() == 0


@pytest.mark.slow
def test_labels_plan_takes_the_threshold_an_evaluation_found(sandbox: Sandbox, seeded: Store) -> None:
    seed_labelled(seeded, 60)
    group_id = blind_group(sandbox)
    by_precision = run("labels", "plan", "--org", "acme", "--offline", "--min-precision", "0.9", "--eval", group_id)
    threshold = threshold_for(seeded, group_id, 0.9)
    by_confidence = run("labels", "plan", "--org", "acme", "--offline", "--min-confidence", str(threshold))
    assert by_precision == by_confidence
    stricter = run("labels", "plan", "--org", "acme", "--offline", "--min-confidence", str(threshold + 0.01))
    assert stricter != by_precision  # the threshold matters: it is not the default


@pytest.mark.slow
def test_labels_threshold_options_refuse_bad_combinations(sandbox: Sandbox, seeded: Store) -> None:
    seed_labelled(seeded, 20)
    leaked = submit("--batch-size", "20")["group_id"]
    sandbox.finish_all()
    assert invoke("batch", "group-collect", leaked).exit_code == 0
    plan = ("labels", "plan", "--org", "acme", "--offline")
    alone = invoke(*plan, "--min-precision", "0.9")
    assert alone.exit_code == 2 and "go together" in alone.stderr
    both = invoke(*plan, "--min-precision", "0.9", "--eval", leaked, "--min-confidence", "0.5")
    assert both.exit_code == 2 and "not both" in both.stderr
    not_blind = invoke(*plan, "--min-precision", "0.9", "--eval", leaked)
    assert not_blind.exit_code == 2 and "not a blind run" in not_blind.stderr
    blind = submit("--blind", "--sample", "10", "--batch-size", "20")["group_id"]
    sandbox.finish_all()
    assert invoke("batch", "group-collect", blind).exit_code == 0
    bulk = invoke("labels", "accept", "--org", "acme", "--min-precision", "0.5", "--eval", blind, "--json")
    assert bulk.exit_code == 0, bulk.stderr
    assert json.loads(bulk.stdout)["count"] > 0


def test_a_precision_no_threshold_reaches(sandbox: Sandbox, seeded: Store) -> None:
    records = [
        issue(n).model_copy(update={"labels": [LabelRecord(name=PRODUCTS[(n + 1) % 3])]})  # never the text's product
        for n in range(1, 13)
    ]
    seeded.issues.upsert_issues(records)
    seeded.issues.replace_repo_labels("acme", "app", PRODUCT_LABELS)
    group_id = blind_group(sandbox)
    figures = run("eval", group_id, "--target-precision", "0.5")["evaluations"][0]
    assert figures["micro"]["precision"] == 0.0
    assert figures["threshold"] is None and figures["threshold_search"]["reached"] is False
    refused = invoke("labels", "plan", "--org", "acme", "--offline", "--min-precision", "0.5", "--eval", group_id)
    assert refused.exit_code == 1
    assert "no confidence threshold reaches a precision of 0.5" in refused.stderr
