"""Settings of the Anthropic Message Batches emulator: time scale, documented limits and switchable faults.

Every field can be changed at runtime (directly, or through `POST /_sandbox/config`); timing fields are read
when a batch is created, so a running batch keeps the schedule it started with.
"""

from __future__ import annotations

from pydantic import Field

from ..emulator_common import EmulatorSettings

DAY_SECONDS = 24 * 3600.0


class AnthropicEmulatorConfig(EmulatorSettings):
    """`api_key`, when set, is accepted as `x-api-key` or `Authorization: Bearer`."""

    # --- time scale (emulator clock seconds); a "24h" batch runs in seconds
    processing_seconds: float = Field(default=2.0, ge=0)
    canceling_seconds: float = Field(default=0.1, ge=0)
    expire_after_seconds: float | None = Field(default=None, ge=0)
    """Seconds after creation at which an unfinished batch expires; None = never (the real API: 24 h)."""
    results_retention_seconds: float = Field(default=29 * DAY_SECONDS, gt=0)
    """Results can be downloaded for this long after creation (documented: 29 days)."""

    # --- documented limits
    max_requests_per_batch: int = Field(default=100_000, ge=1)
    max_batch_bytes: int = Field(default=256 * 1024 * 1024, ge=1)
    max_message_bytes: int = Field(default=32 * 1024 * 1024, ge=1)
    queue_limit: int | None = Field(default=None, ge=0)
    """Requests waiting in unfinished batches of the account; a create past it answers 429. None = unlimited."""

    # --- faults (and those of EmulatorSettings)
    shuffle_results: bool = True
    """Write results out of request order, as the documentation warns they may be (match by custom_id)."""
