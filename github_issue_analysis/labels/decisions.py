"""Review decisions on current results: accept, reject, edit (the final label set), with who, when and a note.
A decision belongs to one result: a newer result for the same issue starts pending again."""

from __future__ import annotations

import getpass
import re
from collections.abc import Sequence
from dataclasses import dataclass

from github_issue_analysis.ai.processors.taxonomy import Taxonomy
from github_issue_analysis.errors import UsageError
from github_issue_analysis.storage.decision_store import ReviewRow, RowFilter
from github_issue_analysis.storage.store import Store

from .options import LabelSelection

_REF = re.compile(r"^(?:(?P<org>[\w.-]+)/)?(?P<repo>[\w.-]+)#(?P<number>\d+)$")


class UnknownIssue(UsageError):
    """A reference names no issue with a current result."""


@dataclass(frozen=True)
class Recommendation:
    label: str
    confidence: float
    reasoning: str


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def parse_ref(ref: str, org: str | None) -> tuple[str, str, int]:
    """`org/repo#N`, or `repo#N` when an organization is given."""
    match = _REF.match(ref.strip())
    if match is None or (match["org"] is None and org is None):
        form = "org/repo#N" if org is None else "org/repo#N or repo#N"
        raise UsageError(f"'{ref}' is not an issue reference; write {form}")
    return (match["org"] or str(org), match["repo"], int(match["number"]))


def recommendations(row: ReviewRow) -> list[Recommendation]:
    """The result's recommended labels that belong to its taxonomy, highest confidence first."""
    taxonomy = Taxonomy.of_group_options(row.group_options)
    found = [
        Recommendation(str(r.get("label")), float(r.get("confidence") or 0.0), str(r.get("reasoning") or ""))
        for r in row.analysis.get("recommended_labels") or []
        if isinstance(r, dict) and str(r.get("label")) in taxonomy
    ]
    return sorted(found, key=lambda r: (-r.confidence, r.label))


def rows_for_refs(store: Store, refs: Sequence[str], org: str | None) -> list[ReviewRow]:
    keys = tuple(parse_ref(ref, org) for ref in refs)
    rows = store.decisions.rows(RowFilter(org=org, refs=keys))
    found = {(r.org.lower(), r.repo.lower(), r.number) for r in rows}
    missing = [f"{o}/{r}#{n}" for o, r, n in keys if (o.lower(), r.lower(), n) not in found]
    if missing:
        raise UnknownIssue(f"no current result for {', '.join(missing)}; collect and analyse it first")
    return rows


def decide(
    store: Store,
    refs: Sequence[str],
    decision: str,
    *,
    org: str | None = None,
    by: str | None = None,
    note: str | None = None,
    labels: list[str] | None = None,
) -> list[ReviewRow]:
    """Record `decision` (accepted | rejected | edited) on the current result of each referenced issue."""
    rows = rows_for_refs(store, refs, org)
    record(store, rows, decision, by=by, note=note, labels=labels)
    return rows


def record(
    store: Store,
    rows: Sequence[ReviewRow],
    decision: str,
    *,
    by: str | None = None,
    note: str | None = None,
    labels: list[str] | None = None,
) -> int:
    if decision == "edited" and labels is None:
        raise UsageError("an edit needs the final label set")
    return store.decisions.decide(
        [r.result_id for r in rows], decision, by or default_reviewer(), note, sorted(labels) if labels else labels
    )


def accept_above(store: Store, selection: LabelSelection, *, by: str | None = None, note: str | None = None) -> int:
    """Accept every pending result with a recommended label at or above its threshold; returns how many."""
    rows = [r for r in review_queue(store, selection) if r.decision is None]
    return record(store, rows, "accepted", by=by, note=note) if rows else 0


def review_queue(store: Store, selection: LabelSelection, pending_only: bool = True) -> list[ReviewRow]:
    """Results waiting for a decision (or all), with a recommendation at or above the threshold."""
    rows = store.decisions.rows(RowFilter(org=selection.org, repo=selection.repo))
    return [r for r in rows if (not pending_only or r.decision is None) and _qualifies(r, selection)]


def would_change(row: ReviewRow, selection: LabelSelection) -> bool:
    """Whether accepting the row would change the issue: a recommended label at or above its threshold that the
    issue does not carry yet."""
    carried = {label.lower() for label in row.issue_labels}
    return any(
        rec.confidence >= selection.threshold(rec.label) and rec.label.lower() not in carried
        for rec in recommendations(row)
    )


def _qualifies(row: ReviewRow, selection: LabelSelection) -> bool:
    wanted = {label.lower() for label in selection.labels}
    return any(
        rec.confidence >= selection.threshold(rec.label) and (not wanted or rec.label.lower() in wanted)
        for rec in recommendations(row)
    )
