"""Encryption at rest: a database with real people is an SQLCipher 4 file, keyed once a process.

A lost laptop must not be a breach, so every page of the database (and of its -wal) is
encrypted with AES-256 by SQLCipher 4, in its standard format: the ``sqlcipher`` tool opens the
file with ``PRAGMA key = 'passphrase'``. The passphrase is stretched exactly as SQLCipher 4
stretches it (PBKDF2-HMAC-SHA512, 256,000 rounds, over the 16-byte salt at the start of the
file), but here, once: every connection of the process (each worker thread has its own) is then
keyed with the raw key, which costs no second stretch. The passphrase itself is never stored
and never taken from the command line (shells keep history): a file named by
``--passphrase-file`` or ``GRIDTUI_PASSPHRASE_FILE``, or a question on the terminal.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gridtui.errors import GridError

SQLITE_MAGIC = b"SQLite format 3\x00"
KDF_ROUNDS = 256_000
"""SQLCipher 4's own default (PBKDF2-HMAC-SHA512), so the standard tool opens our files."""
KEY_SIZE, SALT_SIZE = 32, 16
MIN_PASSPHRASE = 8
PAGE_UNIT = 512
"""Every SQLite and SQLCipher page size is a multiple of it, so every database file's size is."""
PASSPHRASE_ENV = "GRIDTUI_PASSPHRASE_FILE"


@dataclass(frozen=True)
class CipherKey:
    """The raw key of one encrypted database, with the salt it was stretched over."""

    key: bytes
    salt: bytes

    def pragma(self) -> str:
        """The value of ``PRAGMA key``: raw key and salt, so SQLCipher stretches nothing."""
        return f"\"x'{self.key.hex()}{self.salt.hex()}'\""

    def derived(self, purpose: str) -> bytes:
        """A key for something else kept beside the database (the private keys' file)."""
        import hashlib
        import hmac

        return hmac.new(self.key, f"gridtui/{purpose}".encode(), hashlib.sha256).digest()


def encrypted(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` may be an encrypted database: a file of whole pages that is not a plain
    SQLite one. SQLCipher leaves nothing readable, not even a header, so only its passphrase
    tells such a file from random bytes; a file of another size is not a database at all."""
    path = Path(path)
    try:
        size = path.stat().st_size if path.is_file() else 0
        if size == 0 or size % PAGE_UNIT:
            return False
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC
    except OSError:
        return False


def stretch(passphrase: str, salt: bytes) -> bytes:
    """The raw key SQLCipher 4 would derive from ``passphrase`` for a file with ``salt``."""
    import hashlib  # here, not at the top: a plain database's start never stretches

    return hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ROUNDS, KEY_SIZE)


def key_for(path: str | os.PathLike[str], passphrase: str) -> CipherKey:
    """The key of an existing encrypted database (whether it is right shows when it is opened)."""
    try:
        with Path(path).open("rb") as fh:
            salt = fh.read(SALT_SIZE)
    except OSError as exc:
        raise GridError("db.unreadable", path=str(path), detail=exc.strerror or str(exc)) from exc
    return CipherKey(stretch(passphrase, salt), salt)


def new_key(passphrase: str) -> CipherKey:
    """A key for a database about to be made (or re-encrypted): a fresh random salt."""
    check_strength(passphrase)
    salt = os.urandom(SALT_SIZE)
    return CipherKey(stretch(passphrase, salt), salt)


def check_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise GridError("unlock.too_short", minimum=MIN_PASSPHRASE)


def read_passphrase_file(path: str | os.PathLike[str]) -> str:
    """The first line of a passphrase file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GridError("unlock.file_unreadable", path=str(path), detail=str(exc)) from exc
    lines = text.splitlines()
    phrase = lines[0] if lines else ""
    if not phrase:
        raise GridError("unlock.file_empty", path=str(path))
    return phrase


def passphrase_from_file(given: str | os.PathLike[str] | None) -> str | None:
    """The passphrase from ``--passphrase-file`` or, failing it, GRIDTUI_PASSPHRASE_FILE."""
    source = given or os.environ.get(PASSPHRASE_ENV)
    return read_passphrase_file(source) if source else None


SEALED = "gridtui-sealed/1"


def seal(cipher: CipherKey, purpose: str, data: bytes) -> bytes:
    """``data`` encrypted (AES-256-GCM) under a key derived from the database's: what is kept in
    a file beside an encrypted database (its private keys) is no easier to read than the database."""
    import base64
    import json

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    box = AESGCM(cipher.derived(purpose)).encrypt(nonce, data, purpose.encode())
    return json.dumps(
        {"format": SEALED, "nonce": base64.b64encode(nonce).decode(), "sealed": base64.b64encode(box).decode()}
    ).encode()


def is_sealed(blob: bytes) -> bool:
    return blob.lstrip().startswith(b"{") and SEALED.encode() in blob[:200]


def unseal(cipher: CipherKey, purpose: str, blob: bytes) -> bytes:
    """The data :func:`seal` sealed; ValueError if it was sealed under another key or altered."""
    import base64
    import json

    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        box = json.loads(blob)
        nonce, sealed = base64.b64decode(box["nonce"]), base64.b64decode(box["sealed"])
        return AESGCM(cipher.derived(purpose)).decrypt(nonce, sealed, purpose.encode())
    except (InvalidTag, KeyError, TypeError, ValueError) as exc:
        raise ValueError("not sealed under this key") from exc


def connect_keyed(target: str | os.PathLike[str], cipher: CipherKey, **kwargs: Any) -> sqlite3.Connection:
    """A SQLCipher connection to ``target`` (a path, or a URI with ``uri=True``), keyed before
    anything reads the file."""
    from sqlcipher3 import dbapi2 as sqlcipher

    conn: sqlite3.Connection = sqlcipher.connect(str(target), **kwargs)  # sqlite3's interface
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {cipher.pragma()}")
    except Exception:
        conn.close()
        raise
    return conn


def encrypt_file(path: Path, cipher: CipherKey) -> None:
    """Turn the plain database at ``path`` into an encrypted one, in place.

    The encrypted copy is written beside it under a temporary name (SQLCipher's own
    ``sqlcipher_export``), flushed to disk, and only then renamed over the plain file, so a
    process killed at any moment leaves either the old file or the new one, each whole. The
    plain file's -wal and -shm are gone before (its last connection folded them in).
    """
    import sqlite3

    from sqlcipher3 import dbapi2 as sqlcipher

    from gridtui.core import dialect

    path = Path(path)
    plain = sqlite3.connect(path)
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        version = plain.execute("PRAGMA user_version").fetchone()[0]
    finally:
        plain.close()
    work = path.with_name(f".{path.name}.encrypting")
    for stale in (work, Path(f"{work}-journal"), Path(f"{work}-wal"), Path(f"{work}-shm")):
        stale.unlink(missing_ok=True)  # left by an earlier run that was stopped
    conn = sqlcipher.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"ATTACH DATABASE ? AS sealed KEY {cipher.pragma()}", (str(work),))
        conn.execute("SELECT sqlcipher_export('sealed')")
        conn.execute(f"PRAGMA sealed.user_version = {int(version)}")
        conn.execute("DETACH DATABASE sealed")
    finally:
        conn.close()
    conn = connect_keyed(work, cipher, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = wal")
        dialect.rebuild_search_index(conn)
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise GridError("unlock.export_failed", path=str(path))
    finally:
        conn.close()
    _flush(work)
    os.replace(work, path)
    _flush(path.parent)
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        side.unlink(missing_ok=True)


def change_key(path: Path, old: CipherKey, passphrase: str) -> CipherKey:
    """Re-encrypt the database under a new passphrase (SQLCipher's rekey, one transaction).

    The salt stays, so the new key is what SQLCipher derives from the new passphrase: the
    standard tool opens the file with it."""
    check_strength(passphrase)
    new = CipherKey(stretch(passphrase, old.salt), old.salt)
    conn = connect_keyed(path, old, isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # a wrong key fails here
        conn.execute("PRAGMA journal_mode = delete")  # rekey works on a rollback journal only
        conn.execute(f"PRAGMA rekey = \"x'{new.key.hex()}'\"")
        conn.execute("PRAGMA journal_mode = wal")
    finally:
        conn.close()
    return new


def _flush(path: Path) -> None:
    """fsync a file or a folder, so a rename that follows cannot outrun the data."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
