"""Issue claims: a submitting run holds the issues it is about to record, so a concurrent run skips them.

Revision ID: 0009_issue_claims
Revises: 0008_triage
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_issue_claims"
down_revision = "0008_triage"


def upgrade() -> None:
    op.create_table(
        "issue_claims",
        sa.Column("issue_id", sa.Integer, sa.ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("processor", sa.String(100), primary_key=True),
        sa.Column("claimed_by", sa.String(200), nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=False),
    )
