"""One process at a time writes an organization's labels (apply, revert, and resuming an interrupted run):
it claims the organization before it plans, renews the claim while it works, and releases it at the end. A
second process finds it claimed and refuses, naming the run. Every change of the organization's runs, pending
or being sent, belongs to the claimant: each write is sent only after the claim was renewed (`check`), and
after every wait, so a process that stalled past its claim stops before sending anything more."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from types import TracebackType

from github_issue_analysis.errors import OperationFailed
from github_issue_analysis.storage.claim_store import ClaimRow, ClaimStore
from github_issue_analysis.storage.owners import process_owner

CLAIM_TTL = timedelta(minutes=5)
"""Well above one request's timeout, so a write sent right after a renewal lands before anyone may take over."""
RENEW_SECONDS = 30.0


class LabelsBusy(OperationFailed):
    def __init__(self, holder: ClaimRow) -> None:
        what = f"run {holder.run_id}" if holder.run_id else "another labels run"
        until = f"{holder.until:%H:%M:%S} UTC" if holder.until else "when it ends"
        super().__init__(
            f"{what} ({holder.kind or 'apply'}, process {holder.owner}) is writing {holder.org}'s labels now; "
            f"run again when it has finished (if that process hangs, its claim runs out at {until})"
        )
        self.holder = holder


class ClaimLost(OperationFailed):
    def __init__(self, org: str) -> None:
        super().__init__(
            f"another process took over {org}'s labels while this one was held up; this one stopped before "
            "sending anything more (what it left is finished by the other one, or by the next apply)"
        )
        self.org = org


class OrgClaim:
    def __init__(
        self,
        claims: ClaimStore,
        org: str,
        kind: str,
        *,
        run_id: str | None = None,
        owner: str | None = None,
        ttl: timedelta = CLAIM_TTL,
        renew_seconds: float = RENEW_SECONDS,
    ) -> None:
        self.claims = claims
        self.org = org
        self.kind = kind
        self.run_id = run_id
        self.owner = owner or process_owner()
        self.ttl = ttl
        self.renew_seconds = renew_seconds
        self.lost = False
        self._keeper: asyncio.Task[None] | None = None

    async def __aenter__(self) -> OrgClaim:
        taken, holder = self.claims.claim(self.org, self.owner, self.kind, self.ttl, self.run_id)
        if not taken:
            raise LabelsBusy(holder)
        self._keeper = asyncio.create_task(self._keep())
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
        self.claims.release(self.org, self.owner)

    def working_on(self, run_id: str) -> None:
        """Name the run being carried out (what a refused process is told)."""
        self._renew(run_id)

    def check(self) -> None:
        """Renew the claim before a write; ClaimLost when another process holds it now."""
        self._renew(None)

    def _renew(self, run_id: str | None) -> None:
        if self.lost or not self.claims.renew(self.org, self.owner, self.ttl, run_id):
            self.lost = True
            raise ClaimLost(self.org)

    async def _keep(self) -> None:
        while not self.lost:
            await asyncio.sleep(self.renew_seconds)
            self.lost = not self.claims.renew(self.org, self.owner, self.ttl)
