"""Plan and record a submission: select the issues, measure their requests, cut them with the one splitter,
price the plan, and store the group, its children and every item before anything goes to the provider.
Running the children is batch_group_manager.py's job."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta

from github_issue_analysis.ai.processors.base import PreparedProcessor
from github_issue_analysis.ai.processors.taxonomy import Taxonomy
from github_issue_analysis.ai.providers.base import BatchProvider
from github_issue_analysis.ai.providers.pricing import ESTIMATED_OUTPUT_TOKENS_PER_ISSUE, Price, price_for
from github_issue_analysis.ai.registry import processor as registered_processor
from github_issue_analysis.domain.groups import BatchGroup, PlannedBatch, SplitPlan, new_group_id, new_job_id
from github_issue_analysis.errors import AmbiguousIssueNumber
from github_issue_analysis.storage.batch_records import NewJob
from github_issue_analysis.storage.issue_store import IssueSelection, IssueStore
from github_issue_analysis.storage.store import Store
from github_issue_analysis.storage.timeutil import utcnow

from .batch_splitter import BatchSplitter, RequestTooLarge
from .examples import with_examples
from .request_lines import RequestBuilder, RequestSizes, custom_id_for
from .sampling import Candidate, stratified_sample
from .submit_request import SubmitRequest


class NothingToDo(Exception):
    def __init__(self, already_done: int, in_flight: int = 0) -> None:
        super().__init__(f"no issues to submit ({already_done} already have results, {in_flight} in flight)")
        self.already_done = already_done
        self.in_flight = in_flight


@dataclass(frozen=True)
class Estimate:
    """The one cost estimate at batch prices: a plan's, a batch's and a budget's figures all come from here,
    so what a budget chooses costs what the plan of it says."""

    price: Price
    output_tokens_per_issue: float

    def usd(self, prompt_tokens: float, issues: float) -> float:
        return self.price.cost(round(prompt_tokens), int(self.output_tokens_per_issue * issues))


@dataclass
class PlannedSubmission:
    request: SubmitRequest  # resolved: model chosen, options checked
    issue_ids: list[int]
    plan: SplitPlan
    skipped_with_results: int
    output_tokens_per_issue: float = ESTIMATED_OUTPUT_TOKENS_PER_ISSUE
    skipped_in_flight: int = 0  # waiting for a result in another group, or held by another run
    in_flight_ids: list[int] = field(default_factory=list)  # those issues
    warnings: list[str] = field(default_factory=list)
    # Planned in chunks (plan_stream.py): `plan` covers the first chunk only, these issues follow it. The whole
    # plan's figures are then estimates scaled from the first chunk.
    unplanned: list[int] = field(default_factory=list)
    # The caller chose these issues (`triage` sends what is new or changed, answered ones included): settling
    # leaves out only what is in flight or held by another run, never an issue for having a result.
    chosen: bool = False

    @property
    def total_selected(self) -> int:
        return len(self.issue_ids) + len(self.unplanned)

    @property
    def expected_batches(self) -> int:
        """The plan's batches, or for a plan in chunks the estimate from the first chunk's full batches."""
        if not self.unplanned:
            return self.plan.total_batches
        full = self.plan.batches[:-1] or self.plan.batches
        per_batch = sum(b.issue_count for b in full) / len(full)
        return math.ceil(self.total_selected / per_batch)

    @property
    def estimated_tokens(self) -> int:
        return round(sum(b.estimated_tokens for b in self.plan.batches) * self._scale)

    @property
    def _scale(self) -> float:
        return self.total_selected / len(self.issue_ids) if self.unplanned else 1.0

    def estimated_cost(self, batch: PlannedBatch | None = None) -> float | None:
        """USD at batch prices for one planned batch or (None) the whole plan; None when the model has no price."""
        price = price_for(self.request.model_name)
        if price is None:
            return None
        batches = [batch] if batch else self.plan.batches
        scale = 1.0 if batch else self._scale
        tokens = sum(b.estimated_tokens for b in batches) * scale
        issues = sum(b.issue_count for b in batches) * scale
        return Estimate(price, self.output_tokens_per_issue).usd(tokens, issues)


def prepared(store: Store, request: SubmitRequest) -> PreparedProcessor:
    """The request's processor, ready to build prompts and validate answers."""
    return registered_processor(request.processor).prepare(store.issues, request.processor_options())


def splitter_for(provider: BatchProvider, batch_size: int) -> BatchSplitter:
    """The one splitter under the provider's per-batch limits (its envelope left out of the bytes)."""
    max_bytes = provider.max_bytes_per_batch - provider.envelope_bytes
    return BatchSplitter(batch_size, max_requests=provider.max_requests_per_batch, max_bytes=max_bytes)


def hourly_room(store: Store, provider: BatchProvider) -> int:
    """New batches the provider still creates in this rolling hour (counting what we sent)."""
    sent = store.pacing.submitted_since(utcnow() - timedelta(hours=1), provider.name)
    return max(0, provider.max_batches_per_hour - sent)


def skips_taken(request: SubmitRequest) -> bool:
    """Whether issues with a result or in flight are left out (not with --reprocess, nor for a sample, which is
    answered whole for measuring); only then are they claimed against concurrent runs."""
    return not request.reprocess and request.sample is None


def check_issue_number(issues: IssueStore, selection: IssueSelection) -> None:
    """An issue number without a repository is fine while it names one issue of the organization."""
    if selection.issue_number is None or selection.repo is not None:
        return
    repos = sorted({issue.repo for issue in issues.select_issues(selection)})
    if len(repos) > 1:
        raise AmbiguousIssueNumber(selection.issue_number, selection.org, repos)


class SubmitPlanner:
    def __init__(self, store: Store, provider: BatchProvider) -> None:
        self.store = store
        self.provider = provider

    def plan(self, request: SubmitRequest, chunk: int | None = None) -> PlannedSubmission:
        """`request` must be resolved (request.resolved). With `chunk`, a selection larger than it is measured
        only for its first `chunk` issues (the rest in `unplanned`: plan_stream.py plans it while sending)."""
        selected, skipped, coming = self._select(request), 0, list[int]()
        if skips_taken(request):
            selected, skipped, coming = self._untaken(request, selected)
        if not selected:
            raise NothingToDo(skipped, len(coming))
        if chunk is None or len(selected) <= chunk:
            return self._planned(request, selected, skipped, coming)
        head = self._planned(with_examples(self.store, request, selected), selected[:chunk], skipped, coming)
        head.unplanned = selected[chunk:]
        head.warnings = self._warnings(head)
        return head

    def untaken(
        self, request: SubmitRequest, ids: list[int], held_elsewhere: set[int]
    ) -> tuple[list[int], int, list[int]]:
        """(the issues still to send, how many have a result, the ones in flight or held by another run) once
        `held_elsewhere` is known from a claim (settling one chunk of a plan in chunks)."""
        kept, done, coming = self._untaken(request, ids, claimed=False)
        return [i for i in kept if i not in held_elsewhere], done, coming + [i for i in kept if i in held_elsewhere]

    def measured(self, request: SubmitRequest, selected: list[int]) -> tuple[SubmitRequest, RequestSizes]:
        """The request with its examples chosen and each selected issue's request measured (bytes, tokens):
        what `planned_from` cuts, read once."""
        request = with_examples(self.store, request, selected)
        builder = RequestBuilder(self.store.issues, prepared(self.store, request), self.provider)
        return request, builder.measure(selected)

    def output_tokens_per_issue(self, request: SubmitRequest) -> float:
        """What an answer takes: the average observed for this model and processor, else the usual figure."""
        observed = self.store.pacing.observed_output_tokens_per_item(request.model_name, request.processor)
        return observed or ESTIMATED_OUTPUT_TOKENS_PER_ISSUE

    def planned_from(
        self,
        request: SubmitRequest,
        sizes: RequestSizes,
        output_tokens_per_issue: float,
        skipped: int = 0,
        in_flight: list[int] | None = None,
    ) -> PlannedSubmission:
        """The plan of measured requests (`request` as `measured` returned it), cut by the one splitter."""
        try:
            plan = splitter_for(self.provider, request.batch_size).create_split_plan(sizes.line_bytes, sizes.tokens)
        except RequestTooLarge as error:
            issue = self.store.issues.issues_by_id([sizes.issue_ids[error.index]])[0]
            what = f"the request for {issue.org}/{issue.repo}#{issue.number}"
            raise RequestTooLarge(error.index, error.size, error.limit, what) from None
        planned = PlannedSubmission(
            request,
            sizes.issue_ids,
            plan,
            skipped,
            output_tokens_per_issue,
            len(in_flight or []),
            in_flight_ids=list(in_flight or []),
        )
        planned.warnings.extend(self._warnings(planned))
        return planned

    def settle(self, planned: PlannedSubmission, held_elsewhere: set[int]) -> PlannedSubmission:
        """The plan once its issues are claimed: what another run holds, or recorded since planning, is left
        out and the rest cut again (the same plan when nothing changed). NothingToDo when nothing is left."""
        request = planned.request
        ids, skipped, coming = self._untaken(request, planned.issue_ids, claimed=False, answered=not planned.chosen)
        coming += [i for i in ids if i in held_elsewhere]
        ids = [i for i in ids if i not in held_elsewhere]
        if ids == planned.issue_ids:
            return planned
        skipped += planned.skipped_with_results
        coming = planned.in_flight_ids + coming
        if not ids:
            raise NothingToDo(skipped, len(coming))
        settled = self._planned(request, ids, skipped, coming)
        settled.chosen = planned.chosen
        return settled

    def _untaken(
        self, request: SubmitRequest, selected: list[int], claimed: bool = True, answered: bool = True
    ) -> tuple[list[int], int, list[int]]:
        """(issues without a result and not in flight, how many have a result, the ones in flight: recorded in
        another group, or held by a run recording them now). `answered=False`: issues with a result are kept."""
        done = self.store.results.issues_with_current_result(selected, request.processor) if answered else set()
        selected = [i for i in selected if i not in done]
        coming = self.store.job_items.issues_in_flight(selected, request.processor)
        if claimed:  # (when settling, the claim itself says which ones another run holds)
            coming |= set(self.store.issue_claims.held_by_others(selected, request.processor, owner=""))
        return [i for i in selected if i not in coming], len(done), [i for i in selected if i in coming]

    def _planned(
        self, request: SubmitRequest, selected: list[int], skipped: int, in_flight: list[int]
    ) -> PlannedSubmission:
        request, sizes = self.measured(request, selected)
        return self.planned_from(request, sizes, self.output_tokens_per_issue(request), skipped, in_flight)

    def _warnings(self, planned: PlannedSubmission) -> list[str]:
        warnings, plan = [], planned.plan
        room = hourly_room(self.store, self.provider)
        if planned.expected_batches > room:
            about = "about " if planned.unplanned else ""
            warnings.append(
                f"{about}{planned.expected_batches} batches exceed the {room} the provider still creates this hour "
                f"(at most {self.provider.max_batches_per_hour} per hour): submit sends {room}, watching paces the rest"
            )
        limit = planned.request.max_enqueued_tokens
        if limit and (largest := max(b.estimated_tokens for b in plan.batches)) > limit:
            warnings.append(
                f"batches of up to {largest:,} estimated tokens exceed the enqueued-token limit of {limit:,}: "
                "they are split smaller as they are sent"
            )
        return warnings

    def _select(self, request: SubmitRequest) -> list[int]:
        if request.sample is None:
            return self.store.issues.select_issue_ids(request.selection)
        options, _ = request.to_stored()
        taxonomy = Taxonomy.of_group_options(options)
        candidates = [
            Candidate(issue_id, key, taxonomy.of(labels))
            for issue_id, key, labels in self.store.issues.select_issue_labels(request.selection)
        ]
        return stratified_sample(candidates, request.sample, request.sample_seed)

    def record(self, planned: PlannedSubmission) -> BatchGroup:
        """Store the group, every child (queued) and every item before anything goes to the provider."""
        request, plan = planned.request, planned.plan
        job_ids = [new_job_id() for _ in plan.batches]
        options, selection = request.to_stored()
        group = BatchGroup(
            group_id=new_group_id() if plan.split_required else job_ids[0],
            processor=request.processor,
            model=request.model_name,
            provider=request.provider_name,
            child_job_ids=job_ids,
            total_issues=plan.total_issues,
            is_split_job=plan.split_required,
            batch_size=plan.batch_size,
            split_plan=plan.summary(),
            created_at=utcnow(),
            options=options,
            selection=selection,
        )
        jobs, start = [], 0
        for job_id, batch in zip(job_ids, plan.batches, strict=True):
            ids = planned.issue_ids[start : start + batch.issue_count]
            start += batch.issue_count
            jobs.append(
                NewJob(
                    job_id,
                    batch.batch_number,
                    plan.total_batches,
                    [(i, custom_id_for(i)) for i in ids],
                    batch.estimated_tokens,
                    batch.request_bytes,
                )
            )
        self.store.jobs.create_group(group, jobs)
        return group
