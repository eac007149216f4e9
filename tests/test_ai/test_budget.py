"""Planning within a budget (ai/batch/budget.py) and the service's one path from it to the provider: the newest
issues that fit (the choice is pure logic), their estimate the plan's own, each request read and measured
once, the group recorded under the submit claim and the caller's records written before anything is sent;
each provider built once in a session, and never reused once its loop closed it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

from github_issue_analysis.ai.batch.batch_service import BatchService
from github_issue_analysis.ai.batch.budget import BudgetedPlan, fits, fitting_count
from github_issue_analysis.ai.batch.planner import Estimate, PlannedSubmission
from github_issue_analysis.ai.batch.submit_request import SubmitRequest
from github_issue_analysis.ai.providers.base import BatchProvider
from github_issue_analysis.ai.providers.pricing import Price
from github_issue_analysis.ai.registry import create_provider
from github_issue_analysis.config import get_settings
from github_issue_analysis.domain.groups import BatchGroup
from github_issue_analysis.domain.jobs import JobStatus
from github_issue_analysis.errors import OperationFailed
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.records import LabelRecord
from github_issue_analysis.storage.store import Store
from tests.test_ai.conftest import Sandbox, issue, seed

QUARTER = Estimate(Price(0.0, 1000.0), 250).usd  # each request $0.25, whatever its prompt
REQUEST = SubmitRequest("product-labeling", IssueSelection("acme"))


# -- the choice (pure) -------------------------------------------------------------------------------------
def test_the_first_requests_that_fit_are_chosen_to_the_cent() -> None:
    assert fitting_count([10] * 10, QUARTER, 0.99) == 3
    assert fitting_count([10] * 10, QUARTER, 1.00) == 4  # exactly the budget fits
    assert fitting_count([10] * 10, QUARTER, 0.0) == 0
    assert fitting_count([10] * 10, QUARTER, None) == 10  # no cap


def test_a_later_cheaper_request_never_jumps_the_queue() -> None:
    by_tokens = Estimate(Price(1_000_000.0, 0.0), 0).usd  # $1 a prompt token
    assert fitting_count([1, 5, 1, 1], by_tokens, 3.0) == 1


def test_float_sums_of_cents_compare_as_the_cents_do() -> None:
    assert 0.1 + 0.2 > 0.3 and fits(0.1 + 0.2, 0.3)
    assert not fits(0.31, 0.3)


def test_the_chosen_estimate_is_the_one_formula_a_plan_uses() -> None:
    fractional = Estimate(Price(2.0, 1000.0), 250.7)
    tokens = [100, 300, 250]
    total = fractional.usd(sum(tokens), len(tokens))
    assert fitting_count(tokens, fractional.usd, total) == 3
    assert fitting_count(tokens, fractional.usd, total - 1e-6) == 2
    left = BudgetedPlan(None, [], 0.25, 0.0, 1.0).left_usd
    assert left == 0.75 and BudgetedPlan(None, [], 0.25, 0.0, None).left_usd is None


# -- through the service -----------------------------------------------------------------------------------
@pytest.fixture
def quarter_dollar_issues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Input free, output priced so that each issue's estimate (250 output tokens) is exactly $0.25."""
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"gpt-4o-mini": {"input": 0.0, "output": 1000.0}}), encoding="utf-8")
    monkeypatch.setenv("GH_ANALYSIS_PRICES_FILE", str(prices))
    get_settings.cache_clear()


@pytest.fixture
def comment_reads(seeded: Store) -> Iterator[list[str]]:
    """Every read of issues' comments (what loading whole issues, to build their requests, takes)."""
    reads: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "FROM comments" in statement:
            reads.append(statement)

    event.listen(seeded.engine, "before_cursor_execute", seen)
    yield reads
    event.remove(seeded.engine, "before_cursor_execute", seen)


def _newest_first(store: Store) -> list[int]:
    return list(reversed(store.issues.select_issue_ids(IssueSelection("acme"))))


@pytest.mark.usefixtures("sandbox", "quarter_dollar_issues")
def test_the_newest_issues_that_fit_are_planned_and_measured_once(seeded: Store, comment_reads: list[str]) -> None:
    seed(seeded, 10)
    ids = _newest_first(seeded)
    service = BatchService(seeded, get_settings())
    budgeted = service.plan_within(REQUEST, ids, 0.99)
    assert budgeted.chosen == ids[:3] and budgeted.deferred == ids[3:]
    assert budgeted.planned is not None
    assert budgeted.estimated_usd == budgeted.planned.estimated_cost() == 0.75
    assert budgeted.deferred_usd == 1.75 and budgeted.left_usd == pytest.approx(0.24)
    assert len(comment_reads) == 1  # the ten issues read once: their requests measured once, the plan cut from it
    service.plan(REQUEST)
    assert len(comment_reads) == 2  # (each measuring reads them: a second one would show)


@pytest.mark.usefixtures("sandbox", "quarter_dollar_issues")
def test_a_sample_is_planned_whole_or_not_at_all(seeded: Store) -> None:
    labelled = [LabelRecord(name="product::kots")]
    seed(seeded, 8)
    seeded.issues.upsert_issues([issue(n).model_copy(update={"labels": labelled}) for n in range(1, 9)])
    sample = SubmitRequest("product-labeling", IssueSelection("acme"), sample=4)
    service = BatchService(seeded, get_settings())
    held = service.plan_within(sample, None, 0.99)
    assert (held.planned, len(held.deferred), held.deferred_usd, held.left_usd) == (None, 4, 1.00, 0.99)
    whole = service.plan_within(sample, None, 1.00)
    assert len(whole.chosen) == 4 and whole.estimated_usd == 1.00 and whole.left_usd == 0.0


@pytest.mark.usefixtures("sandbox")
def test_a_model_without_a_price_cannot_be_held_to_a_budget(seeded: Store) -> None:
    seed(seeded, 2)
    unpriced = SubmitRequest("product-labeling", IssueSelection("acme"), model="openai:no-such-model")
    with pytest.raises(OperationFailed, match="no price for no-such-model: the spend caps cannot be checked"):
        BatchService(seeded, get_settings()).plan_within(unpriced, _newest_first(seeded), None)


def test_chosen_issues_are_sent_answered_or_not_but_never_what_another_run_holds(
    sandbox: Sandbox, seeded: Store
) -> None:
    seed(seeded, 4)
    service = BatchService(seeded, get_settings())
    first = service.submit(service.plan(REQUEST))
    sandbox.finish_all()
    service.collect_group(first.group.group_id)
    ids = _newest_first(seeded)
    assert seeded.results.issues_with_current_result(ids, REQUEST.processor) == set(ids)
    held = seeded.issue_claims.take(ids[:1], REQUEST.processor, "elsewhere:4242", "other-run", timedelta(minutes=5))
    assert held == set()
    budgeted = service.plan_within(REQUEST, ids, None)
    assert budgeted.planned is not None
    seen: list[tuple[list[int], int]] = []

    def before_send(recorded: PlannedSubmission, group: BatchGroup) -> None:
        assert seeded.jobs.group(group.group_id) is not None  # recorded first ...
        seen.append((list(recorded.issue_ids), sandbox.batches()))  # ... and nothing sent yet

    result = service.submit(budgeted.planned, before_send=before_send)
    assert seen == [(ids[1:], 1)]  # the answered issues kept; the one another run holds left out
    assert sandbox.batches() == 2 and result.group.total_issues == 3


def _counting_builds(store: Store) -> tuple[BatchService, list[BatchProvider]]:
    """A service over the real providers that keeps every provider it builds."""
    built: list[BatchProvider] = []

    def factory(name: str) -> BatchProvider:
        built.append(create_provider(name, get_settings()))
        return built[-1]

    return BatchService(store, get_settings(), factory), built


def test_a_session_builds_each_provider_once(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    service, built = _counting_builds(seeded)
    with service.session():
        service.require_key("openai")
        budgeted = service.plan_within(REQUEST, _newest_first(seeded), None)
        assert budgeted.planned is not None
        group_id = service.submit(budgeted.planned).group.group_id
        sandbox.finish_all()
        service.group_status(group_id)
        service.collect_group(group_id)
    assert len(built) == 1
    assert (
        sandbox.batches() == 1
        and len(seeded.results.issues_with_current_result(budgeted.chosen, "product-labeling")) == 3
    )


def test_outside_a_session_a_provider_closed_with_its_loop_is_built_anew(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    service, built = _counting_builds(seeded)
    planned = service.plan(REQUEST)
    group_id = service.submit(planned).group.group_id  # the plan's provider sends, then closes with its loop
    sandbox.finish_all()
    assert service.group_status(group_id).status.value == "completed"  # a fresh client, not the closed one
    assert len(built) == 2


def test_a_child_another_process_holds_is_not_this_runs_problem(sandbox: Sandbox, seeded: Store) -> None:
    """Two resumes of one group: the child the other process took is its work, not a failure here (issue 30)."""
    seed(seeded, 5)
    service = BatchService(seeded, get_settings())
    planned = service.plan(replace(REQUEST, batch_size=3))
    taken: list[str] = []

    def other_process_takes_the_first_child(_planned: PlannedSubmission, group: BatchGroup) -> None:
        first = seeded.jobs.jobs(group.group_id)[0]
        assert seeded.job_leases.claim_job(first.job_id, "another-process", [JobStatus.QUEUED]) is not None
        taken.append(first.job_id)

    result = service.submit(planned, before_send=other_process_takes_the_first_child)
    assert result.problems == []
    assert sandbox.batches() == 1  # the other child was sent; the held one is left to its holder
    assert seeded.jobs.job(taken[0]).provider_batch_id is None  # type: ignore[union-attr]
