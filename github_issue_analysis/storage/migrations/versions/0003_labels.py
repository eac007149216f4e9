"""Review decisions per result, label apply runs and the audit of every GitHub label write.

Revision ID: 0003_labels
Revises: 0002_batches
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_labels"
down_revision = "0002_batches"

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id", ondelete="CASCADE"), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("labels", sa.JSON),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("decided_at", TZ, nullable=False),
        sa.Column("note", sa.Text),
        sa.UniqueConstraint("result_id", name="uq_review_decisions_result_id"),
    )
    op.create_table(
        "label_runs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("org", sa.String(200), nullable=False),
        sa.Column("login", sa.String(200)),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("reverts_run_id", sa.String(64)),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ),
    )
    op.create_table(
        "label_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(64), sa.ForeignKey("label_runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("org", sa.String(200), nullable=False),
        sa.Column("repo", sa.String(200), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("label", sa.String(200)),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("labels_before", sa.JSON),
        sa.Column("labels_after", sa.JSON),
        sa.Column("result_id", sa.Integer),
        sa.Column("model", sa.String(200)),
        sa.Column("login", sa.String(200)),
        sa.Column("body", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("confirmed_at", TZ),
    )
    op.create_index("ix_label_changes_run_id", "label_changes", ["run_id"])
    op.create_index("ix_label_changes_issue", "label_changes", ["org", "repo", "number"])
