"""The labels service as commands, pipelines and the review page call it: synchronous entry points over the
async GitHub work (apply.py, revert.py), each opening the event loop once and closing it, with everything the
work opened (sessions, claims), before it returns."""

from __future__ import annotations

import asyncio

from github_issue_analysis.github_client import GitHubConnection
from github_issue_analysis.storage.store import Store

from .apply import ApplyOptions, ApplyReport, apply_labels, live_plan
from .options import LabelSelection
from .plan import LabelPlan
from .revert import RevertPlan, revert_run
from .session import EventHook


class LabelService:
    def __init__(self, store: Store, connection: GitHubConnection) -> None:
        self.store, self.connection = store, connection

    def live_plan(self, selection: LabelSelection) -> LabelPlan:
        """The plan checked against GitHub as it is now (reads only)."""
        return asyncio.run(live_plan(self.store, self.connection, selection))

    def apply(self, options: ApplyOptions, on_event: EventHook | None = None) -> ApplyReport:
        """Finish the organization's unfinished runs, then apply the plan; LabelsBusy when another process
        writes the organization's labels now."""
        return asyncio.run(apply_labels(self.store, self.connection, options, on_event))

    def revert(
        self, run_id: str, on_event: EventHook | None = None, dry_run: bool = False
    ) -> tuple[RevertPlan, ApplyReport]:
        """Undo an apply run (a dry run: its plan only, nothing sent, no claim taken)."""
        return asyncio.run(revert_run(self.store, self.connection, run_id, on_event, dry_run=dry_run))
