"""Turn `batch submit` options into a SubmitRequest, with one-line errors for bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from github_issue_analysis.ai.batch.batch_group_manager import SubmitRequest
from github_issue_analysis.ai.processors.base import ProcessorInputError
from github_issue_analysis.ai.processors.product_labeling import load_labels_file
from github_issue_analysis.ai.providers import parse_model, provider_for
from github_issue_analysis.errors import UsageError
from github_issue_analysis.storage.issue_store import IssueSelection

from . import context


def build_submit_request(
    processor: str,
    org: str,
    repo: str | None,
    issue_number: int | None,
    limit: int | None,
    model: str,
    label_prefix: str,
    labels_file: Path | None,
    batch_size: int,
    temperature: float | None,
    reasoning_effort: str | None,
    reprocess: bool,
) -> SubmitRequest:
    try:
        provider_name, model_name = parse_model(model)
    except ValueError as error:
        raise UsageError(str(error)) from None
    fixed = None
    if labels_file is not None:
        try:
            fixed = load_labels_file(labels_file).labels
        except ProcessorInputError as error:
            raise UsageError(str(error)) from None
    provider = provider_for(provider_name, context.settings())
    options: dict[str, Any] = {}
    if temperature is not None and provider.model_accepts(model_name, "temperature"):
        options["temperature"] = temperature
    if reasoning_effort is not None:
        if reasoning_effort not in ("minimal", "low", "medium", "high"):
            raise UsageError("--reasoning-effort must be minimal, low, medium or high")
        if provider.model_accepts(model_name, "reasoning_effort"):
            options["reasoning_effort"] = reasoning_effort
    return SubmitRequest(
        processor=processor,
        selection=IssueSelection(org, repo, issue_number, limit),
        model=model_name,
        provider=provider_name,
        label_prefix=label_prefix,
        fixed_labels=fixed,
        batch_size=batch_size,
        reprocess=reprocess,
        request_options=options,
    )
