"""The submit phase of a triage step: what to send (the calibration sample when the setup has no fresh one;
the issues that are new, or whose content changed since they were last sent, and are not in flight), within
the spend caps (newest issues first; the rest deferred), recorded before anything is sent."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from github_issue_analysis.ai.batch.planner import prepared
from github_issue_analysis.ai.batch.request import SubmitRequest, resolved
from github_issue_analysis.ai.batch.requests import RequestBuilder
from github_issue_analysis.ai.providers.pricing import ESTIMATED_OUTPUT_TOKENS_PER_ISSUE, price_for
from github_issue_analysis.ai.registry import create_provider
from github_issue_analysis.config import Settings
from github_issue_analysis.errors import OperationFailed
from github_issue_analysis.evaluation.gate import matching_evaluation
from github_issue_analysis.storage.store import Store
from github_issue_analysis.storage.timeutil import as_utc

from .triage_config import TriageConfig
from .triage_content import content_fingerprint

CALIBRATION, BACKLOG = "calibration", "backlog"


@dataclass
class Candidates:
    """Issues to send (newest first) with their content fingerprints, and issues adopted as already sent
    (they have a current result from before triage ran, or from a group whose record a crash cut short)."""

    issue_ids: list[int] = field(default_factory=list)
    fingerprints: dict[int, str] = field(default_factory=dict)
    adopted: dict[int, str] = field(default_factory=dict)


@dataclass
class Budget:
    """USD this step may still spend (None: no cap)."""

    remaining: float | None

    def fits(self, cost: float) -> bool:
        return self.remaining is None or round(cost, 10) <= round(self.remaining, 10)

    def spend(self, cost: float) -> None:
        if self.remaining is not None:
            self.remaining -= cost


class SubmitChooser:
    def __init__(self, store: Store, settings: Settings, config: TriageConfig, request: SubmitRequest) -> None:
        self.store, self.settings, self.config = store, settings, config
        self.request = request  # resolved: model chosen, blind

    # -- calibration -----------------------------------------------------------------------------------
    def calibration_due(self, fingerprint: str, now: datetime) -> bool:
        """No calibration sample of this setup sent, and no matching blind evaluation's group created, within
        `recalibrate_days`."""
        since = now - timedelta(days=self.config.recalibrate_days)
        org = self.request.selection.org
        if any(
            s.purpose == CALIBRATION and s.created_at >= since
            for s in self.store.triage.setups(org=org, fingerprint=fingerprint)
        ):
            return False
        evaluated = matching_evaluation(self.store, org, fingerprint)
        group = self.store.jobs.group(evaluated) if evaluated else None
        created = as_utc(group.created_at) if group is not None else None
        return created is None or created < since

    def calibration_request(self) -> SubmitRequest:
        return replace(self.request, sample=self.config.calibration_sample, seed=None)

    # -- new or changed --------------------------------------------------------------------------------
    def candidates(self, repos: tuple[str, ...], exclude: set[int], dry_run: bool = False) -> Candidates:
        """Issues collected since they were last looked at, compared by content with what was last sent."""
        found = Candidates()
        org, states = self.request.selection.org, self.config.states
        ids = [i for repo in (repos or (None,)) for i in self.store.triage.unseen_issue_ids(org, repo, states)]
        issues = self.store.issues.issues_by_id(ids)
        sent = self.store.triage.sent_fingerprints(ids)
        in_flight = self.store.job_items.issues_in_flight(ids, self.request.processor)
        unsent = [i.id for i in issues if i.id not in sent]
        answered = self.store.results.issues_with_current_result(unsent, self.request.processor)
        unchanged: list[int] = []
        for issue in sorted(issues, key=lambda i: (-i.number, i.repo)):
            if issue.id in in_flight or issue.id in exclude:
                continue
            now = content_fingerprint(issue)
            if issue.id not in sent and issue.id in answered:
                found.adopted[issue.id] = now
            elif sent.get(issue.id) != now:
                found.issue_ids.append(issue.id)
                found.fingerprints[issue.id] = now
            else:
                unchanged.append(issue.id)
        if unchanged and not dry_run:
            self.store.triage.touch(unchanged)
        return found

    # -- spend -----------------------------------------------------------------------------------------
    def budget(self, now: datetime) -> Budget:
        caps = [self.config.max_usd_per_step] if self.config.max_usd_per_step is not None else []
        if self.config.max_usd_per_day is not None:
            midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
            spent = self.store.triage.estimated_since(self.request.selection.org, midnight)
            caps.append(max(0.0, self.config.max_usd_per_day - spent))
        return Budget(min(caps) if caps else None)

    def issue_costs(self, request: SubmitRequest, issue_ids: list[int]) -> dict[int, float]:
        """Estimated USD per issue at batch prices (the plan's estimate is their sum)."""
        request, provider = resolved(request, self.settings.model, lambda name: create_provider(name, self.settings))
        price = price_for(request.model_name)
        if price is None:
            raise OperationFailed(f"no price for {request.model_name}: the spend caps cannot be checked")
        per_item = self.store.pacing.observed_output_tokens_per_item(request.model_name, request.processor)
        output = int(per_item or ESTIMATED_OUTPUT_TOKENS_PER_ISSUE)
        sizes = RequestBuilder(self.store.issues, prepared(self.store, request), provider).measure(issue_ids)
        return {i: price.cost(t, output) for i, t in zip(sizes.issue_ids, sizes.tokens, strict=True)}

    def fitting(self, issue_ids: list[int], costs: dict[int, float], budget: Budget) -> tuple[list[int], int]:
        """The newest issues whose estimates fit the budget, and how many are deferred."""
        chosen: list[int] = []
        total = 0.0
        for issue_id in issue_ids:
            if not budget.fits(total + costs[issue_id]):
                break
            chosen.append(issue_id)
            total += costs[issue_id]
        return chosen, len(issue_ids) - len(chosen)
