"""A large group planned and recorded chunk by chunk while its first children are sent (issue 24).

The group is recorded first with its whole ordered selection (storage: `group_selections`) and no children.
Then each chunk is claimed and settled against other runs (submit_claim.py), measured (in a worker thread: it
only reads), cut by the one splitter and recorded in one transaction with the selection's mark moved past it;
only then are its children handed to the sender. The chunk's last batch, unless the selection ends there, is
carried into the next chunk, so the batches are the ones a whole plan would cut. A run cut short between chunks
leaves the rest of the selection stored: the next send of the group (resume, watch, `label`) plans it with the
group's stored options; an issue is in exactly one child."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from github_issue_analysis.ai.providers.base import BatchProvider
from github_issue_analysis.domain.groups import BatchGroup, PlannedBatch, SplitPlan, new_group_id, new_job_id
from github_issue_analysis.storage.batch_records import NewJob, StoredSelection
from github_issue_analysis.storage.store import Store
from github_issue_analysis.storage.timeutil import utcnow

from .batch_splitter import RequestTooLarge
from .planner import PlannedSubmission, SubmitPlanner, prepared, skips_taken, splitter_for
from .request_lines import RequestBuilder, custom_id_for
from .submit_claim import SubmitClaim
from .submit_request import SubmitRequest

CHUNK_BATCHES = 32
"""Batches' worth of new issues measured and recorded together (960 issues of 30): enough batches to fill the
default send concurrency, so the first chunk's children keep the sender busy while the next one is measured;
the chunk's fixed costs (claim, settle, one transaction) stay small."""


def chunk_size(batch_size: int) -> int:
    """New issues per chunk (at least two batches, so every chunk but the last records one)."""
    return CHUNK_BATCHES * max(2, batch_size)


@dataclass
class _Chunk:
    ids: list[int]  # settled, in selection order (carried issues first)
    positions: dict[int, int]  # issue id -> position in the selection
    end: int  # position after the chunk's new issues
    plan: SplitPlan | None = None
    measured: list[int] = field(default_factory=list)  # the ids the plan cuts (issues gone from the store left out)


class PlanStream:
    def __init__(
        self,
        store: Store,
        provider: BatchProvider,
        group: BatchGroup,
        selection: StoredSelection,
        head: PlannedSubmission | None = None,
    ) -> None:
        self.store = store
        self.group_id = group.group_id
        self.request = head.request if head else SubmitRequest.from_stored(group)
        self.selection = selection.issue_ids
        self.through = selection.planned_through  # the stored mark: every issue before it is recorded or left out
        self.position = self.through  # where the next chunk's new issues start
        self.carry: dict[int, int] = {}  # the last batch of the chunk before (id -> position), not recorded yet
        self.settles = selection.skips_taken
        self.builder = RequestBuilder(store.issues, prepared(store, self.request), provider)
        self.splitter = splitter_for(provider, group.batch_size)
        self.planner = SubmitPlanner(store, provider)
        self.chunk = chunk_size(group.batch_size)
        self.expected_batches = head.expected_batches if head else group.total_issues // group.batch_size + 1
        self.head = head
        self.next_sequence = max((c.batch_sequence for c in store.jobs.jobs(group.group_id)), default=0) + 1
        self.recorded: list[int] = []  # issues recorded by this run, in order
        self.with_results = 0  # issues left out by this run: they have a result meanwhile
        self.in_flight: list[int] = []  # ... recorded in another group, or held by another run
        self.problems: list[str] = []  # issues left out because no batch can hold their request

    @classmethod
    def start(cls, store: Store, provider: BatchProvider, head: PlannedSubmission) -> PlanStream:
        """Record the group with its whole selection and no child yet; `head` measured its first chunk."""
        request, plan = head.request, head.plan
        options, selection = request.to_stored()
        group = BatchGroup(
            group_id=new_group_id(),
            processor=request.processor,
            model=request.model_name,
            provider=request.provider_name,
            child_job_ids=[],
            total_issues=head.total_selected,
            is_split_job=True,
            batch_size=plan.batch_size,
            split_plan={"batch_size": plan.batch_size, "batches": []},
            created_at=utcnow(),
            options=options,
            selection=selection,
        )
        stored = StoredSelection(head.issue_ids + head.unplanned, 0, skips_taken(request))
        store.jobs.create_group(group, [], stored)
        return cls(store, provider, group, stored, head)

    @classmethod
    def resume(cls, store: Store, provider: BatchProvider, group: BatchGroup) -> PlanStream | None:
        """The rest of a group whose planning a run did not finish (None: the group is planned whole)."""
        stored = store.jobs.selection(group.group_id)
        return cls(store, provider, group, stored) if stored else None

    @property
    def done(self) -> bool:
        return self.position >= len(self.selection) and not self.carry

    async def chunks(self) -> AsyncIterator[list[str]]:
        """Plan chunk after chunk; yield each chunk's new job ids once they are recorded (nothing is held
        between chunks). PlanRaced: another process recorded the next chunk first (it plans the rest)."""
        while not self.done:
            chunk = self._next_chunk()
            with self._claim() as claim:
                if claim is not None:
                    self._settle(chunk, claim.take(chunk.ids))
                if self.head is not None and chunk.ids == self.head.issue_ids:
                    chunk.plan, chunk.measured = self.head.plan, chunk.ids
                else:
                    chunk.plan, chunk.measured = await asyncio.to_thread(self._measure, chunk.ids)
                self.head = None
                job_ids = self._record(chunk)
            yield job_ids

    def _claim(self) -> contextlib.AbstractContextManager[SubmitClaim | None]:
        """The chunk's issues held against other runs while it is recorded (not for --reprocess or a sample)."""
        if not self.settles:
            return contextlib.nullcontext()
        return SubmitClaim(self.store.issue_claims, self.request.processor)

    def _next_chunk(self) -> _Chunk:
        size = len(self.head.issue_ids) if self.head is not None else self.chunk
        end = min(len(self.selection), self.position + size)
        positions = {**self.carry, **{self.selection[p]: p for p in range(self.position, end)}}
        self.position = end
        return _Chunk(list(positions), positions, end)

    def _settle(self, chunk: _Chunk, held_elsewhere: set[int]) -> None:
        kept, with_results, coming = self.planner.untaken(self.request, chunk.ids, held_elsewhere)
        self.with_results += with_results
        self.in_flight += coming
        chunk.ids = kept

    def _measure(self, ids: list[int]) -> tuple[SplitPlan, list[int]]:
        """The chunk cut as a whole plan cuts it (reads only: it runs in a worker thread); a request no batch
        can hold is left out and named."""
        sizes = self.builder.measure(ids)
        line_bytes, tokens, measured = sizes.line_bytes, sizes.tokens, sizes.issue_ids
        while True:
            try:
                return self.splitter.create_split_plan(line_bytes, tokens), measured
            except RequestTooLarge as error:
                issue = self.store.issues.issues_by_id([measured[error.index]])[0]
                self.problems.append(
                    f"{issue.org}/{issue.repo}#{issue.number} left out: its request is {error.size:,} bytes, over "
                    f"the provider's {error.limit:,} bytes per batch file"
                )
                line_bytes, tokens, measured = (
                    v[: error.index] + v[error.index + 1 :] for v in (line_bytes, tokens, measured)
                )

    def _record(self, chunk: _Chunk) -> list[str]:
        assert chunk.plan is not None
        last = chunk.end >= len(self.selection)
        batches = chunk.plan.batches if last else chunk.plan.batches[:-1]
        jobs, start = [], 0
        for batch in batches:
            ids = chunk.measured[start : start + batch.issue_count]
            start += batch.issue_count
            jobs.append(self._job(batch, ids))
        carried = chunk.measured[start:]
        self.carry = {i: chunk.positions[i] for i in carried}
        through = chunk.positions[carried[0]] if carried else chunk.end
        if jobs or last or through != self.through:
            self.store.jobs.record_chunk(self.group_id, jobs, (self.through, through), last)
        self.through = through
        self.next_sequence += len(jobs)
        self.recorded += chunk.measured[:start]
        return [job.job_id for job in jobs]

    def _job(self, batch: PlannedBatch, ids: list[int]) -> NewJob:
        return NewJob(
            new_job_id(),
            self.next_sequence + batch.batch_number - 1,
            self.expected_batches,
            [(i, custom_id_for(i)) for i in ids],
            batch.estimated_tokens,
            batch.request_bytes,
        )

    def recorded_plan(self, head: PlannedSubmission) -> PlannedSubmission:
        """What this run recorded, as a whole plan (the totals `batch submit` reports)."""
        group = self.store.jobs.group(self.group_id)
        assert group is not None
        summary = group.split_plan or {"batches": []}
        plan = SplitPlan(
            total_issues=len(self.recorded),
            batch_size=group.batch_size,
            batches=[PlannedBatch(**batch) for batch in summary["batches"]],
        )
        return PlannedSubmission(
            head.request,
            list(self.recorded),
            plan,
            head.skipped_with_results + self.with_results,
            head.output_tokens_per_issue,
            head.skipped_in_flight + len(self.in_flight),
            in_flight_ids=head.in_flight_ids + self.in_flight,
            warnings=head.warnings,
        )
