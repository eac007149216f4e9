from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from github_issue_analysis.storage.database import create_store_engine, current_revision, migrate
from github_issue_analysis.storage.migrations import HEAD_REVISION, alembic_config
from github_issue_analysis.storage.schema import metadata
from github_issue_analysis.storage.store import Store


def test_head_constant_matches_the_migration_scripts(store: Store) -> None:
    with store.engine.connect() as conn:
        script = ScriptDirectory.from_config(alembic_config(conn))
    assert script.get_current_head() == HEAD_REVISION


def test_migrations_from_empty_database_match_the_table_definitions(any_store: Store) -> None:
    assert current_revision(any_store.engine) == HEAD_REVISION
    with any_store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_sqlite_runs_with_wal_and_foreign_keys(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_upgrade_from_the_first_revision_keeps_data(tmp_path: Path) -> None:
    from alembic import command

    engine = create_store_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001_issues")
        conn.execute(
            text(
                "INSERT INTO issues (org, repo, number, title, body, state, labels, created_at, updated_at,"
                " collected_at) VALUES ('o', 'r', 1, 't', 'b', 'open', '[]', '2026-01-01', '2026-01-01',"
                " '2026-01-01')"
            )
        )
    assert "batch_jobs" not in inspect(engine).get_table_names()
    migrate(engine)
    assert current_revision(engine) == HEAD_REVISION
    assert "batch_jobs" in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM issues")).scalar() == 1
