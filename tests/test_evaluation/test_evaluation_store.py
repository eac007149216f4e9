"""The evaluation store on SQLite and (with GH_ANALYSIS_TEST_POSTGRES_URL) PostgreSQL."""

from __future__ import annotations

from github_issue_analysis.domain.usage import TokenUsage
from github_issue_analysis.evaluation import latest_evaluation
from github_issue_analysis.storage.batch_records import CollectedResult
from github_issue_analysis.storage.evaluation_store import NewEvaluation
from github_issue_analysis.storage.store import Store
from tests.test_storage.test_batch_store import make_group


def collect(store: Store, job_id: str, answers: dict[int, str], usage: tuple[int, int]) -> None:
    job = store.jobs.job(job_id)
    assert job is not None
    results = [
        CollectedResult(i, f"issue-{i}", {"recommended_labels": [{"label": a}]}, 0.5) for i, a in answers.items()
    ]
    store.job_items.record_collection(
        job, "p", "m", results, [], TokenUsage(input_tokens=usage[0], output_tokens=usage[1])
    )


def evaluation(group_id: str, target: float | None, threshold: float | None, f1: float) -> NewEvaluation:
    return NewEvaluation(group_id, "m", True, 0.0, target, threshold, 4, f1, {"group_id": group_id, "f1": f1})


def test_a_groups_answers_stay_its_own_after_a_later_run(any_store: Store) -> None:
    ids = make_group(any_store, "group_aaaaaaaaaaaa")
    make_group(any_store, "group_bbbbbbbbbbbb")  # a later run over the same issues
    collect(any_store, "job_aaaaaa000001", {ids[0]: "old-a", ids[2]: "old-c"}, (100, 10))
    collect(any_store, "job_aaaaaa000002", {ids[1]: "old-b"}, (50, 5))
    collect(any_store, "job_bbbbbb000001", {ids[0]: "new-a"}, (7, 1))
    answers = any_store.evaluations.group_answers("group_aaaaaaaaaaaa")
    assert [a.issue_id for a in answers] == ids[:3]  # (org, repo, number) order; not current any more is kept
    assert [a.analysis["recommended_labels"][0]["label"] for a in answers] == ["old-a", "old-b", "old-c"]
    assert answers[0].labels == [] and answers[0].number == 1
    assert any_store.evaluations.group_usage("group_aaaaaaaaaaaa") == TokenUsage(150, 0, 0, 15)
    assert any_store.evaluations.group_usage("group_bbbbbbbbbbbb") == TokenUsage(7, 0, 0, 1)


def test_latest_evaluation_per_group_and_target(any_store: Store) -> None:
    make_group(any_store, "group_aaaaaaaaaaaa")
    make_group(any_store, "group_bbbbbbbbbbbb")
    assert latest_evaluation(any_store, "group_aaaaaaaaaaaa") is None
    any_store.evaluations.save(evaluation("group_aaaaaaaaaaaa", 0.9, 0.7, 0.5))
    any_store.evaluations.save(evaluation("group_aaaaaaaaaaaa", None, None, 0.6))
    any_store.evaluations.save(evaluation("group_bbbbbbbbbbbb", 0.9, 0.4, 0.1))
    assert latest_evaluation(any_store, "group_aaaaaaaaaaaa") == {"group_id": "group_aaaaaaaaaaaa", "f1": 0.6}
    assert any_store.evaluations.latest("group_aaaaaaaaaaaa", 0.9) == {"group_id": "group_aaaaaaaaaaaa", "f1": 0.5}
    assert any_store.evaluations.latest("group_aaaaaaaaaaaa", 0.8) is None
    any_store.jobs.delete_group("group_aaaaaaaaaaaa")  # evaluations go with their group
    assert latest_evaluation(any_store, "group_aaaaaaaaaaaa") is None
    assert latest_evaluation(any_store, "group_bbbbbbbbbbbb") is not None


def test_labels_this_tool_applied_are_not_ground_truth(any_store: Store) -> None:
    from github_issue_analysis.domain.label_audit import ChangeState
    from github_issue_analysis.storage.issue_store import IssueSelection
    from github_issue_analysis.storage.label_audit_store import NewChange
    from github_issue_analysis.storage.records import IssueRecord, LabelRecord
    from tests.test_storage.test_batch_store import WHEN

    ids = make_group(any_store, "group_aaaaaaaaaaaa")
    labelled = IssueRecord(
        org="o",
        repo="r",
        number=1,
        title="t",
        state="open",
        created_at=WHEN,
        updated_at=WHEN,
        labels=[LabelRecord(name=n) for n in ("product::a", "product::b", "product::c")],
    )
    any_store.issues.upsert_issues([labelled])  # what GitHub shows after `labels apply` added b and c
    changes = [
        NewChange("o", "r", 1, "add", "product::b"),
        NewChange("o", "r", 1, "add", "product::c"),
        NewChange("o", "r", 1, "remove", "product::c"),  # a revert took c off; a person put it back since
        NewChange("o", "r", 1, "add", "product::a"),  # never confirmed
    ]
    any_store.label_audit.start_run("run_1", "apply", "o", None, {}, changes)
    confirmed = [c.id for c in any_store.label_audit.changes("run_1") if c.label != "product::a"]
    any_store.label_audit.mark(confirmed, ChangeState.CONFIRMED)
    collect(any_store, "job_aaaaaa000001", {ids[0]: "product::a"}, (1, 1))
    (answer,) = any_store.evaluations.group_answers("group_aaaaaaaaaaaa")
    assert answer.labels == ["product::a", "product::c"]
    candidates = dict((i, labels) for i, _, labels in any_store.issues.select_issue_labels(IssueSelection("o")))
    assert candidates[ids[0]] == ["product::a", "product::c"]
