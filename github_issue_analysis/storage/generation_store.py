"""The store's own generation (one row): how many steps that paid or wrote to GitHub it has seen. A triage step
compares it with the generation recorded where the store cannot go stale (pipeline/triage_state.py)."""

from __future__ import annotations

from sqlalchemy import Engine, func, select, update

from .schema import issues, store_generation
from .timeutil import utcnow


class GenerationStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def current(self) -> int:
        with self.engine.connect() as conn:
            value = conn.execute(select(store_generation.c.generation).where(store_generation.c.id == 1)).scalar()
        return int(value or 0)

    def set(self, generation: int) -> None:
        self._write({"generation": generation})

    def accept(self, generation: int) -> None:
        """A person accepted this store at `generation`: until `settle`, triage's submit takes issues that carry
        the taxonomy's labels on GitHub as sent (a step this store never heard of may have paid for them)."""
        self._write({"generation": generation, "accepted": True})

    def accepted(self) -> bool:
        with self.engine.connect() as conn:
            return bool(conn.execute(select(store_generation.c.accepted).where(store_generation.c.id == 1)).scalar())

    def settle(self) -> None:
        if self.accepted():
            self._write({"accepted": False})

    def _write(self, values: dict[str, object]) -> None:
        values = {**values, "updated_at": utcnow()}
        with self.engine.begin() as conn:
            if not conn.execute(update(store_generation).where(store_generation.c.id == 1).values(**values)).rowcount:
                conn.execute(store_generation.insert().values({"id": 1, "generation": 0, "accepted": False, **values}))

    def empty(self) -> bool:
        """No issue stored: a store made afresh (a cache miss, a new runner)."""
        with self.engine.connect() as conn:
            return not conn.execute(select(func.count()).select_from(issues)).scalar()
