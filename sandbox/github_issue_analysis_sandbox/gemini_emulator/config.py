"""Settings of the Gemini batch-mode emulator: time scale, documented limits and switchable faults.

Every field can be changed at runtime (directly, or through `POST /_sandbox/config`); timing fields are read
when a batch is created, so a running batch keeps the schedule it started with.
"""

from __future__ import annotations

from pydantic import Field

from ..emulator_common import EmulatorSettings, Rate

HOUR_SECONDS = 3600.0


class GeminiEmulatorConfig(EmulatorSettings):
    """`api_key`, when set, is the only key accepted (as `x-goog-api-key` or the `key` query parameter)."""

    # --- time scale (emulator clock seconds); a "48 h" batch runs in seconds
    pending_seconds: float = Field(default=0.1, ge=0)
    processing_seconds: float = Field(default=2.0, ge=0)
    cancelling_seconds: float = Field(default=0.1, ge=0)
    """A cancel is asynchronous: the batch stays RUNNING this long, then is CANCELLED."""
    expire_after_seconds: float | None = Field(default=None, ge=0)
    """Seconds after creation at which an unfinished batch expires; None = never (the real API: 48 h)."""
    file_retention_seconds: float = Field(default=48 * HOUR_SECONDS, gt=0)
    """Uploaded and output files are deleted this long after creation (documented: 48 hours)."""

    # --- documented limits
    max_request_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    """A request body over this is refused (documented: 20 MB, which bounds inlined batches)."""
    max_file_bytes: int = Field(default=2 * 1024 * 1024 * 1024, ge=1)
    """Largest upload (documented: 2 GB per file)."""
    max_concurrent_batches: int | None = Field(default=100, ge=0)
    """Batches pending or running at once; a create past it answers 429. None = unlimited."""
    enqueued_token_limit: int | None = Field(default=None, ge=0)
    """Prompt tokens of a model's pending and running batches (the documented "batch enqueued tokens" limit
    of the tier); a create past it answers 429 RESOURCE_EXHAUSTED. None = unlimited."""
    default_page_size: int = Field(default=20, ge=1)
    max_page_size: int = Field(default=1000, ge=1)
    """A larger `pageSize` is lowered to this, as Google's list methods do."""

    # --- what a cancelled batch keeps
    keep_output_on_cancel: bool = True
    """A cancelled batch returns the answers of the requests it ran before the cancel (the rest: a CANCELLED
    error each). The reference does not say; switch off to test a client that gets no output back."""

    # --- usage the offline answers report
    thinking_tokens: int = Field(default=0, ge=0)
    """`thoughtsTokenCount` of each answer (billed as output), unless the request sets `thinkingBudget: 0`."""
    cached_token_rate: Rate = Field(default=0.0, ge=0, le=1)
    """Share of each prompt reported as `cachedContentTokenCount` (implicit caching)."""

    # --- faults besides those of EmulatorSettings
    batch_failure_rate: Rate = Field(default=0.0, ge=0, le=1)
    """Batches that end BATCH_STATE_FAILED (with an `error` and no output) instead of succeeding."""
    shuffle_file_results: bool = True
    """Write the output file out of input order (match lines by `key`)."""
