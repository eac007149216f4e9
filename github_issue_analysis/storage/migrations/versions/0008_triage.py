"""Triage (issue 19): each group's setup fingerprint, the content fingerprint each issue was last sent with,
and whether each label the tool applied was kept or removed by a person.

Revision ID: 0008_triage
Revises: 0007_i21_answer_usage
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_triage"
down_revision = "0007_i21_answer_usage"


def upgrade() -> None:
    op.create_table(
        "group_setups",
        sa.Column("group_id", sa.String(64), sa.ForeignKey("batch_groups.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("org", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("setup", sa.JSON, nullable=False),
        sa.Column("purpose", sa.String(20)),
        sa.Column("estimated_usd", sa.Float),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_group_setups_fingerprint", "group_setups", ["fingerprint"])
    op.create_table(
        "triage_issues",
        sa.Column("issue_id", sa.Integer, sa.ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("group_id", sa.String(64)),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "applied_label_outcomes",
        sa.Column("change_id", sa.Integer, primary_key=True),
        sa.Column("org", sa.String(200), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_applied_label_outcomes_org_label", "applied_label_outcomes", ["org", "label"])
