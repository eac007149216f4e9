"""Retry a group: failed, expired or cancelled work goes out again as new children of the same group.
Issues that already have a valid result are never sent again. Pooled items (--failed-only) are re-cut by the
one splitter under every limit of the plan (count and bytes, measured afresh)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from github_issue_analysis.domain.groups import new_job_id
from github_issue_analysis.domain.jobs import UNSUCCESSFUL_STATUSES, BatchJob, ItemState
from github_issue_analysis.errors import NotCollected
from github_issue_analysis.storage.batch_records import NewJob
from github_issue_analysis.storage.store import Store

from .batch_splitter import BatchSplitter
from .request_lines import RequestSizes

Measure = Callable[[Sequence[int]], RequestSizes]


class NothingToRetry(Exception):
    pass


def plan_retry(
    store: Store,
    group_id: str,
    *,
    failed_only: bool,
    splitter: BatchSplitter,
    measure: Measure,
    max_attempts: int | None = None,
) -> tuple[list[NewJob], list[str]]:
    """(new children, ids of the children they supersede). Children must be collected first, so that
    partial results are known. With `max_attempts`, issues already sent that often are left out."""
    group = store.jobs.group(group_id)
    assert group is not None
    children = [c for c in store.jobs.jobs(group_id) if not c.superseded]
    uncollected = [c.job_id for c in children if c.status.has_output and c.collected_at is None]
    if uncollected:
        raise NotCollected(uncollected)
    items_by_job: dict[str, list[tuple[int, str]]] = {}
    group_items = store.job_items.group_items(group_id)
    sent = Counter(item.issue_id for _, item in group_items)
    for job_id, item in group_items:
        if max_attempts is not None and sent[item.issue_id] >= max_attempts:
            continue
        if item.state is not ItemState.SUCCEEDED:
            items_by_job.setdefault(job_id, []).append((item.issue_id, item.custom_id))
    all_ids = [issue for items in items_by_job.values() for issue, _ in items]
    done = store.results.issues_with_current_result(all_ids, group.processor)
    targets = _targets(children, items_by_job, failed_only)
    next_sequence = max((c.batch_sequence for c in store.jobs.jobs(group_id)), default=0) + 1
    per_target = [[it for it in items_by_job.get(t.job_id, []) if it[0] not in done] for t in targets]
    if failed_only:
        pooled = list(dict.fromkeys(it for items in per_target for it in items))
        pieces = _cut(pooled, splitter, measure) if pooled else []
    else:
        pieces = [(chunk, _share(targets, chunk), 0) for chunk in per_target if chunk]
    if not pieces:
        raise NothingToRetry(f"nothing to retry in {group_id}: every finished issue has a valid result")
    total = len(children) + len(pieces)
    jobs = [
        NewJob(new_job_id(), next_sequence + n, total, chunk, estimated_tokens=tokens, input_bytes=size)
        for n, (chunk, tokens, size) in enumerate(pieces)
    ]
    return jobs, [t.job_id for t in targets]


Piece = tuple[list[tuple[int, str]], int, int]  # (items, estimated tokens, request bytes)


def _cut(items: list[tuple[int, str]], splitter: BatchSplitter, measure: Measure) -> list[Piece]:
    """Items re-measured and cut by the splitter; an issue no longer in the store is left out."""
    sizes = measure([issue_id for issue_id, _ in items])
    by_issue = dict(items)
    kept = [(issue_id, by_issue[issue_id]) for issue_id in sizes.issue_ids]
    ranges = splitter.split(sizes.line_bytes)
    return [
        (kept[r.start : r.stop], sum(sizes.tokens[r.start : r.stop]), sum(sizes.line_bytes[r.start : r.stop]))
        for r in ranges
    ]


def _targets(
    children: list[BatchJob], items_by_job: dict[str, list[tuple[int, str]]], failed_only: bool
) -> list[BatchJob]:
    finished = [c for c in children if c.status.is_terminal]
    if failed_only:
        return [c for c in finished if items_by_job.get(c.job_id)]
    return [c for c in finished if c.status in UNSUCCESSFUL_STATUSES]


def _share(targets: list[BatchJob], chunk: list[tuple[int, str]]) -> int:
    """Estimated tokens of a retry chunk, from the per-item average of the children it came from."""
    tokens = sum(t.estimated_tokens for t in targets)
    items = sum(t.total_items for t in targets) or 1
    return int(tokens / items * len(chunk))
