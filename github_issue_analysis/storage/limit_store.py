"""Enqueued-token limits a provider stated when it refused a batch, kept per provider account and model so
that later groups start within them."""

from __future__ import annotations

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError

from .schema import batch_limits
from .timeutil import utcnow


class LimitStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def learned(self, provider: str, account: str, model: str) -> int | None:
        with self.engine.connect() as conn:
            value = conn.execute(
                select(batch_limits.c.max_enqueued_tokens).where(
                    batch_limits.c.provider == provider,
                    batch_limits.c.account == account,
                    batch_limits.c.model == model,
                )
            ).scalar()
        return int(value) if value is not None else None

    def learn(self, provider: str, account: str, model: str, max_enqueued_tokens: int) -> None:
        """Record the newest stated limit (update, else insert; portable across SQLite and PostgreSQL)."""
        key = {"provider": provider, "account": account[:200], "model": model}
        values = {"max_enqueued_tokens": max_enqueued_tokens, "learned_at": utcnow()}
        where = [batch_limits.c[name] == value for name, value in key.items()]
        try:
            with self.engine.begin() as conn:
                if not conn.execute(update(batch_limits).where(*where).values(**values)).rowcount:
                    conn.execute(batch_limits.insert().values(**key, **values))
        except IntegrityError:  # another process inserted the same key first: ours is newer
            with self.engine.begin() as conn:
                conn.execute(update(batch_limits).where(*where).values(**values))
