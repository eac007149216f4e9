"""The query every reader of current results starts from: one current result per issue and processor,
joined to its issue, in (org, repo, number, processor) order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.sql.elements import ColumnElement

from .schema import issues, results, review_decisions

ISSUE_COLUMNS = (
    issues.c.org,
    issues.c.repo,
    issues.c.number,
    issues.c.title,
    issues.c.url,
    issues.c.state,
    issues.c.labels,
)
"""What a page or a report shows of the issue a result is about."""


def current_results(*columns: ColumnElement[Any], org: str | None = None, repo: str | None = None) -> Select[Any]:
    """`columns` of the current results, of one organization and repository when given."""
    query = (
        select(*columns)
        .join_from(results, issues, issues.c.id == results.c.issue_id)
        .where(results.c.is_current.is_(True))
        .order_by(issues.c.org, issues.c.repo, issues.c.number, results.c.processor)
    )
    if org is not None:
        query = query.where(issues.c.org == org)
    if repo is not None:
        query = query.where(issues.c.repo == repo)
    return query


def with_decisions(query: Select[Any]) -> Select[Any]:
    """`query` joined to each result's review decision, if it has one."""
    return query.outerjoin(review_decisions, review_decisions.c.result_id == results.c.id)
