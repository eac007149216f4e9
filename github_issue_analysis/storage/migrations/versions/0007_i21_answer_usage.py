"""Issue 21: each answer's raw text and token usage (cached and cache-write tokens included) with its
result, and each job's cached and cache-write token totals, so a group's actual cost uses cached rates.

Revision ID: 0007_i21_answer_usage
Revises: 0006_label_claims
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_i21_answer_usage"
down_revision = "0006_label_claims"

_RESULT_COLUMNS = ("input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens")
_JOB_COLUMNS = ("cached_input_tokens", "cache_write_tokens")


def upgrade() -> None:
    with op.batch_alter_table("results") as batch:
        for name in _RESULT_COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer))
        batch.add_column(sa.Column("raw_answer", sa.Text))
    with op.batch_alter_table("batch_jobs") as batch:
        for name in _JOB_COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer))


def downgrade() -> None:
    with op.batch_alter_table("batch_jobs") as batch:
        for name in _JOB_COLUMNS:
            batch.drop_column(name)
    with op.batch_alter_table("results") as batch:
        batch.drop_column("raw_answer")
        for name in _RESULT_COLUMNS:
            batch.drop_column(name)
