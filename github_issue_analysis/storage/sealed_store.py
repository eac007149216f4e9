"""The SQLite store as one sealed file, for keeping it where others can read (a branch of a public repository).

A snapshot is taken with SQLite's backup API (consistent while the store is open, WAL included) and sealed with
AES-256-GCM, an AEAD: a wrong key or a changed byte fails to open, nothing is guessed. The key is derived from
the secret with scrypt (n=2**15, r=8, p=1) and a random salt per file, so a secret a person typed is as good as
a generated one can be; Fernet would need the secret written as a Fernet key and base64 grows the file by a
third (GitHub refuses files over 100 MB). Layout: MAGIC | salt (16) | nonce (12) | ciphertext+tag; the header
is authenticated as associated data."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from github_issue_analysis.errors import UsageError

MAGIC = b"GHAS1\n"
SALT_BYTES, NONCE_BYTES = 16, 12
CIPHER = "aes-256-gcm, key by scrypt(n=2**15, r=8, p=1)"


class WrongStateKey(UsageError):
    def __init__(self) -> None:
        super().__init__(
            "the state branch's store does not open with GH_ANALYSIS_STATE_KEY (a wrong key, or the file was "
            "changed); nothing was changed"
        )


def _key(secret: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(secret.encode())


def seal(plain: bytes, secret: str) -> bytes:
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    header = MAGIC + salt + nonce
    return header + AESGCM(_key(secret, salt)).encrypt(nonce, plain, header)


def unseal(sealed: bytes, secret: str) -> bytes:
    size = len(MAGIC) + SALT_BYTES + NONCE_BYTES
    if not sealed.startswith(MAGIC) or len(sealed) < size:
        raise WrongStateKey()
    salt = sealed[len(MAGIC) : len(MAGIC) + SALT_BYTES]
    try:
        return AESGCM(_key(secret, salt)).decrypt(sealed[size - NONCE_BYTES : size], sealed[size:], sealed[:size])
    except InvalidTag:
        raise WrongStateKey() from None


def snapshot(database: Path) -> bytes:
    """A consistent copy of the SQLite file's content (the backup API reads through the WAL)."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "store.db"
        source, target = sqlite3.connect(database), sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return copy.read_bytes()


def restore(database: Path, plain: bytes) -> None:
    """Replace the SQLite file (and its WAL) with `plain`, atomically."""
    database.parent.mkdir(parents=True, exist_ok=True)
    partial = database.with_name(database.name + ".restoring")
    partial.write_bytes(plain)
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    os.replace(partial, database)
