"""What people did with the labels this tool applied: per label, applied, kept, removed by a person, and the
kept rate (a live precision estimate that the gate reads beside the blind evaluation)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from github_issue_analysis.storage.store import Store


def kept_figures(store: Store, org: str | None = None) -> list[dict[str, Any]]:
    """`eval --json` `kept`: per label applied by the tool, how many were applied, kept and removed."""
    applied = store.triage.applied_counts(org)
    kept = store.triage.kept_counts(org)
    rows = []
    for label in sorted(set(applied) | set(kept)):
        k, r = kept.get(label, (0, 0))
        rows.append(
            {
                "label": label,
                "applied": applied.get(label, 0),
                "kept": k,
                "removed": r,
                "rate": k / (k + r) if k + r else None,
            }
        )
    return rows
