"""Opening the database: one obvious way, with the pragmas, the version check and migrations.

The order matters for "file untouched": before anything that could write (WAL, migrations),
the file is inspected read-only. A database written by a newer gridtui is refused as it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import peewee

from gridtui.core import catalogs
from gridtui.core.models import (
    LOCAL_MODELS,
    SYNCED_MODELS,
    Conflict,
    Device,
    HeldRow,
    Meta,
    SyncPeer,
    database,
)
from gridtui.errors import GridError
from gridtui.i18n import t

SCHEMA_VERSION = 4
"""Bump with a new entry in MIGRATIONS whenever the tables change."""

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 1,  # NORMAL: durable at each checkpoint, safe with WAL
    "busy_timeout": 5000,
    "cache_size": -4000,
    "temp_store": "memory",
}

SQLITE_MAGIC = b"SQLite format 3\x00"


def _migrate_1_to_2(db: peewee.SqliteDatabase) -> None:
    """Version 2 added the indexes the walk list and search lean on."""
    db.execute_sql('CREATE INDEX IF NOT EXISTS "building_grid_walk" ON "building" ("grid_id", "walk_order")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "resident_household_id" ON "resident" ("household_id")')


def _migrate_2_to_3(db: peewee.SqliteDatabase) -> None:
    """Version 3 added sync by file: conflicts (synced), peers' watermarks and held rows."""
    db.create_tables([Conflict, SyncPeer, HeldRow])


def _migrate_3_to_4(db: peewee.SqliteDatabase) -> None:
    """Version 4 syncs by acknowledgement: ``sync_peer`` keeps what each device acknowledged.
    Version 3 kept what was sent, which says nothing of what arrived, so that starts afresh (the
    next bundle to each peer carries everything); the newest clock seen of each device is kept
    as its knowledge, which now only tells concurrent edits from sequential ones."""
    seen = db.execute_sql('SELECT "device", "seen_clock" FROM "sync_peer"').fetchall()
    db.execute_sql('DROP TABLE "sync_peer"')
    db.create_tables([SyncPeer])
    for device, clock in seen:
        SyncPeer.insert(device=device, known_clock=clock).execute()


MIGRATIONS: dict[int, Callable[[peewee.SqliteDatabase], None]] = {
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
    3: _migrate_3_to_4,
}
"""MIGRATIONS[n] takes a database from version n to n + 1."""


def inspect_file(path: Path) -> int | None:
    """The schema version of an existing file, read without writing; None for a new file.

    Raises GridError for a file that is not a gridtui database or comes from a newer gridtui.
    """
    if path.is_dir():
        raise GridError("db.not_a_file", path=str(path))
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise GridError("db.unreadable", path=str(path), detail=exc.strerror or str(exc)) from exc
    if head[:16] != SQLITE_MAGIC:
        raise GridError("db.not_gridtui", path=str(path))
    if not Path(f"{path}-wal").exists() and not _header_whole(head, path.stat().st_size):
        raise GridError("db.corrupt", path=str(path), detail=t("db.header_mismatch"))
    try:
        # A read-only connection to a WAL database still creates -wal and -shm files beside
        # it; with no -wal present there is nothing uncommitted to read, so open it immutable.
        flags = "mode=ro" if Path(f"{path}-wal").exists() else "mode=ro&immutable=1"
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise GridError("db.corrupt", path=str(path), detail=str(exc)) from exc
    if version > SCHEMA_VERSION:
        raise GridError("db.newer_schema", path=str(path), found=version, supported=SCHEMA_VERSION)
    if version < 0:  # gridtui never writes one: a damaged header
        raise GridError("db.not_gridtui", path=str(path))
    if version == 0:
        if tables:
            raise GridError("db.not_gridtui", path=str(path))
        return None
    return version


def _header_whole(head: bytes, size: int) -> bool:
    """Whether a closed database file (no -wal beside it) looks as SQLite leaves one.

    A file of whole pages whose header vouches for its own page count (change counter equal to
    "version valid for"). Otherwise SQLite trusts the file size instead and rewrites the header
    at the first commit, so a damaged file would be changed before the damage is found.
    """
    if len(head) < 100:
        return False
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1) or size % page_size:
        return False
    return head[24:28] == head[92:96]


def open_database(path: str | os.PathLike, *, create: bool = True) -> peewee.SqliteDatabase:
    """Open (and if needed create or migrate) the gridtui database at ``path``."""
    path = Path(path)
    if database.database is not None and not database.is_closed():
        database.close()
    version = inspect_file(path)
    if version is None and not create:
        raise GridError("db.missing", path=str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GridError("db.unwritable", path=str(path), detail=exc.strerror or str(exc)) from exc
    database.init(str(path), pragmas=PRAGMAS, check_same_thread=False)
    try:
        database.connect(reuse_if_open=True)
        with database.atomic("IMMEDIATE"):
            if version is None:
                database.create_tables([*LOCAL_MODELS, *SYNCED_MODELS])
                _migrate_1_to_2(database)
            else:
                for step in range(version, SCHEMA_VERSION):
                    MIGRATIONS[step](database)
            if version != SCHEMA_VERSION:
                database.execute_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
            _load_catalogs()
            ensure_self_device()
    except peewee.OperationalError as exc:
        database.close()
        raise translate_operational(exc, path) from exc
    return database


def translate_operational(exc: Exception, path: Path | str) -> GridError:
    """Turn SQLite's own words (locked, read-only, disk full) into one sentence for the user."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return GridError("db.locked", path=str(path))
    if "readonly" in text or "read-only" in text:
        return GridError("db.readonly", path=str(path))
    if "full" in text:
        return GridError("db.disk_full", path=str(path))
    if "unable to open" in text:
        return GridError("db.unwritable", path=str(path), detail=str(exc))
    return GridError("db.error", path=str(path), detail=str(exc))


def close_database() -> None:
    if database.database is not None and not database.is_closed():
        database.close()


def meta_get(key: str, default: str | None = None) -> str | None:
    row = Meta.get_or_none(Meta.key == key)
    return row.value if row else default


def meta_set(key: str, value: str) -> None:
    Meta.replace(key=key, value=value).execute()


def _load_catalogs() -> None:
    """Refresh the catalog tables from data/ when the shipped files changed (or on first open)."""
    raw = catalogs.raw_files()
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()
    if meta_get("catalog_digest") == digest:
        return
    catalogs.write_tables(raw)
    meta_set("catalog_digest", digest)


def self_device() -> Device:
    return Device.get(Device.is_self == True)  # noqa: E712


def ensure_self_device() -> Device:
    """This database's device identity, created on first open."""
    found = Device.get_or_none(Device.is_self == True)  # noqa: E712
    if found:
        return found
    device_id = os.urandom(8).hex()
    name = (socket.gethostname() or "gridtui").split(".")[0][:40]
    meta_set("device_id", device_id)
    return Device.create(id=device_id, name=name, is_self=True, trusted=True, added_at=datetime.now())
