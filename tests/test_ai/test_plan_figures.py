"""A dry-run plan's figures are the plain computation's: every request built on its own, its line written whole,
its prompt counted whole (the first EXACT_SAMPLE) or scaled, and the lines cut by the one splitter. Planning
shares what requests have in common and streams the store, and none of that may change a figure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from github_issue_analysis.ai.batch.batch_splitter import BatchSplitter
from github_issue_analysis.ai.batch.request_lines import custom_id_for
from github_issue_analysis.ai.processors.product_labeling import label_set_from_repo, model_request
from github_issue_analysis.ai.providers.openai_provider import OpenAIProvider
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.records import CommentRecord, IssueRecord, LabelRecord
from github_issue_analysis.storage.store import Store
from tests.test_ai.conftest import PRODUCT_LABELS, TOPICS, Sandbox, dry_run_plan
from tests.test_tokenizer import plain_estimates

MODEL = "gpt-4o-mini"
SAMPLE = 12
MAX_BYTES = 9_000  # a few requests per batch file: the byte limit cuts batches, so every line's size shows


def varied_issue(number: int, repo: str) -> IssueRecord:
    when = datetime(2026, 3, 1, tzinfo=UTC)
    topic = TOPICS[number % len(TOPICS)]
    body = f"{topic}. — “quoted” 日本語 👍 line\u2028separator. " * (1 + number % 5) if number % 4 else ""
    return IssueRecord(
        org="acme",
        repo=repo,
        number=number,
        title=f"{topic} (#{number})",
        body=body,
        state="open",
        author="reporter",
        labels=[LabelRecord(name="bug"), *([LabelRecord(name="product::kots")] if number % 3 == 0 else [])],
        created_at=when,
        updated_at=when,
        comments=[CommentRecord(author=f"dev{i}", body=f"Seen {i}: {topic.lower()}") for i in range(number % 4)],
    )


def plain_plan(store: Store, batch_size: int) -> list[tuple[int, int]]:
    issues = store.issues.select_issues(IssueSelection("acme"))
    requests = [
        model_request(i, label_set_from_repo(store.issues.repo_labels(i.org, i.repo), "product::"), MODEL)
        for i in issues
    ]
    provider = OpenAIProvider(api_key=None)
    lines = [len(provider.request_line(custom_id_for(i.id), r)) for i, r in zip(issues, requests, strict=True)]
    plan = BatchSplitter(batch_size, max_bytes=MAX_BYTES).create_split_plan(lines, plain_estimates(requests, SAMPLE))
    return [(b.issue_count, b.estimated_tokens) for b in plan.batches]


def test_a_dry_run_plan_is_the_plain_computation(
    sandbox: Sandbox, seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from github_issue_analysis.ai.batch import token_estimate

    monkeypatch.setattr(token_estimate, "EXACT_SAMPLE", SAMPLE)
    monkeypatch.setenv("GH_ANALYSIS_OPENAI_MAX_BYTES_PER_BATCH", str(MAX_BYTES))
    for repo, described in (("app", PRODUCT_LABELS), ("docs", [*PRODUCT_LABELS[:2], LabelRecord(name="product::x")])):
        seeded.issues.upsert_issues([varied_issue(n, repo) for n in range(1, 41)])
        seeded.issues.replace_repo_labels("acme", repo, described)
    plan = dry_run_plan("--model", f"openai:{MODEL}", "--batch-size", "9", "--reprocess")
    shown = [(b["issue_count"], b["estimated_tokens"]) for b in plan["plan"]["batches"]]
    expected = plain_plan(seeded, 9)
    assert shown == expected
    assert max(count for count, _ in shown) < 9 and len(shown) > 10  # the byte limit cut the batches
    assert plan["estimated_prompt_tokens"] == sum(tokens for _, tokens in expected)
