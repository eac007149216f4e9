"""Evaluations: what a group answered beside the labels people gave (read), and each evaluation's figures."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine, func, insert, select

from github_issue_analysis.domain.usage import TokenUsage

from .people_labels import by_people, tool_added
from .schema import batch_groups, batch_jobs, evaluations, issues, results
from .timeutil import as_utc, utcnow


@dataclass(frozen=True)
class GroupAnswer:
    """A group's newest answer for one issue, with the labels people gave the issue (not those this tool
    applied)."""

    issue_id: int
    org: str
    repo: str
    number: int
    labels: list[str]
    analysis: dict[str, Any]


@dataclass(frozen=True)
class NewEvaluation:
    group_id: str
    model: str
    blind: bool
    min_confidence: float
    target_precision: float | None
    threshold: float | None
    issues_scored: int
    micro_f1: float | None
    figures: dict[str, Any]


class EvaluationStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def group_answers(self, group_id: str) -> list[GroupAnswer]:
        """Every issue the group answered (current or not: a later run does not erase what this one said),
        the newest answer per issue, in (org, repo, number) order."""
        query = (
            select(issues.c.id, issues.c.org, issues.c.repo, issues.c.number, issues.c.labels, results.c.analysis)
            .join(issues, issues.c.id == results.c.issue_id)
            .where(results.c.group_id == group_id)
            .order_by(issues.c.org, issues.c.repo, issues.c.number, results.c.created_at, results.c.id)
        )
        newest: dict[int, GroupAnswer] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                names = [label["name"] for label in row.labels]
                newest[row.id] = GroupAnswer(row.id, row.org, row.repo, row.number, names, row.analysis)
            tool = tool_added(conn, [(a.org, a.repo, a.number) for a in newest.values()])
        return [
            replace(a, labels=by_people(a.labels, tool.get((a.org, a.repo, a.number), set()))) for a in newest.values()
        ]

    def results_seen(self, group_id: str) -> dict[str, Any]:
        """What the group has collected so far (how many results, the newest's id and time): an evaluation keeps
        it, so a later reader can tell whether the group's results changed since."""
        query = select(func.count(), func.max(results.c.id), func.max(results.c.created_at)).where(
            results.c.group_id == group_id
        )
        with self.engine.connect() as conn:
            count, last_id, newest = conn.execute(query).one()
        when = as_utc(newest)
        return {"count": int(count), "last_id": last_id, "newest": when.isoformat() if when else None}

    def group_usage(self, group_id: str) -> TokenUsage:
        """The tokens the provider reported for every child of the group, retried ones included."""
        query = select(*(batch_jobs.c[name] for name in TokenUsage.names())).where(batch_jobs.c.group_id == group_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return sum((TokenUsage.from_row(row) for row in rows), TokenUsage())

    def save(self, evaluation: NewEvaluation) -> int:
        with self.engine.begin() as conn:
            inserted = conn.execute(
                insert(evaluations).values(
                    group_id=evaluation.group_id,
                    model=evaluation.model,
                    blind=evaluation.blind,
                    min_confidence=evaluation.min_confidence,
                    target_precision=evaluation.target_precision,
                    threshold=evaluation.threshold,
                    issues_scored=evaluation.issues_scored,
                    micro_f1=evaluation.micro_f1,
                    figures=evaluation.figures,
                    created_at=utcnow(),
                )
            )
            key = inserted.inserted_primary_key
            assert key is not None
            return int(key[0])

    def latest_blind(self, org: str) -> tuple[str, dict[str, Any]] | None:
        """(group id, figures) of the newest evaluation of a blind group of the organization."""
        query = (
            select(evaluations.c.group_id, evaluations.c.figures, batch_groups.c.selection)
            .join(batch_groups, batch_groups.c.id == evaluations.c.group_id)
            .where(evaluations.c.blind.is_(True))
            .order_by(evaluations.c.created_at.desc(), evaluations.c.id.desc())
        )
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                if (row.selection or {}).get("org") == org:
                    return str(row.group_id), dict(row.figures)
        return None

    def latest(self, group_id: str, target_precision: float | None = None) -> dict[str, Any] | None:
        """The newest evaluation's figures for the group (with that target precision, when one is given)."""
        query = select(evaluations.c.figures).where(evaluations.c.group_id == group_id)
        if target_precision is not None:
            query = query.where(evaluations.c.target_precision == target_precision)
        query = query.order_by(evaluations.c.created_at.desc(), evaluations.c.id.desc()).limit(1)
        with self.engine.connect() as conn:
            figures = conn.execute(query).scalar()
        return dict(figures) if figures is not None else None
