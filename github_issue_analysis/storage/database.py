"""Engine creation, SQLite pragmas and migrations applied when the store opens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

from github_issue_analysis.errors import StoreUnavailable

from .migrations import HEAD_REVISION


def create_store_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    # orjson reads and writes the JSON columns (labels, analyses) several times faster than the standard library.
    json_options: dict[str, Any] = {"json_deserializer": orjson.loads, "json_serializer": _json_text}
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **json_options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(url, pool_pre_ping=True, **json_options)


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    _write_ahead_log(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _write_ahead_log(cursor: Any, seconds: float = 30.0) -> None:
    """Switch a new file to WAL. SQLite answers "database is locked" at once, without waiting out the busy
    timeout, when two processes switch the same new file at the same moment; the other one's switch is done a
    moment later, so wait for it (up to the busy timeout)."""
    import sqlite3
    import time

    deadline = time.monotonic() + seconds
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return _revision(conn)


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


# The key of PostgreSQL's advisory lock that one migrating process holds (any 64-bit number; "gha-migr").
MIGRATION_LOCK_KEY = 0x6768612D6D696772


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; a no-op (one query) when it is already there. Migrating runs
    under the database's own lock (SQLite's write lock, PostgreSQL's advisory lock), with the version read again
    inside it, so two commands opening a new store at once migrate it once. A revision this version does not
    know was written by a newer gh-analysis: refuse rather than guess."""
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command

    from .migrations import alembic_config

    with engine.connect() as conn:
        _lock_for_migration(conn)
        revision = _revision(conn)
        if revision != HEAD_REVISION:
            _refuse_unknown(revision)
            command.upgrade(alembic_config(conn), "head")
        conn.commit()


def _lock_for_migration(conn: Connection) -> None:
    """Begin the migration's transaction holding a lock another migrating process waits for (SQLite waits up to
    its busy timeout); the lock ends with the transaction."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


def _refuse_unknown(revision: str | None) -> None:
    from .migrations import known_revisions

    if revision is not None and revision not in known_revisions():
        raise StoreUnavailable(
            f"the store's schema version '{revision}' is unknown: a newer gh-analysis wrote it; "
            "upgrade gh-analysis (or point GH_ANALYSIS_DATA_DIR at another store)"
        )
