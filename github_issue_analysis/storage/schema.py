"""Table definitions (SQLAlchemy Core). Migrations in `migrations/versions` create exactly these."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

issues = Table(
    "issues",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("org", String(200), nullable=False),
    Column("repo", String(200), nullable=False),
    Column("number", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False, default=""),
    Column("state", String(20), nullable=False),
    Column("author", String(200)),
    Column("labels", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("url", Text),
    Column("collected_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("org", "repo", "number", name="uq_issues_org_repo_number"),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("issue_id", Integer, ForeignKey("issues.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("author", String(200)),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True)),
    Index("ix_comments_issue_id", "issue_id"),
)

repo_labels = Table(
    "repo_labels",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("org", String(200), nullable=False),
    Column("repo", String(200), nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", Text),
    Column("color", String(20)),
    UniqueConstraint("org", "repo", "name", name="uq_repo_labels_org_repo_name"),
)

collection_runs = Table(
    "collection_runs",
    metadata,
    Column("org", String(200), primary_key=True),
    Column("repo", String(200), primary_key=True),
    Column("last_success_at", DateTime(timezone=True)),
    Column("resume_cursor", Text),
    Column("resume_started_at", DateTime(timezone=True)),
)

batch_groups = Table(
    "batch_groups",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("processor", String(100), nullable=False),
    Column("model", String(200), nullable=False),
    Column("provider", String(50), nullable=False),
    Column("is_split", Boolean, nullable=False),
    Column("batch_size", Integer, nullable=False),
    Column("total_issues", Integer, nullable=False),
    Column("selection", JSON, nullable=False),
    Column("options", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

batch_jobs = Table(
    "batch_jobs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("group_id", String(64), ForeignKey("batch_groups.id", ondelete="CASCADE"), nullable=False),
    Column("batch_sequence", Integer, nullable=False),
    Column("total_batches_in_group", Integer, nullable=False),
    Column("attempt", Integer, nullable=False, default=1),
    Column("superseded", Boolean, nullable=False, default=False),
    Column("status", String(20), nullable=False),
    Column("raw_status", String(40)),
    Column("provider_batch_id", String(200)),
    Column("input_file_id", String(200)),
    Column("output_file_id", String(200)),
    Column("error_file_id", String(200)),
    Column("total_items", Integer, nullable=False),
    Column("completed_items", Integer, nullable=False, default=0),
    Column("failed_items", Integer, nullable=False, default=0),
    Column("estimated_tokens", Integer, nullable=False, default=0),
    Column("input_bytes", BigInteger, nullable=False, default=0),
    Column("input_tokens", Integer),
    Column("output_tokens", Integer),
    Column("error", Text),
    Column("claimed_by", String(100)),
    Column("claimed_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("submitted_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("collected_at", DateTime(timezone=True)),
    Column("cached_input_tokens", Integer),
    Column("cache_write_tokens", Integer),
    Index("ix_batch_jobs_group_id", "group_id"),
)

job_items = Table(
    "job_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_id", String(64), ForeignKey("batch_jobs.id", ondelete="CASCADE"), nullable=False),
    Column("issue_id", Integer, ForeignKey("issues.id", ondelete="CASCADE"), nullable=False),
    Column("custom_id", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("state", String(20), nullable=False),
    Column("error_kind", String(40)),
    Column("error_message", Text),
    UniqueConstraint("job_id", "custom_id", name="uq_job_items_job_custom_id"),
    Index("ix_job_items_issue_id", "issue_id"),
)

results = Table(
    "results",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("issue_id", Integer, ForeignKey("issues.id", ondelete="CASCADE"), nullable=False),
    Column("processor", String(100), nullable=False),
    Column("model", String(200), nullable=False),
    Column("group_id", String(64)),
    Column("job_id", String(64)),
    Column("custom_id", String(64)),
    Column("analysis", JSON, nullable=False),
    Column("confidence", Float),
    Column("is_current", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("input_tokens", Integer),
    Column("cached_input_tokens", Integer),
    Column("cache_write_tokens", Integer),
    Column("output_tokens", Integer),
    Column("raw_answer", Text),
    Index("ix_results_issue_processor", "issue_id", "processor"),
    Index("ix_results_job_id", "job_id"),
)

review_decisions = Table(
    "review_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("result_id", Integer, ForeignKey("results.id", ondelete="CASCADE"), nullable=False),
    Column("decision", String(20), nullable=False),
    Column("labels", JSON),
    Column("decided_by", String(200), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
    UniqueConstraint("result_id", name="uq_review_decisions_result_id"),
)

label_runs = Table(
    "label_runs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("org", String(200), nullable=False),
    Column("login", String(200)),
    Column("options", JSON, nullable=False),
    Column("reverts_run_id", String(64)),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
)

label_changes = Table(
    "label_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), ForeignKey("label_runs.id", ondelete="CASCADE"), nullable=False),
    Column("org", String(200), nullable=False),
    Column("repo", String(200), nullable=False),
    Column("number", Integer, nullable=False),
    Column("action", String(20), nullable=False),
    Column("label", String(200)),
    Column("state", String(20), nullable=False),
    Column("labels_before", JSON),
    Column("labels_after", JSON),
    Column("result_id", Integer),
    Column("model", String(200)),
    Column("login", String(200)),
    Column("body", Text),
    Column("error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("confirmed_at", DateTime(timezone=True)),
    Index("ix_label_changes_run_id", "run_id"),
    Index("ix_label_changes_issue", "org", "repo", "number"),
)

label_claims = Table(
    "label_claims",
    metadata,
    Column("org", String(200), primary_key=True),
    Column("claimed_by", String(200)),
    Column("claimed_until", DateTime(timezone=True)),
    Column("run_id", String(64)),
    Column("kind", String(20)),
)

group_selections = Table(
    "group_selections",
    metadata,
    Column("group_id", String(64), ForeignKey("batch_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("issue_ids", JSON, nullable=False),  # the group's whole selection, in order, while it is planned
    Column("planned_through", Integer, nullable=False),  # issues before this position are recorded (or left out)
    Column("skips_taken", Boolean, nullable=False),  # leave out issues with a result or in flight (no --reprocess)
)

issue_claims = Table(
    "issue_claims",
    metadata,
    Column("issue_id", Integer, ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True),
    Column("processor", String(100), primary_key=True),
    Column("claimed_by", String(200), nullable=False),
    Column("run_id", String(64), nullable=False),
    Column("claimed_until", DateTime(timezone=True), nullable=False),
)

evaluations = Table(
    "evaluations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("group_id", String(64), ForeignKey("batch_groups.id", ondelete="CASCADE"), nullable=False),
    Column("model", String(200), nullable=False),
    Column("blind", Boolean, nullable=False),
    Column("min_confidence", Float, nullable=False),
    Column("target_precision", Float),
    Column("threshold", Float),
    Column("issues_scored", Integer, nullable=False),
    Column("micro_f1", Float),
    Column("figures", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_evaluations_group_id", "group_id"),
)

batch_limits = Table(
    "batch_limits",
    metadata,
    Column("provider", String(50), primary_key=True),
    Column("account", String(200), primary_key=True),
    Column("model", String(200), primary_key=True),
    Column("max_enqueued_tokens", Integer, nullable=False),
    Column("learned_at", DateTime(timezone=True), nullable=False),
)

group_setups = Table(
    "group_setups",
    metadata,
    Column("group_id", String(64), ForeignKey("batch_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("org", String(200), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("setup", JSON, nullable=False),
    Column("purpose", String(20)),  # triage's calibration | backlog, None for other groups
    Column("estimated_usd", Float),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_group_setups_fingerprint", "fingerprint"),
)

triage_issues = Table(
    "triage_issues",
    metadata,
    Column("issue_id", Integer, ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("group_id", String(64)),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

applied_label_outcomes = Table(
    "applied_label_outcomes",
    metadata,
    Column("change_id", Integer, primary_key=True),  # the label_changes row of the tool's addition
    Column("org", String(200), nullable=False),
    Column("label", String(200), nullable=False),
    Column("outcome", String(10), nullable=False),  # kept | removed
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Index("ix_applied_label_outcomes_org_label", "org", "label"),
)

store_generation = Table(
    "store_generation",
    metadata,
    Column("id", Integer, primary_key=True),  # one row: 1
    Column("generation", Integer, nullable=False),  # steps that paid or wrote to GitHub, this store's count
    Column("accepted", Boolean, nullable=False),  # accepted by a person: the next submit adopts labelled issues
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
