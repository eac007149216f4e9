"""Opening a file the user named for output: never over the store's database, never over an existing file
unless asked, never over anything but a regular file (a symlink, device, pipe or socket is refused, so neither
`/dev/null` nor a link's target is ever replaced), and every file-system failure phrased as one line."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import OperationFailed, UsageError

_SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def protected_paths(database_file: Path | None) -> set[Path]:
    """The store's SQLite file and its companions (write-ahead log, shared memory, rollback journal)."""
    if database_file is None:
        return set()
    base = database_file.expanduser().resolve()
    return {base.with_name(base.name + suffix) for suffix in _SQLITE_COMPANIONS}


@contextmanager
def output_file(path: Path, *, force: bool, protected: set[Path]) -> Iterator[IO[str]]:
    """Write text to `path` through a temporary file renamed into place at the end, so a failed write (a full
    disk) leaves any earlier file whole. Refuses the store's own files always and existing files unless `force`."""
    target = check_output_path(path, force=force, protected=protected)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise describe_os_error(error, path) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
        _check_replaceable(target, path, force=force)  # again: the path may have changed while we wrote
        os.replace(temporary, target)
    except OSError as error:
        raise describe_os_error(error, path) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def check_output_path(path: Path, *, force: bool, protected: set[Path]) -> Path:
    target = path.expanduser()
    if target.resolve() in protected:
        raise UsageError(f"{path} is the store's own database; choose another --output file")
    if not target.is_symlink() and target.is_dir():
        raise UsageError(f"{path} is a folder; give a file name for --output")
    if not target.parent.is_dir():
        raise UsageError(f"the folder {target.parent} does not exist; create it or choose another --output")
    _check_replaceable(target, path, force=force)
    return target


def _check_replaceable(target: Path, path: Path, *, force: bool) -> None:
    """Absent, or a regular file (with `force`); never a symlink, device, pipe, socket or folder."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise describe_os_error(error, path) from None
    if stat.S_ISLNK(mode):
        raise UsageError(f"{path} is a symbolic link; give the file itself for --output (links are never replaced)")
    if stat.S_ISDIR(mode):
        raise UsageError(f"{path} is a folder; give a file name for --output")
    if not stat.S_ISREG(mode):
        raise UsageError(f"{path} is not a regular file (a device, pipe or socket); choose another --output")
    if not force:
        raise UsageError(f"{path} already exists; pass --force to overwrite it")


def describe_os_error(error: OSError, path: Path) -> OperationFailed:
    """One line for a failed write: the file, and the reason in words."""
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.EISDIR: "it is a folder",
        errno.ENOENT: "its folder does not exist",
        errno.ENAMETOOLONG: "the name is too long",
        errno.EFBIG: "the file is larger than this system allows",
    }
    reason = reasons.get(error.errno or 0, error.strerror or type(error).__name__)
    return OperationFailed(f"cannot write {path}: {reason}")
