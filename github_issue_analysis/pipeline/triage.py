"""`gh-analysis triage`: one unattended step, safe to run every hour. It holds a claim on the organization for the
whole step, then: learn what the token may write in each repository (triage_reach.py; from the collection's own
listing when it reads one) -> collect incrementally -> refresh the groups earlier steps left in flight and collect
what finished (no waiting) -> decide what people kept of the labels applied -> gate each label by its measured
precision and kept rate -> apply what passes (the `labels apply` machinery; a read-only repository's labels stay
suggestions) -> submit one group for what is new or changed (and the calibration sample when the setup has none) ->
report. A failing phase (any exception but an interrupt) is reported and the rest still run. A dry run reads only:
it sends nothing and writes nothing to the store."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from github_issue_analysis.ai.batch.batch_service import BatchService
from github_issue_analysis.ai.batch.budget import plan_usd
from github_issue_analysis.ai.batch.planner import PlannedSubmission
from github_issue_analysis.ai.batch.submit_request import SubmitRequest
from github_issue_analysis.ai.batch.watcher import WatchOptions
from github_issue_analysis.config import Settings
from github_issue_analysis.domain.groups import BatchGroup, GroupState, summarize
from github_issue_analysis.errors import GhAnalysisError, NothingToSubmit
from github_issue_analysis.evaluation.evaluation_errors import NothingToScore
from github_issue_analysis.evaluation.evaluation_service import EvalOptions, evaluate
from github_issue_analysis.evaluation.gate import Gate, build_gate, matching_evaluation
from github_issue_analysis.evaluation.setup import fingerprint, setup_of
from github_issue_analysis.github_client import (
    CollectionService,
    GitHubError,
    GitHubTokenMissing,
    connect,
    read_permissions,
)
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.owners import process_owner
from github_issue_analysis.storage.store import Store
from github_issue_analysis.storage.triage_store import GroupSetup

from .triage_apply import apply_gated, suggestions
from .triage_kept import decide_kept
from .triage_options import TriageConfirm, TriageOptions
from .triage_reach import Reach
from .triage_report import TriageReport, unexpected
from .triage_submit import CALIBRATION, SubmitChooser, SubmitDecision

CLAIM_TTL = timedelta(minutes=30)
UNFINISHED = (GroupState.PENDING, GroupState.PROCESSING)


class TriageStep:
    def __init__(self, store: Store, settings: Settings, options: TriageOptions, confirm: TriageConfirm) -> None:
        self.store, self.settings, self.options, self.confirm = store, settings, options, confirm
        self.config = options.config
        self.batches = BatchService(store, settings)
        self.report = TriageReport(options.org, options.dry_run)
        repo = options.repos[0] if len(options.repos) == 1 else None
        request = SubmitRequest(
            processor=self.config.processor,
            selection=IssueSelection(options.org, repo),
            model=options.model or self.config.model,
            label_prefix=self.config.label_prefix,
            blind=True,  # every triage answer is blind, so the backlog and the calibration share one setup
        )
        self.request = request.with_model(settings.model)
        self.chooser = SubmitChooser(store, self.batches, self.config, self.request)
        self.owner = process_owner()
        self.claim_key = f"triage:{options.org}"
        self.reach = Reach()
        self.reach_known = False

    # -- the step --------------------------------------------------------------------------------------
    def run(self) -> TriageReport:
        if not self.options.dry_run and not self._claim():
            return self.report
        try:
            with self.batches.session():  # one event loop for the step: each provider built once
                self._phases()
                if self.options.wait and not self.options.dry_run:
                    self._phase("wait", self._wait)
                    self._phases(collect=False, submit=False)
        finally:
            if not self.options.dry_run:
                self.store.label_claims.release(self.claim_key, self.owner)
            self.report.skipped_repositories = self.reach.skipped(self.options.org)
        return self.report

    def _phases(self, collect: bool = True, submit: bool = True) -> None:
        self.batches.require_key(self.request.provider_name)
        if not self.reach_known and (self.options.repos or self.options.dry_run):
            self._phase("reach", self._learn_reach)
        if collect:
            self._phase("collect", self._collect)
        self._phase("refresh", self._refresh)
        self._phase("kept", self._kept)
        gate = self._phase("gate", self._gate)
        if gate is not None:
            self._phase("apply", lambda: self._apply(gate))
        if submit:
            self._phase("submit", self._submit)

    def _phase(self, name: str, work: Callable[[], object]) -> Gate | None:
        try:
            if not self.options.dry_run:
                self._renew()
            found = work()
            return found if isinstance(found, Gate) else None
        except GhAnalysisError as error:
            self.report.fail(name, error)
        except Exception as error:  # a bug or a surprise in one phase: reported, and the rest of the step runs
            if isinstance(error, self.confirm.stops):
                raise
            self.report.fail(name, unexpected(error))
            if self.settings.debug:
                traceback.print_exception(error, file=sys.stderr)
        return None

    # -- phases ----------------------------------------------------------------------------------------
    def _collect(self) -> None:
        if self.options.dry_run:
            self.report.skip("collect", "a dry run writes nothing to the store: it plans from what the store holds")
            return
        collection = CollectionService(self.store.issues, connect(self.settings))
        targets: tuple[str | None, ...] = self.reach.visible(self.options.repos) if self.options.repos else (None,)
        for repo in targets:
            found = collection.collect_org(self.options.org, repo)
            self.report.collected["issues"] += found.issues
            self.report.collected["requests"] += found.requests
            if found.listed is not None and not self.reach_known:  # the listing said it: no request of its own
                self.reach, self.reach_known = Reach.of(found.listed), True

    def _learn_reach(self) -> None:
        """`viewerPermission` of the repositories asked for (one request), or of the organization's listing
        when the collection will not read it (a dry run)."""
        try:
            connection = connect(self.settings)
        except GitHubTokenMissing:
            if not self.options.dry_run:
                raise
            self.report.skip("reach", "no GitHub token: what it may read and write was not checked")
            return
        try:
            permissions = read_permissions(connection, self.options.org, self.options.repos)
        except GitHubError as error:
            if not self.options.dry_run:
                raise
            self.report.skip("reach", f"not checked ({error})")  # a dry run still plans from the store
            return
        self.reach, self.reach_known = Reach.of(permissions, self.options.repos), True

    def _refresh(self) -> None:
        """Every group earlier steps left in flight: send what a crash left unsent, then refresh them all
        together (one walk of the provider's list pages) and collect what finished."""
        in_flight = []
        for group, children in self.store.jobs.groups():
            if group.selection.get("org") != self.options.org:
                continue
            uncollected = any(c.collected_at is None and c.status.has_output and not c.superseded for c in children)
            if summarize(group, children).status in UNFINISHED or uncollected:
                in_flight.append(group.group_id)
        if not self.options.dry_run:
            for group_id in in_flight:
                if self.batches.unsent(group_id):
                    self.batches.resume(group_id, self.request.concurrency)
            collected = self.batches.collect_groups(in_flight)
            self.report.results_collected += sum(report.collected for report in collected)
        for group_id in in_flight:
            status = self.batches.group_status(group_id, refresh=False)
            self.report.refreshed.append({"group_id": group_id, "status": status.status.value})

    def _kept(self) -> None:
        counts = decide_kept(
            self.store, self.options.org, self.options.now(), self.config.kept_after_days, not self.options.dry_run
        )
        self.report.kept_decided = counts

    def _gate(self) -> Gate:
        setup_fp = self._setup_fingerprint()
        self._score_calibration(setup_fp)
        group = matching_evaluation(self.store, self.options.org, setup_fp)
        labels = [name for name, _ in setup_of(self.store, self.request)["labels"]]
        gate = build_gate(self.store, self.options.org, group, labels, self.config.policy())
        self.report.evaluation_group = group
        self.report.gate = [g.as_dict() for g in gate.labels]
        self.report.demoted = gate.demoted
        return gate

    def _apply(self, gate: Gate) -> None:
        self.report.suggested = suggestions(self.store, self.options, gate, self.reach)
        if not gate.thresholds():
            return
        confirm = self.confirm.apply
        self.report.applied = apply_gated(self.store, self.settings, self.options, gate, confirm, self.reach)
        if self.reach.refused:  # what GitHub refused stays a suggestion
            self.report.suggested = suggestions(self.store, self.options, gate, self.reach)

    def _submit(self) -> None:
        setup_fp = self._setup_fingerprint()
        budget = self.chooser.budget(self.options.now())
        sample: list[int] = []
        if self.chooser.calibration_due(setup_fp, self.options.now()):
            calibration = self.chooser.calibration(budget)
            budget, sample = calibration.left_usd, calibration.chosen
            if calibration.skip:
                self.report.skip("calibration", calibration.skip)
            elif sent := self._send(calibration, setup_fp):
                self.report.calibration = {"group_id": sent["group_id"], "status": "submitted"}
        backlog = self.chooser.backlog(self.options.repos, set(sample), budget, self.options.dry_run)
        self.report.deferred_by_cap = backlog.deferred
        if backlog.planned is not None:
            self.report.submitted = self._send(backlog, setup_fp)

    # -- helpers ---------------------------------------------------------------------------------------
    def _setup_fingerprint(self) -> str:
        return fingerprint(setup_of(self.store, self.request))

    def _score_calibration(self, setup_fp: str) -> None:
        """Evaluate this setup's newest finished calibration sample once its results are in."""
        for setup in self.store.triage.setups(org=self.options.org, fingerprint=setup_fp):
            if setup.purpose != CALIBRATION:
                continue
            status = self.batches.group_status(setup.group_id, refresh=False)
            if status.status in UNFINISHED:
                self.report.calibration = {"group_id": setup.group_id, "status": status.status.value}
                continue
            self.report.calibration = {"group_id": setup.group_id, "status": "scored"}
            if self.store.evaluations.latest(setup.group_id) is None and not self.options.dry_run:
                try:
                    options = EvalOptions(target_precision=self.config.target_precision)
                    evaluate(self.store, [setup.group_id], options)
                except NothingToScore as error:
                    self.report.calibration["status"] = "unscorable"
                    self.report.fail("gate", error)
            return

    def _send(self, decision: SubmitDecision, setup_fp: str) -> dict[str, Any] | None:
        """Record the group, then its setup and what each issue was sent with, then send (nothing in a dry run
        or unconfirmed: the group id stays None). None when another run took every issue meanwhile."""
        planned = decision.planned
        assert planned is not None
        sent: dict[str, Any] = {"group_id": None, "issues": len(planned.issue_ids)}
        sent["estimated_usd"] = round(decision.estimated_usd, 6)
        if self.options.dry_run:
            return sent
        if not self.confirm.submit(planned.plan.total_issues, decision.estimated_usd):
            self.report.skip("submit", "not confirmed")
            return sent

        def record(recorded: PlannedSubmission, group: BatchGroup) -> None:
            usd, setup = plan_usd(recorded), setup_of(self.store, self.request)
            self.store.triage.save_setup(
                GroupSetup(group.group_id, self.options.org, setup_fp, setup, decision.purpose, usd, self.options.now())
            )
            self.store.triage.record_sent({i: decision.fingerprints[i] for i in recorded.issue_ids}, group.group_id)
            sent.update(group_id=group.group_id, issues=len(recorded.issue_ids), estimated_usd=round(usd, 6))
            self._renew()

        try:
            self.batches.submit(planned, before_send=record)
        except NothingToSubmit:
            self.report.skip(decision.purpose, "another run holds these issues")
            return None
        return sent

    def _wait(self) -> None:
        for entry in self.report.refreshed + ([self.report.submitted] if self.report.submitted else []):
            group_id = entry.get("group_id")
            if group_id:
                self.batches.watch(group_id, WatchOptions(poll_seconds=self.options.poll_seconds), 4, lambda _: None)
        if self.report.calibration and self.report.calibration.get("group_id"):
            watch = WatchOptions(poll_seconds=self.options.poll_seconds)
            self.batches.watch(self.report.calibration["group_id"], watch, 4, lambda _: None)

    def _claim(self) -> bool:
        step = "step_" + self.owner.replace(":", "_")[-20:]
        taken, holder = self.store.label_claims.claim(self.claim_key, self.owner, "triage", CLAIM_TTL, step)
        if not taken:
            self.report.held_by = f"{holder.kind or 'triage'} step of process {holder.owner}"
        return taken

    def _renew(self) -> None:
        if not self.store.label_claims.renew(self.claim_key, self.owner, CLAIM_TTL):
            from github_issue_analysis.labels.claim import ClaimLost

            raise ClaimLost(self.options.org)
