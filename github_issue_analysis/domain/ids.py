"""What a batch id names: a group or a child job. Ids are at most MAX_ID_LENGTH characters (the store's id
columns), and a unique, case-sensitive prefix of one names the same thing (storage/id_lookup.py finds it)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_ID_LENGTH = 64


class IdKind(StrEnum):
    GROUP = "group"
    JOB = "job"


@dataclass(frozen=True)
class FoundId:
    """What an id names: a group, or a job (a single-batch submission's group id is its job id: one thing,
    reported as the job). `group_id` is the group the thing belongs to (a group's own id for a group)."""

    kind: IdKind
    id: str
    group_id: str
