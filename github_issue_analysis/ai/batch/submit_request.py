"""Turn SubmitOptions into the SubmitRequest the group manager plans with, checking every option once."""

from __future__ import annotations

import math
from typing import Any

from github_issue_analysis import defaults
from github_issue_analysis.ai.processors.product_labeling import load_labels_file
from github_issue_analysis.ai.providers.base import BatchProvider
from github_issue_analysis.ai.registry import parse_model, processor
from github_issue_analysis.errors import AmbiguousIssueNumber, BatchSizeTooLarge, InvalidOption
from github_issue_analysis.storage.issue_store import IssueSelection, IssueStore

from .batch_group_manager import SubmitRequest
from .options import SubmitOptions
from .sampling import DEFAULT_SEED

REASONING_EFFORTS = ("minimal", "low", "medium", "high")


def build_request(options: SubmitOptions, provider_for: Any) -> tuple[SubmitRequest, BatchProvider]:
    """The request and the provider it goes to; `provider_for(name)` builds a provider."""
    processor(options.processor)
    provider_name, model = parse_model(options.model or defaults.MODEL)
    provider: BatchProvider = provider_for(provider_name)
    check_batch_size(options.batch_size, provider)
    fixed = load_labels_file(options.labels_file).labels if options.labels_file is not None else None
    request = SubmitRequest(
        processor=options.processor,
        selection=IssueSelection(options.org, options.repo, options.issue_number, options.limit),
        model=model,
        provider=provider_name,
        label_prefix=options.label_prefix,
        fixed_labels=fixed,
        batch_size=options.batch_size,
        reprocess=options.reprocess,
        request_options=_request_options(options, provider, model),
        blind=options.blind,
        sample=options.sample,
        seed=_sample_seed(options),
    )
    return request, provider


def _sample_seed(options: SubmitOptions) -> int:
    if options.sample is None:
        if options.seed is not None:
            raise InvalidOption("seed", options.seed, "only chooses a sample: give a sample size as well")
        return DEFAULT_SEED
    if options.sample < 1:
        raise InvalidOption("sample", options.sample, "must be at least 1")
    if options.limit is not None:
        raise InvalidOption("sample", options.sample, "draws from the whole selection: give no limit with it")
    return DEFAULT_SEED if options.seed is None else options.seed


def check_issue_number(issues: IssueStore, selection: IssueSelection) -> None:
    """An issue number without a repository is fine while it names one issue of the organization."""
    if selection.issue_number is None or selection.repo is not None:
        return
    repos = sorted({issue.repo for issue in issues.select_issues(selection)})
    if len(repos) > 1:
        raise AmbiguousIssueNumber(selection.issue_number, selection.org, repos)


def check_batch_size(batch_size: int, provider: BatchProvider) -> None:
    """Refused, not capped: the provider's maximum is in the message."""
    if batch_size < 1:
        raise InvalidOption("batch_size", batch_size, "must be at least 1")
    if batch_size > provider.max_requests_per_batch:
        raise BatchSizeTooLarge(batch_size, provider.max_requests_per_batch, provider.name)


def _request_options(options: SubmitOptions, provider: BatchProvider, model: str) -> dict[str, Any]:
    sent: dict[str, Any] = {}
    if options.temperature is not None:
        low, high = provider.temperature_range
        if not (math.isfinite(options.temperature) and low <= options.temperature <= high):
            raise InvalidOption(
                "temperature", options.temperature, f"must be from {low:g} to {high:g} for {provider.name}"
            )
    if options.max_enqueued_tokens is not None and options.max_enqueued_tokens < 1:
        raise InvalidOption("max_enqueued_tokens", options.max_enqueued_tokens, "must be at least 1")
    if options.temperature is not None and provider.model_accepts(model, "temperature"):
        sent["temperature"] = options.temperature
    if options.reasoning_effort is not None:
        if options.reasoning_effort not in REASONING_EFFORTS:
            raise InvalidOption("reasoning_effort", options.reasoning_effort, "must be minimal, low, medium or high")
        if provider.model_accepts(model, "reasoning_effort"):
            sent["reasoning_effort"] = options.reasoning_effort
    return sent
