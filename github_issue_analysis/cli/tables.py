"""Table columns shared by every command: an id is never cut (the commands that take it need all of it); the
other columns wrap."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.table import Table

GROUP_TABLE_ROWS = 50  # rows of a group's batches in tables: 2,000 help no one and take seconds to draw


def add_id_column(table: Table, header: str, ids: Iterable[str], **options: object) -> None:
    """A column as wide as its longest id, never wrapped or shortened with an ellipsis (at worst folded)."""
    widest = max((len(value) for value in ids), default=len(header))
    table.add_column(header, no_wrap=True, overflow="fold", min_width=max(widest, len(header)), **options)  # type: ignore[arg-type]


def usd(value: float | None) -> str:
    """A cost in US dollars, or why there is none."""
    return "unknown (no price for this model)" if value is None else f"${value:,.4f}"
