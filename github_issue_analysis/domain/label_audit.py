"""Label runs and the GitHub label writes they make, as the audit keeps them: the states a change moves through
and the statuses of a run (enums with checked values, as batch jobs' statuses are in jobs.py)."""

from __future__ import annotations

from enum import StrEnum


class ChangeState(StrEnum):
    """One label write. `pending`: recorded before it is sent (it may have reached GitHub). `confirmed`: GitHub
    answered. `failed`: GitHub refused it. `skipped`: a re-check found it no longer wanted."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    FAILED = "failed"
    SKIPPED = "skipped"

    @property
    def is_final(self) -> bool:
        return self is not ChangeState.PENDING


class RunStatus(StrEnum):
    """A label run (apply or revert): `running` until no change of it is pending, then `completed`."""

    RUNNING = "running"
    COMPLETED = "completed"
