"""Label claims: one process at a time writes an organization's labels (apply, revert, resuming a run).

Revision ID: 0006_label_claims
Revises: 0005_batch_limits
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_label_claims"
down_revision = "0005_batch_limits"


def upgrade() -> None:
    op.create_table(
        "label_claims",
        sa.Column("org", sa.String(200), primary_key=True),
        sa.Column("claimed_by", sa.String(200)),
        sa.Column("claimed_until", sa.DateTime(timezone=True)),
        sa.Column("run_id", sa.String(64)),
        sa.Column("kind", sa.String(20)),
    )
