"""The submit phase of a triage step: what to send (the calibration sample when the setup has no fresh one;
the issues that are new, or whose content changed since they were last sent, and are not in flight), within
the spend caps (newest issues first; the rest deferred), each as one decision. The batch service measures,
prices and plans within the caps (ai/batch/budget.py); the step records and sends (triage.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from github_issue_analysis.ai.batch.batch_service import BatchService
from github_issue_analysis.ai.batch.budget import BudgetedPlan
from github_issue_analysis.ai.batch.planner import PlannedSubmission
from github_issue_analysis.ai.batch.submit_request import SubmitRequest
from github_issue_analysis.errors import NothingToSubmit
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


@dataclass(frozen=True)
class SubmitDecision:
    """One group the step sends (a dry run or an unconfirmed step: would send): the plan of the issues chosen
    within the spend caps, how many the caps defer, the estimate, what each chosen issue is sent with; `skip`
    says why nothing is sent when that is worth reporting."""

    purpose: str  # CALIBRATION | BACKLOG
    planned: PlannedSubmission | None  # None: nothing to send
    deferred: int  # issues the spend caps hold back
    estimated_usd: float  # the chosen issues' estimate at batch prices (the plan's own)
    left_usd: float | None  # what the caps leave once the chosen issues are spent (None: no cap)
    fingerprints: dict[int, str] = field(default_factory=dict)  # of the chosen issues' content
    skip: str | None = None

    @property
    def chosen(self) -> list[int]:
        return list(self.planned.issue_ids) if self.planned else []

    @classmethod
    def of(cls, purpose: str, budgeted: BudgetedPlan, fingerprints: dict[int, str]) -> SubmitDecision:
        return cls(
            purpose,
            budgeted.planned,
            len(budgeted.deferred),
            budgeted.estimated_usd,
            budgeted.left_usd,
            {i: fingerprints[i] for i in budgeted.chosen},
        )


class SubmitChooser:
    def __init__(self, store: Store, batches: BatchService, config: TriageConfig, request: SubmitRequest) -> None:
        self.store, self.batches, self.config = store, batches, config
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

    def calibration(self, budget_usd: float | None) -> SubmitDecision:
        """The calibration sample, whole within the caps or not at all."""
        request = replace(self.request, sample=self.config.calibration_sample, seed=None)
        try:
            budgeted = self.batches.plan_within(request, None, budget_usd)
        except NothingToSubmit:
            return SubmitDecision(CALIBRATION, None, 0, 0.0, budget_usd, skip="no issue people labelled to sample")
        if budgeted.planned is None:
            why = f"the sample's estimate ${budgeted.deferred_usd:.2f} exceeds what the spend caps leave"
            return SubmitDecision(CALIBRATION, None, 0, 0.0, budget_usd, skip=why)
        sample = self.store.issues.issues_by_id(budgeted.chosen)
        return SubmitDecision.of(CALIBRATION, budgeted, {i.id: content_fingerprint(i) for i in sample})

    # -- new or changed --------------------------------------------------------------------------------
    def backlog(
        self, repos: tuple[str, ...], exclude: set[int], budget_usd: float | None, dry_run: bool
    ) -> SubmitDecision:
        """What is new or changed (not `exclude`: the sample sent beside it), the newest first within the caps.
        Issues answered before triage ran are recorded as sent (not in a dry run)."""
        found = self.candidates(repos, exclude, dry_run)
        if found.adopted and not dry_run:
            self.store.triage.record_sent(found.adopted, None)
        if not found.issue_ids:
            return SubmitDecision(BACKLOG, None, 0, 0.0, budget_usd)
        budgeted = self.batches.plan_within(self.request, found.issue_ids, budget_usd)
        return SubmitDecision.of(BACKLOG, budgeted, found.fingerprints)

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
        accepted = self.store.generation.accepted()  # docs/state.md: a store a person accepted
        prefix = self.config.label_prefix
        for issue in sorted(issues, key=lambda i: (-i.number, i.repo)):
            if issue.id in in_flight or issue.id in exclude:
                continue
            now = content_fingerprint(issue)
            labelled = accepted and any(label.startswith(prefix) for label in issue.labels)
            if issue.id not in sent and (issue.id in answered or labelled):
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
    def budget(self, now: datetime) -> float | None:
        """USD this step may still spend: the step's cap and what the day's cap leaves (None: no cap)."""
        caps = [self.config.max_usd_per_step] if self.config.max_usd_per_step is not None else []
        if self.config.max_usd_per_day is not None:
            midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
            spent = self.store.triage.estimated_since(self.request.selection.org, midnight)
            caps.append(max(0.0, self.config.max_usd_per_day - spent))
        return min(caps) if caps else None
