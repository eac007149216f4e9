"""Fixtures for the label-quality tests: the provider emulators on loopback (from tests/test_ai) and a store
with a taxonomy large enough for the providers' prompt caches (descriptions of 40 labels)."""

from __future__ import annotations

from datetime import UTC, datetime

from github_issue_analysis.storage.records import CommentRecord, IssueRecord, LabelRecord
from github_issue_analysis.storage.store import Store
from tests.test_ai.conftest import provider_sandbox, sandbox, seeded

__all__ = ["provider_sandbox", "sandbox", "seeded"]

AREAS = [
    "installer",
    "console",
    "registry",
    "licenses",
    "channels",
    "bundles",
    "preflight",
    "analyzers",
    "snapshots",
    "backups",
]


def big_taxonomy(count: int = 40) -> list[LabelRecord]:
    """`count` product labels, each with a description of about 60 words (a prefix of several thousand tokens)."""
    labels = []
    for index in range(count):
        area = AREAS[index % len(AREAS)]
        text = " ".join(
            f"{area} component {index} handles step {step} of the {area} workflow for customers" for step in range(6)
        )
        labels.append(LabelRecord(name=f"product::{area}-{index}", description=text))
    return labels


def labelled_issue(number: int, labels: list[str], text: str, org: str = "acme", repo: str = "app") -> IssueRecord:
    when = datetime(2026, 3, 1, tzinfo=UTC)
    return IssueRecord(
        org=org,
        repo=repo,
        number=number,
        title=f"{text} (#{number})",
        body=f"{text}. Steps to reproduce follow.",
        state="open",
        author="reporter",
        labels=[LabelRecord(name=name) for name in labels],
        created_at=when,
        updated_at=when,
        comments=[CommentRecord(author="dev", body=f"Looked at {text.lower()}", created_at=when)],
    )


def seed_big(store: Store, count: int, org: str = "acme", repo: str = "app") -> list[LabelRecord]:
    taxonomy = big_taxonomy()
    issues = [
        labelled_issue(n, [], f"The {AREAS[n % len(AREAS)]} fails with error {n}", org, repo)
        for n in range(1, count + 1)
    ]
    store.issues.upsert_issues(issues)
    store.issues.replace_repo_labels(org, repo, taxonomy)
    return taxonomy
