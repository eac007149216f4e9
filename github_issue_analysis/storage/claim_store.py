"""The claim that lets one process at a time write an organization's labels: taken, renewed, released."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from .owners import owner_is_dead
from .schema import label_claims
from .timeutil import as_utc, utcnow


@dataclass(frozen=True)
class ClaimRow:
    org: str
    owner: str | None
    until: datetime | None
    run_id: str | None
    kind: str | None


class ClaimStore:
    """Who writes an organization's labels now. A claim is taken by one conditional UPDATE (exactly one
    process wins, on SQLite and PostgreSQL alike), kept alive by renewing it, and free again when released,
    when it runs out, or when its process on this host is gone."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def claim(
        self, org: str, owner: str, kind: str, ttl: timedelta, run_id: str | None = None
    ) -> tuple[bool, ClaimRow]:
        """(taken, the claim as it stands afterwards)."""
        self._ensure_row(org)
        holder = self.holder(org)
        now = utcnow()
        free = [label_claims.c.claimed_by.is_(None), label_claims.c.claimed_until < now]
        if holder.owner and owner_is_dead(holder.owner):
            free.append(label_claims.c.claimed_by == holder.owner)
        values = {"claimed_by": owner, "claimed_until": now + ttl, "run_id": run_id, "kind": kind}
        with self.engine.begin() as conn:
            query = update(label_claims).where(label_claims.c.org == org, or_(*free)).values(**values)
            taken = conn.execute(query).rowcount == 1
        return taken, self.holder(org)

    def renew(self, org: str, owner: str, ttl: timedelta, run_id: str | None = None) -> bool:
        """Extend the claim (and name the run it works on); False when it is no longer this owner's."""
        values: dict[str, Any] = {"claimed_until": utcnow() + ttl}
        if run_id is not None:
            values["run_id"] = run_id
        where = (label_claims.c.org == org, label_claims.c.claimed_by == owner)
        with self.engine.begin() as conn:
            return bool(conn.execute(update(label_claims).where(*where).values(**values)).rowcount == 1)

    def release(self, org: str, owner: str) -> None:
        where = (label_claims.c.org == org, label_claims.c.claimed_by == owner)
        cleared = {"claimed_by": None, "claimed_until": None, "run_id": None, "kind": None}
        with self.engine.begin() as conn:
            conn.execute(update(label_claims).where(*where).values(**cleared))

    def holder(self, org: str) -> ClaimRow:
        with self.engine.connect() as conn:
            row = conn.execute(select(label_claims).where(label_claims.c.org == org)).first()
        if row is None:
            return ClaimRow(org, None, None, None, None)
        return ClaimRow(org, row.claimed_by, as_utc(row.claimed_until), row.run_id, row.kind)

    def _ensure_row(self, org: str) -> None:
        """The organization's (unclaimed) row; a concurrent insert of the same row is fine."""
        with self.engine.connect() as conn:
            if conn.execute(select(label_claims.c.org).where(label_claims.c.org == org)).first() is not None:
                return
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(label_claims).values(org=org))
        except IntegrityError:
            pass
