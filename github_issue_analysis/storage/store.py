"""The store: one engine, migrated on open, with a store object per concept: ids (what an id names), jobs
(groups and their child jobs), job_items, job_leases, pacing, limits, issues, results, reports, decisions,
label_audit, label_claims, issue_claims, evaluations. Each store's module is imported when the store is first
used, so a command loads only the ones it reads (start-up time). Also: triage (the unattended step's records),
generation (how many paying steps the store has seen), and `checkpoint`: called by every paid or GitHub-writing
send right after its write-ahead record and before the send (job_runner.py before a batch create,
labels/executor.py before label and comment mutations); a no-op unless a triage step keeps its store somewhere
durable (pipeline/triage_state.py pushes the state branch there)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from .database import create_store_engine, migrate
from .issue_store import IssueStore

if TYPE_CHECKING:
    from .claim_store import ClaimStore
    from .decision_store import DecisionStore
    from .evaluation_store import EvaluationStore
    from .generation_store import GenerationStore
    from .id_lookup import IdLookup
    from .issue_claim_store import IssueClaimStore
    from .job_item_store import JobItemStore
    from .job_lease_store import JobLeaseStore
    from .job_store import JobStore
    from .label_audit_store import LabelAuditStore
    from .limit_store import LimitStore
    from .pacing_store import PacingStore
    from .report_store import ReportStore
    from .result_store import ResultStore
    from .triage_store import TriageStore


class Store:
    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.issues = IssueStore(engine)
        self.checkpoint: Callable[[], None] = _nothing_to_keep

    @cached_property
    def ids(self) -> IdLookup:
        from .id_lookup import IdLookup

        return IdLookup(self.engine)

    @cached_property
    def jobs(self) -> JobStore:
        from .job_store import JobStore

        return JobStore(self.engine)

    @cached_property
    def job_items(self) -> JobItemStore:
        from .job_item_store import JobItemStore

        return JobItemStore(self.engine)

    @cached_property
    def job_leases(self) -> JobLeaseStore:
        from .job_lease_store import JobLeaseStore

        return JobLeaseStore(self.engine)

    @cached_property
    def pacing(self) -> PacingStore:
        from .pacing_store import PacingStore

        return PacingStore(self.engine)

    @cached_property
    def limits(self) -> LimitStore:
        from .limit_store import LimitStore

        return LimitStore(self.engine)

    @cached_property
    def results(self) -> ResultStore:
        from .result_store import ResultStore

        return ResultStore(self.engine)

    @cached_property
    def reports(self) -> ReportStore:
        from .report_store import ReportStore

        return ReportStore(self.engine)

    @cached_property
    def decisions(self) -> DecisionStore:
        from .decision_store import DecisionStore

        return DecisionStore(self.engine)

    @cached_property
    def label_audit(self) -> LabelAuditStore:
        from .label_audit_store import LabelAuditStore

        return LabelAuditStore(self.engine)

    @cached_property
    def label_claims(self) -> ClaimStore:
        from .claim_store import ClaimStore

        return ClaimStore(self.engine)

    @cached_property
    def issue_claims(self) -> IssueClaimStore:
        from .issue_claim_store import IssueClaimStore

        return IssueClaimStore(self.engine)

    @cached_property
    def evaluations(self) -> EvaluationStore:
        from .evaluation_store import EvaluationStore

        return EvaluationStore(self.engine)

    @cached_property
    def triage(self) -> TriageStore:
        from .triage_store import TriageStore

        return TriageStore(self.engine)

    @cached_property
    def generation(self) -> GenerationStore:
        from .generation_store import GenerationStore

        return GenerationStore(self.engine)

    @property
    def display_location(self) -> str:
        """The database address without any password."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def sqlite_file(self) -> Path | None:
        """The SQLite database file, or None for in-memory and server databases."""
        url = self.engine.url
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return None
        return Path(url.database)

    def close(self) -> None:
        self.engine.dispose()


def _nothing_to_keep() -> None:
    """The default checkpoint: the store itself is durable (a local file or a database server)."""


def open_store(database_url: str) -> Store:
    engine = create_store_engine(database_url)
    migrate(engine)
    return Store(engine, database_url)
