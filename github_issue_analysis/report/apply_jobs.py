"""Apply runs started from the review app: the same service as `labels apply`, in a background thread, with
its progress kept for the page to show. One run per organization at a time."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from github_issue_analysis.config import Settings
from github_issue_analysis.errors import GhAnalysisError
from github_issue_analysis.github_client import GitHubConnection, connect
from github_issue_analysis.labels.options import LabelSelection
from github_issue_analysis.labels.session import ApplyEvent
from github_issue_analysis.storage.store import Store


@dataclass
class ApplyJob:
    id: str
    org: str
    status: str = "running"  # running | done | failed
    done: int = 0
    total: int = 0
    eta_seconds: float | None = None
    message: str = ""
    report: dict[str, Any] | None = None
    error: str | None = None
    events: list[str] = field(default_factory=list)

    def on_event(self, event: ApplyEvent) -> None:
        self.done, self.total, self.eta_seconds = event.done, event.total, event.eta_seconds
        if event.kind == "wait":
            self.message = f"Waiting {event.seconds:.0f} s: {event.message}"


class ApplyJobs:
    def __init__(self, store: Store, settings: Settings) -> None:
        self.store, self.settings = store, settings
        self._jobs: dict[str, ApplyJob] = {}
        self._lock = threading.Lock()

    def start(self, selection: LabelSelection) -> ApplyJob:
        """A new run in the background, or the organization's run that is still going."""
        connection = connect(self.settings)  # no token: refused before anything starts
        with self._lock:
            running = [j for j in self._jobs.values() if j.org == selection.org and j.status == "running"]
            if running:
                return running[0]
            job = ApplyJob("apply_" + uuid.uuid4().hex[:12], selection.org)
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, selection, connection), daemon=True).start()
        return job

    def get(self, job_id: str) -> ApplyJob | None:
        return self._jobs.get(job_id)

    def _run(self, job: ApplyJob, selection: LabelSelection, connection: GitHubConnection) -> None:
        from github_issue_analysis.labels.apply import ApplyOptions
        from github_issue_analysis.labels.label_service import LabelService

        try:
            report = LabelService(self.store, connection).apply(ApplyOptions(selection), job.on_event)
            job.report = report.as_json()
            job.status = "done"
        except GhAnalysisError as error:
            job.error, job.status = str(error), "failed"
        except Exception as error:  # shown on the page as one line; the thread must not die silently
            job.error, job.status = f"unexpected error ({type(error).__name__}): {error}", "failed"
