"""The store's generation: how many steps that paid or wrote to GitHub this store has seen, compared at the
start of each triage step with the generation recorded where it cannot go stale (docs/state.md).

Revision ID: 0011_store_generation
Revises: 0010_group_selections
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_store_generation"
down_revision = "0010_group_selections"


def upgrade() -> None:
    op.create_table(
        "store_generation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("accepted", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
