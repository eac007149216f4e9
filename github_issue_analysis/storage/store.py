"""The store: one engine, migrated on open, with a store object per concept."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine

from .batch_store import BatchStore
from .database import create_store_engine, migrate
from .decision_store import DecisionStore
from .evaluation_store import EvaluationStore
from .issue_store import IssueStore
from .label_audit_store import LabelAuditStore
from .limit_store import LimitStore
from .report_store import ReportStore
from .result_store import ResultStore


class Store:
    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.issues = IssueStore(engine)

    @cached_property
    def batches(self) -> BatchStore:
        return BatchStore(self.engine)

    @cached_property
    def limits(self) -> LimitStore:
        return LimitStore(self.engine)

    @cached_property
    def results(self) -> ResultStore:
        return ResultStore(self.engine)

    @cached_property
    def reports(self) -> ReportStore:
        return ReportStore(self.engine)

    @cached_property
    def decisions(self) -> DecisionStore:
        return DecisionStore(self.engine)

    @cached_property
    def label_audit(self) -> LabelAuditStore:
        return LabelAuditStore(self.engine)

    @cached_property
    def evaluations(self) -> EvaluationStore:
        return EvaluationStore(self.engine)

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


def open_store(database_url: str) -> Store:
    engine = create_store_engine(database_url)
    migrate(engine)
    return Store(engine, database_url)
