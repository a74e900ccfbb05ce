"""Opening the database: one obvious way, with the pragmas, the version check and migrations.

The order matters for "file untouched": before anything that could write (WAL, migrations),
the file is inspected read-only. A database written by a newer gridtui is refused as it is, and
so is a zero-byte file: it is a mistake (a typo, an aborted copy), never a database to fill.
A database this process may not write (the file, or the folder its -wal and -shm live in) is
opened read-only, so that SQLite writes nothing at all; :func:`read_only` tells callers.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import peewee

from gridtui.core import catalogs, dialect, unlock
from gridtui.core.models import (
    LOCAL_MODELS,
    SYNCED_MODELS,
    Conflict,
    DatabaseHandle,
    Device,
    DeviceCommunity,
    HeldRow,
    Meta,
    ResidentEvent,
    SyncPeer,
    database,
    is_set,
    sqlite_database,
)
from gridtui.errors import GridError
from gridtui.i18n import t

if TYPE_CHECKING:
    from gridtui.forms.model import Form

SCHEMA_VERSION = 9
"""Bump with a new entry in MIGRATIONS whenever the tables change."""

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 1,  # NORMAL: durable at each checkpoint, safe with WAL
    "busy_timeout": 5000,
    "cache_size": -4000,
    "temp_store": "memory",
}

READ_ONLY_PRAGMAS = {
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "cache_size": -4000,
    "temp_store": "memory",
    "query_only": 1,
}
"""A read-only connection sets no journal mode (setting one is a write) and refuses writes."""

SQLITE_MAGIC = b"SQLite format 3\x00"

BULK_CACHE_KIB = 262_144
"""The page cache of a bulk write (:func:`bulk_cache`): the whole full-scale community (~64 MB)
fits, so none of its pages is written out or read back before the commit."""


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


def _migrate_4_to_5(db: peewee.SqliteDatabase) -> None:
    """Version 5 keeps the registers a real community needs: residents' life events, a grid's
    worker laptop, a volunteer's ID number and the day they stopped, when a pairing ended."""
    db.create_tables([ResidentEvent])
    for table, column, ddl in (
        ("grid", "worker_device", "VARCHAR(255) NOT NULL DEFAULT ''"),
        ("volunteer", "id_number", "VARCHAR(255) NOT NULL DEFAULT ''"),
        ("volunteer", "ended_on", "DATE"),
        ("pairing", "until", "DATE"),
    ):
        if column not in {c.name for c in db.get_columns(table)}:
            db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {ddl}')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "volunteer_id_number" ON "volunteer" ("id_number")')


def _migrate_5_to_6(db: peewee.SqliteDatabase) -> None:
    """Version 6 made checklists forms the office writes (XLSForm), stored and synced.

    The campaign and answer tables are rebuilt (SQLite cannot drop a column that points at
    another table): a campaign now names its form and the form version it is on, an answer its
    item by "<form id>:<name>". The four checklists of version 5 become form versions
    "legacy" (:mod:`gridtui.core.legacy`), yes/no answers "yes"/"no", and each visit records
    the version it was answered in. Every laptop makes the same change to the same rows, so
    nothing needs stamping again; the new form versions are stamped like any new row.
    """
    from gridtui.core.legacy import LEGACY_VERSION, legacy_definitions, yes_no_items
    from gridtui.core.models import Answer, Campaign, FormVersion, Resident, Visit
    from gridtui.forms.model import Form

    db.create_tables([FormVersion])
    if "template_id" not in {row[1] for row in db.execute_sql('PRAGMA table_info("campaign")')}:
        return  # already in this shape (a database made by this gridtui, marked older by a test)
    for table in ("campaign", "answer"):
        db.execute_sql(f'CREATE TEMP TABLE "{table}_v3" AS SELECT * FROM "{table}"')
        db.execute_sql(f'DROP TABLE "{table}"')
    db.create_tables([Campaign, Answer])
    db.execute_sql('ALTER TABLE "visit" ADD COLUMN "form_id" VARCHAR(36) REFERENCES "form_version" ("id")')
    for target in ("household", "business"):  # now part of indexes the latest visit is read from alone
        db.execute_sql(f'DROP INDEX IF EXISTS "visit_campaign_id_{target}_id_visited_at"')
    Visit._schema.create_indexes(safe=True)
    Resident._schema.create_indexes(safe=True)

    definitions = legacy_definitions()
    versions: dict[str, str] = {}
    campaigns = db.execute_sql(
        'SELECT "id", "deleted", "origin", "stamp", "stamps", "seq", "name", "name_en", "template_id", "target", '
        '"starts", "ends", "active", "scope" FROM "campaign_v3"'
    ).fetchall()
    for key in sorted({row[8] for row in campaigns}):
        versions[key] = _legacy_version(key, definitions.get(key), LEGACY_VERSION, Form)
    db.cursor().executemany(
        'INSERT INTO "campaign" ("id", "deleted", "origin", "stamp", "stamps", "seq", "name", "name_en", '
        '"form_key", "form_id", "target", "starts", "ends", "active", "scope", "versions") '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                *row[:4],
                row[4].replace('"template"', '"form_key"'),
                *row[5:8],
                row[8],
                versions[row[8]],
                *row[9:],
                f'["{versions[row[8]]}"]',
            )
            for row in campaigns
        ],
    )
    yes_no = yes_no_items()
    marks = ", ".join("?" * len(yes_no))
    db.execute_sql(
        'INSERT INTO "answer" ("id", "deleted", "origin", "stamp", "stamps", "seq", "visit_id", "item", "value", '
        '"answered_at") SELECT "id", "deleted", "origin", "stamp", "stamps", "seq", "visit_id", "item_id", '
        f'CASE WHEN "item_id" IN ({marks}) AND "value" = \'true\' THEN \'"yes"\' '
        f'WHEN "item_id" IN ({marks}) AND "value" = \'false\' THEN \'"no"\' ELSE "value" END, "answered_at" '
        'FROM "answer_v3"',
        [*yes_no, *yes_no],
    )
    db.execute_sql(
        'UPDATE "visit" SET "form_id" = (SELECT c."form_id" FROM "campaign" c WHERE c."id" = "visit"."campaign_id")'
    )
    for table in ("campaign_v3", "answer_v3"):
        db.execute_sql(f'DROP TABLE temp."{table}"')
    db.execute_sql('DROP TABLE IF EXISTS "checklist_item"')
    db.execute_sql('DROP TABLE IF EXISTS "checklist_template"')


_migrate_5_to_6.rebuilds_tables = True  # type: ignore[attr-defined]


def _legacy_version(key: str, definition: dict[str, Any] | None, version: str, form_class: type[Form]) -> str:
    """The form version a version-5 checklist becomes, written through the store (same id on
    every laptop); a template this gridtui never shipped gets an empty form of its name."""
    from gridtui.core import store
    from gridtui.core.ids import stable_id
    from gridtui.core.models import FormVersion

    if definition is None:
        definition = {
            "format": 1,
            "form_key": key,
            "version": version,
            "title": {"zh": key},
            "groups": [],
            "items": [{"name": "note", "type": "text", "label": {"zh": "备注", "en": "Notes"}}],
            "choices": {},
        }
    form = form_class.from_definition(definition)
    row_id = stable_id("form_version", f"{key}@{version}")
    store.create(
        FormVersion,
        id=row_id,
        form_key=key,
        version=version,
        digest=form.digest,
        title=form.label,
        definition=form.definition(),
    )
    return row_id


def _migrate_6_to_7(db: peewee.Database) -> None:
    """Version 7 knows who may change what, and lets many communities meet in a street office's
    hub. Each device has a role: this laptop the office until the office's bundle says
    otherwise, every peer a worker until trusted as the office, a hub as its card says; a held
    row says why it is held, and a worker's peer row the grids each bundle to it carried. A hub
    maps devices to the community they work for.

    Community identity needs no change of rows here: every database of one community holds the
    same fixed community id, and rewriting it on each database on its own would give one
    community as many ids as laptops. A community keeps that id until its office first sends
    to a hub; then the office, and only it, gives the community an id of its own as an ordinary
    synced change (:func:`gridtui.domain.places.own_identity`), which reaches its laptops with
    the next bundles like any edit."""
    db.create_tables([DeviceCommunity])
    text = dialect.text_ddl()
    for table, column, ddl in (
        ("device", "role", f"{text} NOT NULL DEFAULT 'worker'"),
        ("held_row", "reason", f"{text} NOT NULL DEFAULT 'future'"),
        ("sync_peer", "scopes", f"{text} NOT NULL DEFAULT '[]'"),
    ):
        if column not in {c.name for c in db.get_columns(table)}:
            db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {ddl}')
    db.execute_sql('UPDATE "device" SET "role" = \'office\' WHERE "is_self" = 1')


def _migrate_7_to_8(db: peewee.Database) -> None:
    """Version 8 searches through indexes, so a keystroke's cost no longer grows with the
    community: trigram indexes over pinyin and addresses, the name's suffixes, and the last
    four digits of phones and ID numbers (:func:`gridtui.core.dialect.search_index_ddl`), built
    here for the rows already there. Nothing synced changes, so nothing is stamped."""
    for statement in dialect.search_index_ddl():
        db.execute_sql(statement)


def _migrate_8_to_9(db: peewee.Database) -> None:
    """Version 9 keeps a keystroke's and a coverage's reads bounded on a street office's hub of
    twenty communities: short address and initials queries walk an index a page long, the few
    tombstoned households are an index of their own, and a campaign's targets are counted from
    an index (:data:`gridtui.core.dialect.BOUNDED_READ_INDEXES`). Nothing synced changes."""
    for statement in dialect.BOUNDED_READ_INDEXES:
        db.execute_sql(statement)


MIGRATIONS: dict[int, Callable[[peewee.SqliteDatabase], None]] = {
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
    3: _migrate_3_to_4,
    4: _migrate_4_to_5,
    5: _migrate_5_to_6,
    6: _migrate_6_to_7,
    7: _migrate_7_to_8,
    8: _migrate_8_to_9,
}
"""MIGRATIONS[n] takes a database from version n to n + 1."""


def inspect_file(path: Path, cipher: unlock.CipherKey | None = None) -> int | None:
    """The schema version of an existing file, read without writing; None for a new file.

    Raises GridError for a folder, a zero-byte file, a file that is not a gridtui database or
    comes from a newer gridtui, and one that cannot be read without writing beside it; for an
    encrypted file, without its key (``cipher``) or with a wrong one.
    """
    path = Path(path)
    if path.is_dir():
        raise GridError("db.not_a_file", path=str(path))
    if not path.exists():
        return None
    if path.stat().st_size == 0:
        raise GridError("db.empty_file", path=str(path))
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise GridError("db.unreadable", path=str(path), detail=exc.strerror or str(exc)) from exc
    if head[:16] != SQLITE_MAGIC:
        if not unlock.encrypted(path):
            raise GridError("db.not_gridtui", path=str(path))
        if cipher is None:  # SQLCipher leaves no header: ours if the passphrase opens it
            raise GridError("unlock.needed", path=str(path))
        version, tables = _read_version(path, cipher)
    else:
        if not Path(f"{path}-wal").exists() and not _header_whole(head, path.stat().st_size):
            raise GridError("db.corrupt", path=str(path), detail=t("db.header_mismatch"))
        version, tables = _read_version(path, None)
    if version > SCHEMA_VERSION:
        raise GridError("db.newer_schema", path=str(path), found=version, supported=SCHEMA_VERSION)
    if version < 0:  # gridtui never writes one: a damaged header
        raise GridError("db.not_gridtui", path=str(path))
    if version == 0:
        if tables:
            raise GridError("db.not_gridtui", path=str(path))
        return None
    return version


def _read_version(path: Path, cipher: unlock.CipherKey | None) -> tuple[int, set[str]]:
    """user_version and table names, read without writing a byte (a wrong key: one sentence)."""
    driver: Any = sqlite3
    if cipher is not None:
        from sqlcipher3 import dbapi2

        driver = dbapi2
    try:
        conn = driver.connect(f"{path.resolve().as_uri()}?{read_flags(path)}", uri=True)
        try:
            if cipher is not None:
                conn.execute("PRAGMA cipher_log_level = NONE")
                conn.execute(f"PRAGMA key = {cipher.pragma()}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except driver.DatabaseError as exc:
        if cipher is not None and "not a database" in str(exc):
            raise GridError("unlock.wrong", path=str(path)) from exc
        raise GridError("db.corrupt", path=str(path), detail=str(exc)) from exc
    return version, tables


def writable(path: Path) -> bool:
    """Whether this process may write the database, its -wal and -shm (or make them beside it)."""
    sidecars = [p for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
    return os.access(path.parent, os.W_OK | os.X_OK) and all(os.access(p, os.W_OK) for p in (path, *sidecars))


def read_flags(path: Path) -> str:
    """SQLite URI flags that read an existing database without writing a byte anywhere.

    With no -wal beside it there is nothing uncommitted to read, so the file is opened
    immutable: no -wal or -shm is made, which is the only way to read a WAL database in a folder
    where they cannot be made. With a -wal, SQLite reads it through the -shm; in a read-only
    folder that -shm must already be there, or the committed rows in the -wal cannot be read
    (and the file is refused rather than shown without them).
    """
    wal = Path(f"{path}-wal")
    if not wal.exists():
        return "mode=ro&immutable=1"
    if not Path(f"{path}-shm").exists() and not os.access(path.parent, os.W_OK | os.X_OK):
        raise GridError("db.readonly_wal", path=str(path))
    return "mode=ro"


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


def open_database(
    path: str | os.PathLike[str],
    *,
    create: bool = True,
    on_create: Callable[[Path | str], None] | None = None,
    cipher: unlock.CipherKey | None = None,
) -> peewee.SqliteDatabase:
    """Open (and if needed create or migrate) the gridtui database at ``path``.

    ``create=False``: a path with no database is an error, not a new empty database.
    ``on_create`` is called with the path once a new database has been made, so the command
    that made it can say so. A database this process may not write is opened read-only.
    ``cipher``: the key of an encrypted database (:mod:`gridtui.core.unlock`); a new database
    made with one is encrypted.
    """
    if dialect.is_url(path):
        return open_hub(str(path), create=create, on_create=on_create)
    path = Path(path)
    close_database()
    database.initialize(sqlite_database)
    version = inspect_file(path, cipher)
    if version is None and not create:
        raise GridError("db.missing", path=str(path))
    if version is not None and not unlock.encrypted(path):
        cipher = None  # a plain file opened with a key to spare: it stays plain
    database.cipher = cipher
    if version is not None and not writable(path):
        return _open_read_only(path, version)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GridError("db.unwritable", path=str(path), detail=exc.strerror or str(exc)) from exc
    database.init(str(path), pragmas=PRAGMAS, check_same_thread=False)
    database.uri_flags = ""
    steps = [MIGRATIONS[step] for step in range(version, SCHEMA_VERSION)] if version is not None else []
    rebuilds = any(getattr(step, "rebuilds_tables", False) for step in steps)
    try:
        database.connect(reuse_if_open=True)
        if rebuilds:  # SQLite's table rebuild: references are checked once, at the end
            database.execute_sql("PRAGMA foreign_keys = OFF")
        with dialect.write_transaction():
            _bring_up_to_date(version, steps)
            if rebuilds and database.execute_sql("PRAGMA foreign_key_check").fetchone() is not None:
                raise GridError("db.migration_failed", path=str(path))
    except peewee.OperationalError as exc:
        database.close()
        raise translate_operational(exc, path) from exc
    except GridError:
        database.close()
        raise
    finally:
        if rebuilds and not database.is_closed():
            database.execute_sql("PRAGMA foreign_keys = ON")
    if version is None and on_create is not None:
        on_create(path)
    return database


def _bring_up_to_date(version: int | None, steps: list[Callable[[Any], None]] | None = None) -> None:
    """Create a new database's tables or migrate an older one, in the caller's transaction."""
    if version is None:
        database.create_tables([*LOCAL_MODELS, *SYNCED_MODELS])
        _migrate_1_to_2(database)
        _migrate_7_to_8(database)
    else:
        for step in steps if steps is not None else [MIGRATIONS[n] for n in range(version, SCHEMA_VERSION)]:
            step(database)
    if version != SCHEMA_VERSION:
        dialect.set_schema_version(SCHEMA_VERSION)
    _load_catalogs()
    ensure_self_device()


def open_hub(url: str, *, create: bool = True, on_create: Callable[[Path | str], None] | None = None) -> DatabaseHandle:
    """Open (and if needed create or migrate) a street office's hub on PostgreSQL.

    The same tables, migrations and catalogs as a file, made in one transaction under the
    writers' lock, so two office users opening a new hub at once make it once. A URL that is
    not PostgreSQL's, a server that cannot be reached or refuses the password, a database that
    is not gridtui's or is newer: one sentence, and nothing written.
    """
    close_database()
    if not dialect.is_server_url(url):
        raise GridError("hub.unsupported_url", url=dialect.shown_url(url))
    if not dialect.well_formed(url):
        raise GridError("hub.bad_url", url=dialect.shown_url(url))
    hub = dialect.HubDatabase(url)
    database.initialize(hub)
    created = False
    try:
        try:
            hub.connect()
        except peewee.ProgrammingError as exc:  # the driver could not even read the URL
            raise GridError("hub.bad_url", url=hub.shown) from exc
        with dialect.write_transaction():
            version = dialect.schema_version()
            if version == 0 and hub.get_tables():
                raise GridError("db.not_gridtui", path=hub.shown)
            if version > SCHEMA_VERSION:
                raise GridError("db.newer_schema", path=hub.shown, found=version, supported=SCHEMA_VERSION)
            if version == 0 and not create:
                raise GridError("hub.empty", url=hub.shown)
            for statement in dialect.HUB_FUNCTIONS:
                hub.execute_sql(statement)
            created = version == 0
            _bring_up_to_date(None if created else version)
            dialect.ensure_hub_planning()
    except GridError:
        close_database()
        raise
    except (peewee.DatabaseError, peewee.InterfaceError) as exc:
        close_database()
        raise dialect.server_error(exc, url) from None
    if created and on_create is not None:
        on_create(hub.shown)
    return database


def _open_read_only(path: Path, version: int) -> peewee.SqliteDatabase:
    """Open a database this process may read but not write, so that SQLite writes nothing.

    No -wal or -shm is left beside a protected file either: they would keep the mode of the
    file, and so stop writes once the file itself is made writable again. Bringing an older
    database up to date is a write, so that one is refused; the catalogs are used as stored.
    """
    if version < SCHEMA_VERSION:
        raise GridError("db.readonly_outdated", path=str(path))
    database.init(str(path), pragmas=READ_ONLY_PRAGMAS, check_same_thread=False)
    database.uri_flags = read_flags(path)
    try:
        database.connect(reuse_if_open=True)
        database.execute_sql("SELECT 1 FROM meta LIMIT 1")  # SQLite opens the file at the first read
    except peewee.OperationalError as exc:
        database.close()
        raise translate_operational(exc, path) from exc
    return database


DEMO_MARK = "demo_seed"
"""Meta key: this database was filled by ``gridtui demo`` (its people are made up)."""


HUB_MARK = "role"
"""Meta key: ``hub`` where a SQLite file serves as a (small) street office's hub."""


def is_street_hub() -> bool:
    """Whether this database is a street office's hub: every PostgreSQL one, and a file marked
    so (:func:`mark_street_hub`). Its card says so; it learns which device works for which
    community, and sends each office only that community's rows."""
    return dialect.hub() or meta_get(HUB_MARK) == "hub"


def mark_street_hub() -> None:
    meta_set(HUB_MARK, "hub")


def at_rest() -> str:
    """How the open database lies on disk: ``encrypted``, ``demo`` (plain, made-up people) or
    ``plain`` (real people readable by anyone who copies the file: home says so)."""
    if database.cipher is not None:
        return "encrypted"
    return "demo" if meta_get(DEMO_MARK) is not None else "plain"


def read_only() -> bool:
    """Whether the open database is read-only: a caller about to write says so instead."""
    return bool(database.read_only)


def translate_operational(exc: Exception, path: Path | str) -> GridError:
    """Turn SQLite's own words (locked, read-only, disk full) into one sentence for the user."""
    if dialect.hub():
        error: GridError = dialect.server_error(exc, str(database.url))
        return error
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return GridError("db.locked", path=str(path))
    if "readonly" in text or "read-only" in text:
        return GridError("db.readonly", path=str(path))
    if "full" in text:
        return GridError("db.disk_full", path=str(path))
    if "malformed" in text or "not a database" in text:
        return GridError("db.corrupt", path=str(path), detail=str(exc))
    if "unable to open" in text:
        return GridError("db.unwritable", path=str(path), detail=str(exc))
    return GridError("db.error", path=str(path), detail=str(exc))


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` says another connection holds the write lock (try again later)."""
    text = str(exc).lower()
    return isinstance(exc, peewee.OperationalError | sqlite3.OperationalError) and (
        "locked" in text or "busy" in text or "lock timeout" in text
    )


@contextmanager
def brief_busy_wait(ms: int) -> Iterator[None]:
    """This thread's writes wait at most ``ms`` for another program's lock (the screen's writes:
    a frozen screen is worse than a write queued for later)."""
    dialect.set_wait(ms)
    try:
        yield
    finally:
        dialect.set_wait(None)


@contextmanager
def bulk_cache() -> Iterator[None]:
    """This thread's connection keeps every page a bulk write touches in memory until it commits.

    A full import writes the whole database in one transaction. With the usual cache, SQLite
    spills dirty pages to the WAL halfway and reads them back to build each index at the end;
    on an encrypted database every such write and read also encrypts, or decrypts and checks,
    a page, which made a full import ~1.5x slower than a plain one. The cache grows only as
    pages are touched, and is cut back to its usual size afterwards.
    """
    if dialect.hub():  # the server keeps its own cache
        yield
        return
    database.execute_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        database.execute_sql(f"PRAGMA cache_size = {PRAGMAS['cache_size']}")


def close_database() -> None:
    """Close this thread's connection, if it has one."""
    if database.obj.database is not None and not database.is_closed():
        database.close()


def meta_get(key: str, default: str | None = None) -> str | None:
    row = Meta.get_or_none(Meta.key == key)
    return row.value if row else default


def meta_set(key: str, value: str) -> None:
    dialect.upsert_meta({key: value})


def _load_catalogs() -> None:
    """Refresh the catalog tables from data/ when the shipped files changed (or on first open)."""
    raw = catalogs.raw_files()
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()
    if meta_get("catalog_digest") == digest:
        return
    catalogs.write_tables(raw)
    meta_set("catalog_digest", digest)


def self_device() -> Device:
    me: Device = Device.get(is_set(Device.is_self))
    return me


def ensure_self_device() -> Device:
    """This database's device identity, created on first open."""
    found: Device | None = Device.get_or_none(is_set(Device.is_self))
    if found:
        return found
    device_id = os.urandom(8).hex()
    name = (socket.gethostname() or "gridtui").split(".")[0][:40]
    meta_set("device_id", device_id)
    made: Device = Device.create(
        id=device_id, name=name, is_self=True, trusted=True, added_at=datetime.now(), role="office"
    )
    return made
