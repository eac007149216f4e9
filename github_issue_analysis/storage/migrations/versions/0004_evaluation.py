"""Evaluations: each evaluation's figures per batch group, with the threshold found for a target precision.

Revision ID: 0004_evaluation
Revises: 0003_labels
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_evaluation"
down_revision = "0003_labels"


def upgrade() -> None:
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("group_id", sa.String(64), sa.ForeignKey("batch_groups.id", ondelete="CASCADE"), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("blind", sa.Boolean, nullable=False),
        sa.Column("min_confidence", sa.Float, nullable=False),
        sa.Column("target_precision", sa.Float),
        sa.Column("threshold", sa.Float),
        sa.Column("issues_scored", sa.Integer, nullable=False),
        sa.Column("micro_f1", sa.Float),
        sa.Column("figures", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_evaluations_group_id", "evaluations", ["group_id"])
