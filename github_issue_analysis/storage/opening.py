"""Opening the store with every failure in words: a data folder that is a file, under a file or read-only,
a database URL this installation cannot serve, a damaged database file."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING

from github_issue_analysis.errors import StoreUnavailable, UsageError

if TYPE_CHECKING:
    from .store import Store

POSTGRES_EXTRA = "uv sync --extra postgres (or pip install 'gh-analysis[postgres]')"


def open_checked_store(database_url: str) -> Store:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

    from .store import open_store

    try:
        url = make_url(database_url)
    except ArgumentError:
        raise UsageError(
            "GH_ANALYSIS_DATABASE_URL is not a database URL (sqlite:///PATH or postgresql://...)"
        ) from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise _unsupported(url.drivername)
    sqlite_file = _sqlite_file(url.get_backend_name(), url.database)
    if sqlite_file is not None:
        check_folder(sqlite_file.parent)
    try:
        return open_store(database_url)
    except NoSuchModuleError:
        raise _unsupported(url.drivername) from None
    except ModuleNotFoundError as error:
        if url.get_backend_name() == "postgresql":
            raise UsageError(f"PostgreSQL needs its driver: {POSTGRES_EXTRA}") from None
        raise UsageError(f"GH_ANALYSIS_DATABASE_URL needs a driver that is not installed ({error.name})") from None
    except SQLAlchemyError as error:
        raise explain(error, sqlite_file) from error
    except OSError as error:
        raise folder_error(error, sqlite_file.parent if sqlite_file else Path(".")) from None


def _unsupported(drivername: str) -> UsageError:
    return UsageError(
        f"GH_ANALYSIS_DATABASE_URL: unsupported database '{drivername}'; use sqlite:///PATH or postgresql://... "
        f"(PostgreSQL: {POSTGRES_EXTRA})"
    )


def check_folder(folder: Path) -> None:
    """The data folder exists (created if needed), is a folder and can be written."""
    for ancestor in [folder, *folder.parents]:
        if ancestor.exists():
            if not ancestor.is_dir():
                where = "is a file" if ancestor == folder else f"is under a file ({ancestor})"
                raise StoreUnavailable(f"the data folder {folder} {where}; set GH_ANALYSIS_DATA_DIR to a folder")
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise folder_error(error, folder) from None
    if not os.access(folder, os.W_OK):
        raise read_only(folder)


def folder_error(error: OSError, folder: Path) -> StoreUnavailable:
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return read_only(folder)
    return StoreUnavailable(f"cannot use the data folder {folder}: {error.strerror or error}")


def read_only(folder: Path) -> StoreUnavailable:
    return StoreUnavailable(
        f"the data folder {folder} is read-only; make it writable or set GH_ANALYSIS_DATA_DIR to another folder"
    )


def explain(error: Exception, sqlite_file: Path | None) -> StoreUnavailable:
    """A database error in words (opening or later): read-only, full disk, damaged, locked, or the driver's own
    line. Moving the store away is advised only when SQLite's integrity check fails."""
    text = str(getattr(error, "orig", None) or error).splitlines()[0] if str(error) else type(error).__name__
    lowered = text.lower()
    where = str(sqlite_file) if sqlite_file else "the database"
    if "readonly" in lowered or "read-only" in lowered or "unable to open database file" in lowered:
        folder = sqlite_file.parent if sqlite_file else Path(".")
        return read_only(folder) if sqlite_file else StoreUnavailable(f"{where} is read-only ({text})")
    if "database or disk is full" in lowered or ("disk i/o error" in lowered and _disk_full(sqlite_file)):
        return StoreUnavailable(
            f"the disk holding {where} is full (SQLITE_FULL: {text}); free some space and run again "
            "(the store keeps what was written before)"
        )
    if "malformed" in lowered or "not a database" in lowered or "disk i/o error" in lowered:
        if _fails_integrity_check(sqlite_file):
            return StoreUnavailable(
                f"{where} is damaged ({text}); restore a backup, or move it away to start a new store"
            )
        return StoreUnavailable(f"reading or writing {where} failed ({text}); check the disk and run again")
    if "locked" in lowered:
        return StoreUnavailable(f"{where} is locked by another process ({text}); try again when it finishes")
    return StoreUnavailable(f"database error: {text}; check GH_ANALYSIS_DATABASE_URL")


def _disk_full(sqlite_file: Path | None, reserve: int = 1024 * 1024) -> bool:
    """Less than `reserve` bytes free where the store lives (an I/O error there is most likely a full disk)."""
    import shutil

    if sqlite_file is None:
        return False
    try:
        return shutil.disk_usage(sqlite_file.parent).free < reserve
    except OSError:
        return False


def _fails_integrity_check(sqlite_file: Path | None) -> bool:
    """SQLite's `quick_check` on the file, read-only: True when it finds damage or cannot read the file as a
    database; False when the file is whole (or unknown: no advice to move what we cannot check)."""
    import sqlite3

    if sqlite_file is None or not sqlite_file.is_file():
        return sqlite_file is not None
    try:
        with sqlite3.connect(f"{sqlite_file.resolve().as_uri()}?mode=ro", uri=True) as conn:
            return bool(conn.execute("PRAGMA quick_check").fetchone()[0] != "ok")
    except sqlite3.DatabaseError as error:
        return "not a database" in str(error) or "malformed" in str(error)
    except sqlite3.Error:
        return False


def sqlite_file_of(database_url: str) -> Path | None:
    """The SQLite file a database URL names, or None (PostgreSQL, memory, an unreadable URL)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(database_url)
    except ArgumentError:
        return None
    return _sqlite_file(url.get_backend_name(), url.database)


def _sqlite_file(backend: str, database: str | None) -> Path | None:
    if backend != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()
