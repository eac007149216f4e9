"""Labels people gave, as distinct from labels this tool put on an issue (`labels apply`).

An evaluation's ground truth and a sample's strata must come from people: a label counts as the tool's
while the tool's last confirmed action on it, for that issue, was adding it (as `labels plan` reads it)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from github_issue_analysis.domain.label_audit import ChangeState

from .label_audit_store import IssueKey
from .schema import label_changes


def tool_added(conn: Any, keys: Iterable[IssueKey]) -> dict[IssueKey, set[str]]:
    """Per issue, the labels (lower case) whose last confirmed change by this tool added them."""
    wanted = set(keys)
    if not wanted:
        return {}
    query = (
        select(
            label_changes.c.org,
            label_changes.c.repo,
            label_changes.c.number,
            label_changes.c.label,
            label_changes.c.action,
        )
        .where(
            label_changes.c.org.in_(sorted({k[0] for k in wanted})),
            label_changes.c.state == ChangeState.CONFIRMED.value,
            label_changes.c.label.is_not(None),
        )
        .order_by(label_changes.c.id)
    )
    last: dict[tuple[IssueKey, str], str] = {}
    for row in conn.execute(query):
        key = (row.org, row.repo, row.number)
        if key in wanted:
            last[(key, row.label.lower())] = row.action
    added: dict[IssueKey, set[str]] = {}
    for (key, label), action in last.items():
        if action == "add":
            added.setdefault(key, set()).add(label)
    return added


def by_people(labels: list[str], tool_labels: set[str]) -> list[str]:
    return [label for label in labels if label.lower() not in tool_labels]
