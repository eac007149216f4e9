"""Settings of the OpenAI Batch API emulator: time scale, documented limits and switchable faults.

Every field can be changed at runtime (directly on the object, or through `POST /_sandbox/config`);
timing fields are read when a batch is created, so a running batch keeps the schedule it started with.
"""

from __future__ import annotations

from pydantic import Field, ValidationError

from ..emulator_common import EmulatorSettings


class EmulatorConfig(EmulatorSettings):
    """`api_key`, when set, is the only `Authorization: Bearer` key accepted."""

    # --- identity
    organization: str = "org-sandbox"

    # --- time scale (emulator clock seconds); a "24h" batch runs in seconds
    validating_seconds: float = Field(default=0.1, ge=0)
    processing_seconds: float = Field(default=2.0, ge=0)
    finalizing_seconds: float = Field(default=0.1, ge=0)
    cancelling_seconds: float = Field(default=0.1, ge=0)
    expire_after_seconds: float | None = Field(default=None, ge=0)
    """Seconds after creation at which an unfinished batch expires; None = never."""

    # --- documented limits
    max_requests_per_batch: int = Field(default=50_000, ge=1)
    max_file_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    enqueued_token_limit: int | None = Field(default=None, ge=0)
    """Per-model limit on prompt tokens of batches validating/in progress/finalizing; None = unlimited."""
    enqueued_token_limits: dict[str, int] = Field(default_factory=dict)
    """Per-model overrides of `enqueued_token_limit`."""
    max_batches_per_hour: int = Field(default=2000, ge=0)
    max_validation_errors: int = Field(default=100, ge=1)

    # --- faults besides those of EmulatorSettings
    # broken endpoints, by route name ("POST /v1/batches", "GET /v1/batches/{batch_id}", ...)
    html_routes: list[str] = Field(default_factory=list)
    """Routes that answer 200 with an HTML page (as a proxy or captive portal in the way does)."""
    omit_fields: dict[str, list[str]] = Field(default_factory=dict)
    """Top-level fields left out of a route's JSON answer, e.g. {"POST /v1/batches": ["id"]}."""
    hang_requests: int = Field(default=0, ge=0)
    """The next this many API requests are accepted and not answered for `hang_seconds`."""
    hang_seconds: float = Field(default=3600.0, ge=0)

    def token_limit_for(self, model: str) -> int | None:
        return self.enqueued_token_limits.get(model, self.enqueued_token_limit)


__all__ = ["EmulatorConfig", "ValidationError"]
