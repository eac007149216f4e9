"""`gh-analysis batch list --groups` with 1,000 groups in the store (goal <= 0.5 s, the whole command, which
shows the newest 50), next to the full table of all 1,000 (`--limit 0`) and to the store with 10 groups.

    uv run python benchmarks/list_groups.py [--groups 1000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness import Row, command_seconds, print_rows
from startup import console_script

from github_issue_analysis.domain.groups import BatchGroup, new_group_id, new_job_id
from github_issue_analysis.storage.batch_records import NewJob
from github_issue_analysis.storage.records import IssueRecord
from github_issue_analysis.storage.store import open_store

GOAL_SECONDS = 0.5


def fill(database_url: str, groups: int) -> None:
    store = open_store(database_url)
    when = datetime(2026, 1, 1, tzinfo=UTC)
    store.issues.upsert_issues(
        [
            IssueRecord(org="acme", repo="app", number=n, title="t", state="open", created_at=when, updated_at=when)
            for n in range(1, 91)
        ]
    )
    for number in range(groups):
        jobs = [
            NewJob(new_job_id(), seq, 3, [(i, f"issue-{i}") for i in range(seq * 30 - 29, seq * 30 + 1)])
            for seq in (1, 2, 3)
        ]
        group = BatchGroup(
            group_id=new_group_id(),
            processor="product-labeling",
            model="gpt-4o-mini",
            provider="openai",
            child_job_ids=[j.job_id for j in jobs],
            total_issues=90,
            is_split_job=True,
            batch_size=30,
            created_at=when + timedelta(minutes=number),
        )
        store.jobs.create_group(group, jobs)
    store.close()


def _seconds(url: str, runs: int, *extra: str) -> float:
    env = {"GH_ANALYSIS_DATABASE_URL": url, "COLUMNS": "160"}
    return statistics.median(command_seconds([console_script(), "batch", "list", "--groups", *extra], env, runs))


def measure(groups: int = 1000, runs: int = 5) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        many, few = f"sqlite:///{Path(folder) / 'many.db'}", f"sqlite:///{Path(folder) / 'few.db'}"
        fill(many, groups)
        fill(few, 10)
        ours = _seconds(many, runs)
        everything = _seconds(many, runs, "--limit", "0")
        small = _seconds(few, runs)
    return [
        Row(
            f"`batch list --groups` with {groups:,} groups (3 batches each), whole command",
            f"{ours:.2f} s",
            f"{small:.2f} s with 10 groups; {everything:.2f} s for the table of all {groups:,}",
            f"{ours / small:.2f}x the 10-group store",
            f"<= {GOAL_SECONDS} s",
            ours <= GOAL_SECONDS,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=1000)
    print_rows("Listing groups", measure(parser.parse_args().groups))


if __name__ == "__main__":
    main()
