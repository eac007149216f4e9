"""The claim a submission holds on its issues while it records them, so that runs planning at the same time
(on this machine or another one sharing the store) never send the same issues twice: a run claims the issues
it planned, leaves out those another run holds or recorded meanwhile, records its group, then lets go (the
recorded items keep the issues in flight from then on)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import TracebackType

from github_issue_analysis.storage.issue_claim_store import IssueClaimStore
from github_issue_analysis.storage.owners import process_owner

CLAIM_TTL = timedelta(minutes=10)
"""A lease far above the seconds a group takes to record; a run that died holding claims frees them by then
(at once on its own host, where its process is seen to be gone)."""


class SubmitClaim:
    def __init__(self, claims: IssueClaimStore, processor: str, ttl: timedelta = CLAIM_TTL) -> None:
        self.claims = claims
        self.processor = processor
        self.ttl = ttl
        self.owner = process_owner()
        self.run_id = uuid.uuid4().hex[:16]

    def take(self, issue_ids: list[int]) -> set[int]:
        """Claim the issues; return those another run holds."""
        return self.claims.take(issue_ids, self.processor, self.owner, self.run_id, self.ttl)

    def __enter__(self) -> SubmitClaim:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.claims.release(self.processor, self.run_id)
