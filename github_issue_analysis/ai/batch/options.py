"""What `batch submit` asks for, as one object (the CLI fills it; scripts may too)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from github_issue_analysis import defaults


@dataclass(frozen=True)
class SubmitOptions:
    processor: str
    org: str
    repo: str | None = None
    issue_number: int | None = None
    limit: int | None = None
    model: str | None = None  # PROVIDER:NAME; None: the configured default (GH_ANALYSIS_MODEL)
    label_prefix: str = defaults.LABEL_PREFIX
    labels_file: Path | None = None
    batch_size: int = defaults.BATCH_SIZE
    temperature: float | None = None
    reasoning_effort: str | None = None
    reprocess: bool = False
    concurrency: int = defaults.CONCURRENCY
    max_enqueued_tokens: int | None = None
    blind: bool = False  # leave each issue's current taxonomy labels out of the prompt
    sample: int | None = None  # a stratified sample of this many issues people labelled
    seed: int | None = None  # of the sample (default 0)
