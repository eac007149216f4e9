"""Issue claims: a submitting run holds the issues (per processor) it is about to record, under a lease, so a
run planning at the same time skips them instead of sending them twice. Portable SQL: a claim is a row whose
primary key (issue, processor) lets exactly one run insert it, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, bindparam, delete, insert, or_, select
from sqlalchemy.exc import IntegrityError

from .owners import owner_is_dead
from .schema import issue_claims
from .timeutil import as_utc, utcnow

_CHUNK = 500
_ATTEMPTS = 8


class IssueClaimStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def take(self, issue_ids: Sequence[int], processor: str, owner: str, run_id: str, ttl: timedelta) -> set[int]:
        """Claim every issue no other live run holds; return the ones another run holds (left alone). A claim
        whose lease ran out, or whose process on this host is gone, is taken over."""
        for _ in range(_ATTEMPTS):
            try:
                return self._take_once(list(issue_ids), processor, owner, run_id, ttl)
            except IntegrityError:  # another run inserted one of them meanwhile: look again
                continue
        return set(self.held_by_others(issue_ids, processor, owner))

    def release(self, processor: str, run_id: str) -> None:
        where = and_(issue_claims.c.processor == processor, issue_claims.c.run_id == run_id)
        with self.engine.begin() as conn:
            conn.execute(delete(issue_claims).where(where))

    def held_by_others(self, issue_ids: Sequence[int], processor: str, owner: str) -> dict[int, str]:
        """{issue id: run id} of live claims by other runs."""
        now = utcnow()
        return {
            issue_id: run_id
            for issue_id, by, run_id, until in self._claims(issue_ids, processor)
            if by != owner and until > now and not owner_is_dead(by)
        }

    def _take_once(self, ids: list[int], processor: str, owner: str, run_id: str, ttl: timedelta) -> set[int]:
        now = utcnow()
        existing = self._claims(ids, processor)
        stale_owners = {by for _, by, _, until in existing if until <= now or by == owner or owner_is_dead(by)}
        held = {issue_id for issue_id, by, _, _ in existing if by not in stale_owners}
        expired = or_(issue_claims.c.claimed_until <= now, issue_claims.c.claimed_by.in_(stale_owners or {""}))
        stale = [issue_id for issue_id, by, _, _ in existing if by in stale_owners]
        rows = [
            {"issue_id": i, "processor": processor, "claimed_by": owner, "run_id": run_id, "claimed_until": now + ttl}
            for i in dict.fromkeys(ids)
            if i not in held
        ]
        with self.engine.begin() as conn:
            for start in range(0, len(stale), _CHUNK):
                chunk = stale[start : start + _CHUNK]
                where = and_(issue_claims.c.processor == processor, issue_claims.c.issue_id.in_(chunk), expired)
                conn.execute(delete(issue_claims).where(where))
            for start in range(0, len(rows), _CHUNK):
                conn.execute(insert(issue_claims), rows[start : start + _CHUNK])
        return held

    def _claims(self, issue_ids: Sequence[int], processor: str) -> list[tuple[int, str, str, datetime]]:
        query = select(
            issue_claims.c.issue_id, issue_claims.c.claimed_by, issue_claims.c.run_id, issue_claims.c.claimed_until
        ).where(issue_claims.c.processor == processor, issue_claims.c.issue_id.in_(bindparam("ids", expanding=True)))
        now = utcnow()
        found: list[tuple[int, str, str, datetime]] = []
        with self.engine.connect() as conn:
            for start in range(0, len(issue_ids), _CHUNK):
                for row in conn.execute(query, {"ids": list(issue_ids[start : start + _CHUNK])}):
                    found.append((row.issue_id, row.claimed_by, row.run_id, as_utc(row.claimed_until) or now))
        return found
