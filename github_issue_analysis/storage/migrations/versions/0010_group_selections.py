"""Group selections: a group planned chunk by chunk keeps its whole ordered selection and how far it is planned,
so a run cut short between chunks is finished by the next one.

Revision ID: 0010_group_selections
Revises: 0009_issue_claims
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_group_selections"
down_revision = "0009_issue_claims"


def upgrade() -> None:
    op.create_table(
        "group_selections",
        sa.Column("group_id", sa.String(64), sa.ForeignKey("batch_groups.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("issue_ids", sa.JSON, nullable=False),
        sa.Column("planned_through", sa.Integer, nullable=False),
        sa.Column("skips_taken", sa.Boolean, nullable=False),
    )
