"""The triage store on SQLite and PostgreSQL: sent fingerprints, the issues to look at again, the day's
estimates and the kept/removed counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.records import IssueRecord, LabelRecord
from github_issue_analysis.storage.schema import batch_groups
from github_issue_analysis.storage.store import Store
from github_issue_analysis.storage.triage_store import GroupSetup, ToolAddition
from tests.conftest import any_store

__all__ = ["any_store"]

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _issue(number: int, state: str = "open", body: str = "text") -> IssueRecord:
    return IssueRecord(
        org="o",
        repo="r",
        number=number,
        title=f"t{number}",
        body=body,
        state=state,
        created_at=WHEN,
        updated_at=WHEN + timedelta(minutes=number),
        labels=[LabelRecord(name="product::ui")],
    )


@pytest.mark.parametrize("any_store", ["sqlite", "postgres"], indirect=True)
def test_the_triage_store(any_store: Store) -> None:
    store = any_store
    store.issues.upsert_issues([_issue(1), _issue(2), _issue(3, "closed")])
    ids = {i.number: i.id for i in store.issues.select_issues(IssueSelection("o"))}
    assert sorted(store.triage.unseen_issue_ids("o", None, ["open"])) == sorted([ids[1], ids[2]])
    store.triage.record_sent({ids[1]: "a", ids[2]: "b"}, None)
    assert store.triage.unseen_issue_ids("o", None, ["open"]) == []
    assert store.triage.sent_fingerprints([ids[1], ids[2], ids[3]]) == {ids[1]: "a", ids[2]: "b"}
    store.issues.upsert_issues([_issue(2, body="edited").model_copy(update={"updated_at": WHEN + timedelta(days=1)})])
    assert store.triage.unseen_issue_ids("o", "r", ["open"]) == [ids[2]]
    store.triage.touch([ids[2]])
    assert store.triage.unseen_issue_ids("o", "r", ["OPEN"]) == []

    with store.engine.begin() as conn:
        conn.execute(
            insert(batch_groups).values(
                id="grp_1",
                processor="product-labeling",
                model="m",
                provider="openai",
                is_split=False,
                batch_size=30,
                total_issues=1,
                selection={},
                options={},
                created_at=WHEN,
            )
        )
    now = datetime.now(UTC)
    store.triage.save_setup(GroupSetup("grp_1", "o", "fp", {"model": "m"}, "backlog", 0.25, now))
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    assert store.triage.estimated_since("o", midnight) == pytest.approx(0.25)
    assert store.triage.estimated_since("other", midnight) == 0.0
    assert [s.group_id for s in store.triage.setups(org="o", fingerprint="fp")] == ["grp_1"]

    assert store.triage.undecided_additions("o") == []
    additions = [ToolAddition(i, "o", "r", 1, "product::ui", now, False) for i in (1, 2, 3)]
    store.triage.decide([(additions[0], "kept"), (additions[1], "removed"), (additions[2], "reverted")])
    assert store.triage.kept_counts("o") == {"product::ui": (1, 1)}
    assert store.triage.issue_labels([("o", "r", 1)]) == {("o", "r", 1): {"product::ui"}}
