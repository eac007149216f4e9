"""Batch groups, their child jobs, job items (custom_id <-> issue) and results with history.

Revision ID: 0002_batches
Revises: 0001_issues
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_batches"
down_revision = "0001_issues"

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "batch_groups",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("processor", sa.String(100), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(50), nullable=False),
        sa.Column("is_split", sa.Boolean, nullable=False),
        sa.Column("batch_size", sa.Integer, nullable=False),
        sa.Column("total_issues", sa.Integer, nullable=False),
        sa.Column("selection", sa.JSON, nullable=False),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "batch_jobs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("group_id", sa.String(64), sa.ForeignKey("batch_groups.id", ondelete="CASCADE"), nullable=False),
        sa.Column("batch_sequence", sa.Integer, nullable=False),
        sa.Column("total_batches_in_group", sa.Integer, nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("superseded", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("raw_status", sa.String(40)),
        sa.Column("provider_batch_id", sa.String(200)),
        sa.Column("input_file_id", sa.String(200)),
        sa.Column("output_file_id", sa.String(200)),
        sa.Column("error_file_id", sa.String(200)),
        sa.Column("total_items", sa.Integer, nullable=False),
        sa.Column("completed_items", sa.Integer, nullable=False),
        sa.Column("failed_items", sa.Integer, nullable=False),
        sa.Column("estimated_tokens", sa.Integer, nullable=False),
        sa.Column("input_bytes", sa.BigInteger, nullable=False),
        sa.Column("input_tokens", sa.Integer),
        sa.Column("output_tokens", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("claimed_by", sa.String(100)),
        sa.Column("claimed_until", TZ),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("submitted_at", TZ),
        sa.Column("finished_at", TZ),
        sa.Column("collected_at", TZ),
    )
    op.create_index("ix_batch_jobs_group_id", "batch_jobs", ["group_id"])
    op.create_table(
        "job_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("job_id", sa.String(64), sa.ForeignKey("batch_jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("issue_id", sa.Integer, sa.ForeignKey("issues.id", ondelete="CASCADE"), nullable=False),
        sa.Column("custom_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("error_kind", sa.String(40)),
        sa.Column("error_message", sa.Text),
        sa.UniqueConstraint("job_id", "custom_id", name="uq_job_items_job_custom_id"),
    )
    op.create_index("ix_job_items_issue_id", "job_items", ["issue_id"])
    op.create_table(
        "results",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("issue_id", sa.Integer, sa.ForeignKey("issues.id", ondelete="CASCADE"), nullable=False),
        sa.Column("processor", sa.String(100), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("group_id", sa.String(64)),
        sa.Column("job_id", sa.String(64)),
        sa.Column("custom_id", sa.String(64)),
        sa.Column("analysis", sa.JSON, nullable=False),
        sa.Column("confidence", sa.Float),
        sa.Column("is_current", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_results_issue_processor", "results", ["issue_id", "processor"])
    op.create_index("ix_results_job_id", "results", ["job_id"])
