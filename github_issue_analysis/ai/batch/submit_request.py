"""The one submit request: what `batch submit`, `label`, `process` and the retry path ask for, as one frozen
object. Commands build it, `checked` completes it once (the model from settings when none was given, the labels
file read, the options each provider accepts), and a group keeps it in its stored form (`to_stored` /
`from_stored`, which still reads groups stored by older versions)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from github_issue_analysis import defaults
from github_issue_analysis.ai.processors.base import ProcessorOptions
from github_issue_analysis.ai.processors.examples import ExampleRef
from github_issue_analysis.ai.providers.base import BatchProvider, Provider
from github_issue_analysis.ai.registry import parse_model
from github_issue_analysis.ai.registry import processor as registered_processor
from github_issue_analysis.domain.groups import BatchGroup
from github_issue_analysis.errors import BatchSizeTooLarge, InvalidOption
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.records import LabelRecord

from .sampling import DEFAULT_SEED

AnyProvider = TypeVar("AnyProvider", bound=Provider)

REASONING_EFFORTS = ("minimal", "low", "medium", "high")


@dataclass(frozen=True)
class SubmitRequest:
    processor: str
    selection: IssueSelection
    model: str | None = None  # PROVIDER:NAME; None until `with_model` resolves it from settings
    label_prefix: str = defaults.LABEL_PREFIX
    labels_file: Path | None = None
    fixed_labels: tuple[LabelRecord, ...] | None = None  # a taxonomy file's labels instead of the repo's
    batch_size: int = defaults.BATCH_SIZE
    temperature: float | None = None
    reasoning_effort: str | None = None
    request_options: dict[str, Any] = field(default_factory=dict)  # what the provider is sent beyond the body
    reprocess: bool = False
    concurrency: int = defaults.CONCURRENCY
    max_enqueued_tokens: int | None = None
    blind: bool = False  # leave each issue's current taxonomy labels out of the prompt
    sample: int | None = None  # a stratified sample of this many issues people labelled
    seed: int | None = None  # of the sample (default 0)
    examples: int | None = None  # up to this many people-labelled examples per label in the prompt
    example_refs: tuple[ExampleRef, ...] = ()  # the examples chosen for the group (ai/processors/examples.py)

    # -- the one resolution of the model ---------------------------------------------------------------
    def with_model(self, default: str) -> SubmitRequest:
        """The request with its model chosen: the one asked for, else `default` (settings: GH_ANALYSIS_MODEL)."""
        return self if self.model else replace(self, model=default)

    @property
    def model_spec(self) -> str:
        if self.model is None:
            raise ValueError("the request's model is not resolved yet (call with_model)")
        return self.model

    @property
    def provider_name(self) -> str:
        return parse_model(self.model_spec)[0]

    @property
    def model_name(self) -> str:
        return parse_model(self.model_spec)[1]

    @property
    def sample_seed(self) -> int:
        return DEFAULT_SEED if self.seed is None else self.seed

    def processor_options(self) -> ProcessorOptions:
        """What the processor needs of the request to build prompts and validate answers."""
        return ProcessorOptions(
            model=self.model_name,
            label_prefix=self.label_prefix,
            fixed_labels=self.fixed_labels,
            request_options=dict(self.request_options),
            blind=self.blind,
            examples=self.example_refs,
        )

    # -- stored form (the group's options and selection columns) ---------------------------------------
    def to_stored(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(options, selection) as a group keeps them; the keys are those older versions wrote."""
        options: dict[str, Any] = {
            "label_prefix": self.label_prefix,
            "fixed_labels": [lb.model_dump() for lb in self.fixed_labels] if self.fixed_labels else None,
            "request_options": dict(self.request_options),
            "blind": self.blind,
        }
        if self.examples:
            options["examples"] = self.examples
            options["example_issues"] = [ref.document() for ref in self.example_refs]
        sampled = {"sample": self.sample, "seed": self.sample_seed} if self.sample is not None else {}
        return options, {**asdict(self.selection), **sampled}

    @classmethod
    def from_stored(cls, group: BatchGroup) -> SubmitRequest:
        """The request a group was submitted with, read from its stored form (older groups included: a key
        they lack takes its default)."""
        options, selection = group.options, group.selection
        fixed = options.get("fixed_labels")
        sample = selection.get("sample")
        return cls(
            processor=group.processor,
            selection=IssueSelection(
                str(selection.get("org", "")),
                selection.get("repo"),
                selection.get("issue_number"),
                selection.get("limit"),
            ),
            model=f"{group.provider}:{group.model}",
            label_prefix=options.get("label_prefix") or defaults.LABEL_PREFIX,
            fixed_labels=tuple(LabelRecord.model_validate(lb) for lb in fixed) if fixed else None,
            batch_size=group.batch_size,
            request_options=dict(options.get("request_options") or {}),
            max_enqueued_tokens=_positive(options.get("max_enqueued_tokens")),
            blind=bool(options.get("blind")),
            sample=sample,
            seed=selection.get("seed") if sample is not None else None,
            examples=_positive(options.get("examples")),
            example_refs=tuple(ExampleRef.from_document(ref) for ref in options.get("example_issues") or ()),
        )


def checked(request: SubmitRequest, provider: Provider) -> SubmitRequest:
    """Every option checked once against the provider it goes to; the labels file read and the request
    options the model accepts filled in. The model must be resolved already. The batch size is checked
    against a batch provider's limit (a live call has no batches)."""
    if isinstance(provider, BatchProvider):
        _check_batch_size(request.batch_size, provider)
    _check_sample(request)
    if request.max_enqueued_tokens is not None and request.max_enqueued_tokens < 1:
        raise InvalidOption("max_enqueued_tokens", request.max_enqueued_tokens, "must be at least 1")
    if request.examples is not None and request.examples < 1:
        raise InvalidOption("examples", request.examples, "must be at least 1")
    if request.concurrency < 1:
        raise InvalidOption("concurrency", request.concurrency, "must be at least 1")
    fixed = request.fixed_labels
    if request.labels_file is not None:
        from github_issue_analysis.ai.processors.product_labeling import load_labels_file

        fixed = load_labels_file(request.labels_file).labels
    sent = {**request.request_options, **_request_options(request, provider)}
    return replace(request, fixed_labels=fixed, request_options=sent)


def _check_batch_size(batch_size: int, provider: BatchProvider) -> None:
    """Refused, not capped: the provider's maximum is in the message."""
    if batch_size < 1:
        raise InvalidOption("batch_size", batch_size, "must be at least 1")
    if batch_size > provider.max_requests_per_batch:
        raise BatchSizeTooLarge(batch_size, provider.max_requests_per_batch, provider.name)


def _check_sample(request: SubmitRequest) -> None:
    if request.sample is None:
        if request.seed is not None:
            raise InvalidOption("seed", request.seed, "only chooses a sample: give a sample size as well")
        return
    if request.sample < 1:
        raise InvalidOption("sample", request.sample, "must be at least 1")
    if request.selection.limit is not None:
        raise InvalidOption("sample", request.sample, "draws from the whole selection: give no limit with it")


def _request_options(request: SubmitRequest, provider: Provider) -> dict[str, Any]:
    sent: dict[str, Any] = {}
    model = request.model_name
    if request.temperature is not None:
        low, high = provider.temperature_range
        if not (math.isfinite(request.temperature) and low <= request.temperature <= high):
            raise InvalidOption(
                "temperature", request.temperature, f"must be from {low:g} to {high:g} for {provider.name}"
            )
        if provider.model_accepts(model, "temperature"):
            sent["temperature"] = request.temperature
    if request.reasoning_effort is not None:
        if request.reasoning_effort not in REASONING_EFFORTS:
            raise InvalidOption("reasoning_effort", request.reasoning_effort, "must be minimal, low, medium or high")
        if provider.model_accepts(model, "reasoning_effort"):
            sent["reasoning_effort"] = request.reasoning_effort
    return sent


def _positive(value: Any) -> int | None:
    return int(value) if value else None


def resolved(
    request: SubmitRequest, default_model: str, provider_for: Callable[[str], AnyProvider]
) -> tuple[SubmitRequest, AnyProvider]:
    """The request completed once (model from `default_model` when none was asked for, every option checked)
    and the provider it goes to; `provider_for(name)` builds a provider."""
    registered_processor(request.processor)  # an unknown processor is named before anything else
    request = request.with_model(default_model)
    provider = provider_for(request.provider_name)
    return checked(request, provider), provider
