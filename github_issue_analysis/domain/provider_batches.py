"""A provider's batch and one answer line in provider-neutral terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .jobs import ItemErrorKind, JobStatus
from .usage import TokenUsage

# What every batch we create says about itself (as metadata, or in its name where a provider has no
# metadata), so that the tool can find its own batches again after a crash.
META_GROUP = "gh_analysis_group"
META_JOB = "gh_analysis_job"
META_ATTEMPT = "gh_analysis_attempt"


@dataclass(frozen=True)
class ProviderBatch:
    """A provider's batch in provider-neutral terms; `raw_status` keeps the provider's own string."""

    id: str
    status: JobStatus
    raw_status: str
    metadata: dict[str, str]
    created_at: datetime | None = None
    total: int = 0
    completed: int = 0
    failed: int = 0
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: list[str] = field(default_factory=list)
    error_codes: list[str] = field(default_factory=list)
    input_tokens: int | None = None
    output_tokens: int | None = None


@dataclass(frozen=True)
class ItemOutcome:
    """One line of an output or error file, read by custom_id."""

    custom_id: str
    content: str | None = None
    error_kind: ItemErrorKind | None = None
    error_message: str | None = None
    usage: TokenUsage = field(default_factory=TokenUsage)

    @property
    def input_tokens(self) -> int:
        return self.usage.input_tokens

    @property
    def output_tokens(self) -> int:
        return self.usage.output_tokens
