"""Planning within a budget: the issues the caller ordered (newest first, say) are measured once, priced with
the plan's own estimate (`planner.Estimate`: batch prices, the observed output tokens per answer), and the
longest run of them whose estimate fits what is left to spend is planned; the rest is deferred. A sample is
planned whole or not at all (cutting it would bias what it measures). Recording and sending are the
service's (`BatchService.submit`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from github_issue_analysis.ai.providers.pricing import price_for
from github_issue_analysis.errors import OperationFailed

from .planner import Estimate, NothingToDo, PlannedSubmission, SubmitPlanner
from .request_lines import RequestSizes
from .submit_request import SubmitRequest


@dataclass(frozen=True)
class BudgetedPlan:
    """What fits the budget: the plan of the chosen issues (None when none fit) and what was held back."""

    planned: PlannedSubmission | None
    deferred: list[int]  # issue ids held back by the budget, in the order given
    estimated_usd: float  # the chosen issues' estimate: the plan's own (`planned.estimated_cost()`)
    deferred_usd: float  # the estimate of what was held back (a sample held back whole: the sample's)
    budget_usd: float | None  # what was left to spend (None: no cap)

    @property
    def chosen(self) -> list[int]:
        return list(self.planned.issue_ids) if self.planned else []

    @property
    def left_usd(self) -> float | None:
        """What is left to spend once the chosen issues are (None: no cap)."""
        return None if self.budget_usd is None else self.budget_usd - self.estimated_usd


def fits(cost: float, budget_usd: float | None) -> bool:
    """Within the budget, to the cent and beyond it (float sums of cents compare as the cents do)."""
    return budget_usd is None or round(cost, 10) <= round(budget_usd, 10)


def fitting_count(tokens: Sequence[int], usd: Callable[[int, int], float], budget_usd: float | None) -> int:
    """How many of the first requests fit: the longest run from the start whose estimate `usd(prompt tokens,
    requests)` fits the budget (a later, cheaper request never jumps the queue)."""
    total = 0
    for count, prompt_tokens in enumerate(tokens, start=1):
        total += prompt_tokens
        if not fits(usd(total, count), budget_usd):
            return count - 1
    return len(tokens)


def estimate_for(request: SubmitRequest, output_tokens_per_issue: float) -> Estimate:
    """The request's model priced at batch prices; without a price the budget cannot be held."""
    price = price_for(request.model_name)
    if price is None:
        raise no_price(request)
    return Estimate(price, output_tokens_per_issue)


def no_price(request: SubmitRequest) -> OperationFailed:
    return OperationFailed(f"no price for {request.model_name}: the spend caps cannot be checked")


def newest_within(
    planner: SubmitPlanner, request: SubmitRequest, issue_ids: list[int], budget_usd: float | None
) -> BudgetedPlan:
    """The plan of the first `issue_ids` (in the caller's order) that fit the budget, the rest deferred.
    `request` must be resolved. Each request is measured once: the plan is cut from the same measurements."""
    if not issue_ids:
        raise NothingToDo(0, 0)
    estimate = estimate_for(request, planner.output_tokens_per_issue(request))
    request, sizes = planner.measured(request, issue_ids)
    count = fitting_count(sizes.tokens, estimate.usd, budget_usd)
    deferred = sizes.issue_ids[count:]
    deferred_usd = estimate.usd(sum(sizes.tokens[count:]), len(deferred)) if deferred else 0.0
    if count == 0:
        return BudgetedPlan(None, deferred, 0.0, deferred_usd, budget_usd)
    planned = planner.planned_from(request, _head(sizes, count), estimate.output_tokens_per_issue)
    planned.chosen = True
    return BudgetedPlan(planned, deferred, plan_usd(planned), deferred_usd, budget_usd)


def whole_within(planned: PlannedSubmission, budget_usd: float | None) -> BudgetedPlan:
    """A plan sent whole or not at all (a sample)."""
    usd = plan_usd(planned)
    if fits(usd, budget_usd):
        return BudgetedPlan(planned, [], usd, 0.0, budget_usd)
    return BudgetedPlan(None, list(planned.issue_ids), 0.0, usd, budget_usd)


def plan_usd(planned: PlannedSubmission) -> float:
    usd = planned.estimated_cost()
    if usd is None:
        raise no_price(planned.request)
    return usd


def _head(sizes: RequestSizes, count: int) -> RequestSizes:
    return RequestSizes(sizes.issue_ids[:count], sizes.line_bytes[:count], sizes.tokens[:count])
