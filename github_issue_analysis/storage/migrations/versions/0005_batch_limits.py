"""Enqueued-token limits learned from a provider's refusals, per provider account and model.

Revision ID: 0005_batch_limits
Revises: 0004_evaluation
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_batch_limits"
down_revision = "0004_evaluation"


def upgrade() -> None:
    op.create_table(
        "batch_limits",
        sa.Column("provider", sa.String(50), primary_key=True),
        sa.Column("account", sa.String(200), primary_key=True),
        sa.Column("model", sa.String(200), primary_key=True),
        sa.Column("max_enqueued_tokens", sa.Integer, nullable=False),
        sa.Column("learned_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("batch_limits")
