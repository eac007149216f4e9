"""`threshold_for` reuses a stored evaluation only while the group's results are those it scored: results the
group collected since (a later batch of the same group) make it evaluate again."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import select

from github_issue_analysis.evaluation.evaluation_errors import ThresholdUnreachable
from github_issue_analysis.evaluation.thresholds import threshold_for
from github_issue_analysis.storage.schema import evaluations
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox, submit

from .test_eval_flow import run, seed_labelled


def stored_scores(store: Store) -> list[int]:
    """issues_scored of every stored evaluation, oldest first."""
    with store.engine.connect() as conn:
        return list(conn.execute(select(evaluations.c.issues_scored).order_by(evaluations.c.id)).scalars())


@pytest.mark.slow
def test_results_collected_after_the_evaluation_make_threshold_for_evaluate_again(
    sandbox: Sandbox, seeded: Store
) -> None:
    seed_labelled(seeded, 60)
    submitted = submit("--blind", "--sample", "30", "--seed", "4", "--batch-size", "10")
    group_id, first_job = submitted["group_id"], submitted["job_ids"][0]
    sandbox.finish_all()
    assert invoke("batch", "collect", first_job).exit_code == 0  # one of the three batches collected so far
    with contextlib.suppress(ThresholdUnreachable):  # 10 issues may not reach the target; it is stored anyway
        threshold_for(seeded, group_id, 0.8)
    assert stored_scores(seeded) == [10]
    with contextlib.suppress(ThresholdUnreachable):
        threshold_for(seeded, group_id, 0.8)
    assert stored_scores(seeded) == [10]  # nothing new: the stored evaluation answers

    assert invoke("batch", "group-collect", group_id).exit_code == 0  # the other 20 issues arrive
    fresh = run("eval", group_id, "--target-precision", "0.8")["evaluations"][0]
    assert fresh["threshold_search"]["reached"]
    assert stored_scores(seeded) == [10, 30]
    assert threshold_for(seeded, group_id, 0.8) == fresh["threshold"]
    assert stored_scores(seeded) == [10, 30]  # the eval above already saw every result


def test_a_stored_evaluation_of_older_results_is_not_reused(sandbox: Sandbox, seeded: Store) -> None:
    seed_labelled(seeded, 60)
    submitted = submit("--blind", "--sample", "30", "--seed", "4", "--batch-size", "10")
    group_id = submitted["group_id"]
    sandbox.finish_all()
    assert invoke("batch", "collect", submitted["job_ids"][0]).exit_code == 0
    assert invoke("eval", group_id, "--target-precision", "0.8").exit_code in (0, 1)
    assert stored_scores(seeded) == [10]
    assert invoke("batch", "group-collect", group_id).exit_code == 0
    threshold = threshold_for(seeded, group_id, 0.8)
    assert stored_scores(seeded) == [10, 30]  # evaluated again on all 30, not the 10 of the stored one
    newest = seeded.evaluations.latest(group_id, 0.8)
    assert newest is not None and newest["threshold"] == threshold
    assert newest["results_seen"] == seeded.evaluations.results_seen(group_id)
    assert newest["results_seen"]["count"] == 30
