"""Stored figures, as other parts (the HTML report, labels commands) read them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from github_issue_analysis.storage.store import Store


def latest_evaluation(store: Store, group_id: str) -> dict[str, Any] | None:
    """The newest evaluation of a group: the same dict `eval --json` prints in `evaluations`, or None."""
    return store.evaluations.latest(group_id)
