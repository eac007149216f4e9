"""Issues, their comments, repository label definitions and collection progress.

Revision ID: 0001_issues
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_issues"
down_revision = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "issues",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("org", sa.String(200), nullable=False),
        sa.Column("repo", sa.String(200), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("author", sa.String(200)),
        sa.Column("labels", sa.JSON, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("collected_at", TZ, nullable=False),
        sa.UniqueConstraint("org", "repo", "number", name="uq_issues_org_repo_number"),
    )
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("issue_id", sa.Integer, sa.ForeignKey("issues.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("author", sa.String(200)),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", TZ),
        sa.Column("updated_at", TZ),
    )
    op.create_index("ix_comments_issue_id", "comments", ["issue_id"])
    op.create_table(
        "repo_labels",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("org", sa.String(200), nullable=False),
        sa.Column("repo", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("color", sa.String(20)),
        sa.UniqueConstraint("org", "repo", "name", name="uq_repo_labels_org_repo_name"),
    )
    op.create_table(
        "collection_runs",
        sa.Column("org", sa.String(200), primary_key=True),
        sa.Column("repo", sa.String(200), primary_key=True),
        sa.Column("last_success_at", TZ),
        sa.Column("resume_cursor", sa.Text),
        sa.Column("resume_started_at", TZ),
    )
