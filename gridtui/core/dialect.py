"""Where SQLite and PostgreSQL differ, and nowhere else.

A laptop and a community office keep their data in one SQLite file; a street office's hub keeps
many communities in PostgreSQL. The models, migrations, the one write path, the stamps and the
merge are the same code on both; what must differ lives here:

* **Stored form.** The hub stores every value in the very form SQLite stores it: dates and times
  as ISO text, flags as 0/1 (``SMALLINT``), JSON as text, whole numbers in 64 bits, floats as
  doubles, text in byte order (``COLLATE "C"``, as SQLite's BINARY). A row read from either
  database therefore compares equal, value for value, with the same row in a bundle, so neither
  the merge nor the bundle format needs to know which database it runs on.
* **Placeholders.** The code writes its own SQL with SQLite's ``?`` and ``:name``; on the hub the
  cursor turns them into psycopg's ``%s`` and ``%(name)s`` (peewee's own queries already use those).
* **Writers.** SQLite lets one writer in at a time (``BEGIN IMMEDIATE``); the hub does the same
  with a transaction-scoped advisory lock, so the clock and change sequence in the meta table
  are handed out once and concurrent imports end where importing one after the other would.
  Readers (reports, exports in a REPEATABLE READ snapshot) never wait for a writer.
* **Search indexes.** Search as you type finds a substring of a resident's pinyin or of an
  address through a trigram index: SQLite's FTS5 (kept by triggers), PostgreSQL's ``pg_trgm``
  (a GIN index, where the extension may be made; without it the same query scans). The last
  digits of a phone or ID number are an expression index: ``substr(x, -4)`` against ``right(x, 4)``.
* **Settings.** SQLite's pragmas against the hub's session settings; the schema version in
  ``PRAGMA user_version`` against a meta key; index lists for the bulk load; how long a writer
  waits for another; and the server's own words turned into one sentence.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import peewee

from gridtui.config import is_url

__all__ = [
    "HubDatabase",
    "is_url",
    "is_server_url",
    "shown_url",
    "well_formed",
    "hub",
    "write_transaction",
    "read_snapshot",
    "schema_version",
    "set_schema_version",
    "upsert_meta",
    "put",
    "text_ddl",
    "latest_sql",
    "latest_query",
    "upsert_sql",
    "indexes",
    "tail",
    "contains_filter",
    "search_index_ddl",
    "ensure_hub_planning",
    "rebuild_search_index",
    "after_bulk_write",
    "set_wait",
    "references_trusted",
    "side_path",
    "server_error",
]

SERVER_SCHEMES = ("postgresql", "postgres")

WRITER_LOCK = 0x67726964  # "grid": the one advisory lock every writer of a hub takes
HUB_LOCK_TIMEOUT = "600s"
"""How long a hub's writer waits for another (a street's import takes minutes, not seconds)."""
SCHEMA_KEY = "schema_version"
"""On the hub the schema version is a meta key (SQLite keeps it in ``PRAGMA user_version``)."""


def is_server_url(text: object) -> bool:
    return is_url(text) and str(text).split("://", 1)[0].lower() in SERVER_SCHEMES


def well_formed(url: str) -> bool:
    """Whether a server URL can be read at all (a port that is a number, one host part)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    return bool(parts.path.strip("/")) or bool(parts.query)


def shown_url(url: str) -> str:
    """The URL as it may be printed: never its password."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.split("@")[-1]
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = (parts.username or "") + ":***"
    return parts._replace(netloc=f"{user}@{netloc[-1]}").geturl()


# ---------------------------------------------------------------------------------------------
# The hub's database object
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _placeholders(sql: str, named: bool) -> str:
    """SQLite's ``?`` (or ``:name``) as psycopg's ``%s`` (``%(name)s``); a literal ``%`` doubled."""
    sql = sql.replace("%", "%%")
    if named:
        return re.sub(r"(?<![:\w]):([A-Za-z_]\w*)", r"%(\1)s", sql)
    return sql.replace("?", "%s")


def _convert(sql: str, params: Any) -> str:
    if params is None or "%s" in sql or "%(" in sql:  # peewee's own SQL, or nothing to bind
        return sql
    if isinstance(params, dict):
        return _placeholders(sql, True)
    return _placeholders(sql, False) if "?" in sql else sql


class HubCursor:
    """A psycopg cursor that takes the same SQL as SQLite's (``?`` placeholders) and raises
    peewee's errors, as peewee's own calls do."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Any = None) -> HubCursor:
        with peewee.__exception_wrapper__:
            self._cursor.execute(_convert(sql, params), params if params else None)
        return self

    def executemany(self, sql: str, rows: Iterable[Any]) -> HubCursor:
        rows = list(rows)
        if rows:
            with peewee.__exception_wrapper__:
                self._cursor.executemany(_convert(sql, rows[0]), rows)
        return self

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    def fetchmany(self, size: int) -> list[Any]:
        return list(self._cursor.fetchmany(size))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)

    def close(self) -> None:
        self._cursor.close()

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def lastrowid(self) -> None:
        return None


_TEXT = 'TEXT COLLATE "C"'


class HubDatabase(peewee.PostgresqlDatabase):
    """Peewee's PostgreSQL database holding values in SQLite's stored form (see the module)."""

    field_types = {
        "BOOL": "SMALLINT",
        "DATE": _TEXT,
        "DATETIME": _TEXT,
        "TIME": _TEXT,
        "TEXT": _TEXT,
        "VARCHAR": _TEXT,
        "CHAR": _TEXT,
        "INT": "BIGINT",
        "FLOAT": "DOUBLE PRECISION",
        "DOUBLE": "DOUBLE PRECISION",
        "JSON": _TEXT,
    }

    read_only = False
    cipher = None
    uri_flags = ""
    is_hub = True

    def __init__(self, url: str) -> None:
        server_driver()
        super().__init__(url, prefer_psycopg3=True, autoconnect=True)
        self.url = url

    @property
    def shown(self) -> str:
        return shown_url(self.url)

    def cursor(self, named_cursor: Any = None) -> Any:
        return HubCursor(super().cursor())

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        if sql.startswith("CREATE TABLE"):
            sql = re.sub(r'COLLATE "C"\(\d+\)', 'COLLATE "C"', sql)
        return super().execute_sql(sql, params)

    def _connect(self) -> Any:
        with peewee.__exception_wrapper__:
            conn = super()._connect()
        _adapt(conn)
        with conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = '{HUB_LOCK_TIMEOUT}'")
            cur.execute("SET client_min_messages = warning")
            # the hub's reads are index walks and counts that take milliseconds; the JIT compiles
            # any query it guesses costly (a street-wide coverage count) for ~0.3 s first
            cur.execute("SET jit = off")
        return conn


def server_driver() -> None:
    """Give peewee the PostgreSQL driver it was kept from at import (see ``gridtui.__init__``):
    what peewee's own import would have set, set once a server is opened."""
    import psycopg
    from psycopg.pq import TransactionStatus
    from psycopg.types.json import Json, Jsonb

    if getattr(peewee, "psycopg", None) is None:
        peewee.psycopg, peewee.TransactionStatus = psycopg, TransactionStatus
        peewee.Json_pg3, peewee.Jsonb_pg3 = Json, Jsonb
        adapter: Any = peewee.Psycopg3Adapter
        adapter.txn_idle = TransactionStatus.IDLE
        adapter.txn_inerror = TransactionStatus.INERROR
        adapter.txn_unknown = TransactionStatus.UNKNOWN


def _adapt(conn: Any) -> None:
    """Python values as SQLite's stored form: flags as 0/1, dates and times as ISO text (as
    the sqlite3 module writes them), numeric sums back as numbers."""
    import datetime

    from psycopg.adapt import Dumper, Loader
    from psycopg.types.numeric import NumericLoader

    class Flag(Dumper):
        oid = conn.adapters.types["int2"].oid

        def dump(self, obj: Any) -> bytes:
            return b"1" if obj else b"0"

    class IsoText(Dumper):
        oid = conn.adapters.types["text"].oid

        def dump(self, obj: Any) -> bytes:
            return str(obj.isoformat(" ") if isinstance(obj, datetime.datetime) else obj.isoformat()).encode()

    numeric = NumericLoader(0)

    class Number(Loader):
        def load(self, data: Any) -> int | float:
            value = numeric.load(data)
            return int(value) if value == value.to_integral_value() else float(value)

    conn.adapters.register_dumper(bool, Flag)
    for kind in (datetime.date, datetime.datetime, datetime.time):
        conn.adapters.register_dumper(kind, IsoText)
    conn.adapters.register_loader("numeric", Number)


HUB_FUNCTIONS = (
    # SQLite's instr(), which search uses, as PostgreSQL's strpos()
    "CREATE OR REPLACE FUNCTION instr(haystack text, needle text) RETURNS integer "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT strpos(haystack, needle)'",
)


# ---------------------------------------------------------------------------------------------
# What differs, asked of the open database
# ---------------------------------------------------------------------------------------------


def hub(db: Any = None) -> bool:
    """Whether the open database is a PostgreSQL hub."""
    from gridtui.core.models import database

    return getattr(db or database, "is_hub", False)


@contextmanager
def write_transaction() -> Iterator[None]:
    """A transaction that holds the database's one writer's place from its first statement."""
    from gridtui.core.models import database

    if hub():
        with database.atomic():
            database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK,))
            yield
    else:
        with database.atomic("IMMEDIATE"):
            yield


def read_snapshot() -> Any:
    """A read transaction that sees one state throughout (an export: rows, sequence, vectors)."""
    from gridtui.core.models import database

    if hub():
        return database.atomic(isolation_level="REPEATABLE READ")
    return database.atomic()


def schema_version() -> int:
    """The open database's schema version (0: no gridtui tables yet)."""
    from gridtui.core.models import database

    if not hub():
        return int(database.execute_sql("PRAGMA user_version").fetchone()[0])
    if "meta" not in database.get_tables():
        return 0
    row = database.execute_sql('SELECT "value" FROM "meta" WHERE "key" = %s', (SCHEMA_KEY,)).fetchone()
    return int(row[0]) if row else 0


def set_schema_version(version: int) -> None:
    from gridtui.core.models import database

    if hub():
        upsert_meta({SCHEMA_KEY: str(version)})
    else:
        database.execute_sql(f"PRAGMA user_version = {int(version)}")


def upsert_meta(values: dict[str, str]) -> None:
    """Meta keys set to these values (SQLite's REPLACE, PostgreSQL's ON CONFLICT)."""
    from gridtui.core.models import database

    sql = (
        'INSERT INTO "meta" ("key", "value") VALUES (?, ?) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"'
    )
    for pair in values.items():  # through execute_sql: a read-only file says so in its one sentence
        database.execute_sql(sql, pair)


def put(model: Any, **values: Any) -> None:
    """A local row (a catalog entry, a device) inserted or written over in place: one statement
    both databases take (SQLite's REPLACE is unknown to PostgreSQL)."""
    pk = model._meta.primary_key
    model.insert(**values).on_conflict(
        conflict_target=[pk], preserve=[f for f in model._meta.sorted_fields if f is not pk]
    ).execute()


def text_ddl() -> str:
    """The column type of a text field added by a migration."""
    return _TEXT if hub() else "VARCHAR(255)"


def latest_sql(group: str, columns: str, at: str, rest: str) -> str:
    """One row per ``group`` (its other ``columns`` from the row with the greatest ``at``) from
    ``rest`` (``FROM … WHERE …``): SQLite's bare-column ``MAX()``, its cheapest form there;
    PostgreSQL's ``DISTINCT ON``."""
    if hub():
        return f"SELECT DISTINCT ON ({group}) {group}, {columns}, {at} {rest} ORDER BY {group}, {at} DESC"
    return f"SELECT {group}, {columns}, MAX({at}) {rest} GROUP BY {group}"


def latest_query(model: Any, group: Any, columns: list[Any], at: Any, where: Any) -> Any:
    """:func:`latest_sql` as a peewee query (a subquery to join): ``group`` aliased ``target_id``,
    ``at`` aliased ``at``."""
    if hub():
        return (
            model.select(group.alias("target_id"), *columns, at.alias("at"))
            .where(where)
            .distinct(group)
            .order_by(group, at.desc())
        )
    return model.select(group.alias("target_id"), *columns, peewee.fn.MAX(at).alias("at")).where(where).group_by(group)


def upsert_sql(table: str, names: list[str]) -> str:
    """Rows written over the ones with their id, in place (rows pointing at them stay valid).

    The same statement on both databases; on the hub the ``WHERE`` keeps a row that another
    writer already carried past this one (a greater change sequence) from going backwards.
    """
    sets = ", ".join(f'"{n}" = excluded."{n}"' for n in names if n != "id")
    sql = 'INSERT INTO "{}" ({}) VALUES ({}) ON CONFLICT ("id") DO UPDATE SET {}'.format(
        table, ", ".join(f'"{n}"' for n in names), ", ".join("?" * len(names)), sets
    )
    if "seq" in names:
        sql += f' WHERE "{table}"."seq" < excluded."seq"'
    return sql


# ---------------------------------------------------------------------------------------------
# Search indexes
# ---------------------------------------------------------------------------------------------

TRIGRAM = 3
"""The shortest text a trigram index can find; a shorter one is looked up another way."""

SEARCHED = (("resident", "name_pinyin"), ("household", "address"))
"""The text columns search finds substrings of through a trigram index."""


def tail(column: str, n: int) -> str:
    """SQL for the last ``n`` characters of ``column``: what the tail indexes are built on and
    what a query must say, word for word, for them to be used (``n`` a literal, not a parameter)."""
    return f"right({column}, {int(n)})" if hub() else f"substr({column}, -{int(n)})"


def contains_filter(alias: str, table: str, column: str, text: str, key: str) -> tuple[str, dict[str, str]]:
    """A condition that keeps the rows of ``table`` whose ``column`` may hold ``text``, answered by
    the trigram index; ``("", {})`` where the index cannot answer (text shorter than three).

    A superset (case folded on SQLite): the caller keeps its own exact test beside it."""
    if len(text) < TRIGRAM or (table, column) not in SEARCHED:
        return "", {}
    if hub():
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"{alias}.{column} LIKE :{key} ESCAPE '\\'", {key: f"%{escaped}%"}
    phrase = '"' + text.replace('"', '""') + '"'
    return f'{alias}.rowid IN (SELECT rowid FROM "{table}_search" WHERE "{table}_search" MATCH :{key})', {key: phrase}


BOUNDED_READ_INDEXES = (
    # the few tombstoned households, so a search leaves out their residents without reading
    # every household (a street office's hub holds 120,000)
    'CREATE INDEX IF NOT EXISTS "household_gone" ON "household" ("id") WHERE "deleted" = 1',
    # an address typed from its start, walked in address order and stopped at a page: one or two
    # characters are too few for the trigram index, and common enough to match thousands
    'CREATE INDEX IF NOT EXISTS "household_address" ON "household" ("address", "id")',
    # a number typed is also a door (501): its households walked in address order, a page long
    'CREATE INDEX IF NOT EXISTS "household_door" ON "household" ("door", "address", "id")',
    # initials typed (zaq): walked in initials then pinyin order, a page and no more
    'CREATE INDEX IF NOT EXISTS "resident_initials_pinyin" ON "resident" ("name_initials", "name_pinyin", "id")',
    # a campaign's targets per grid counted from the index alone (coverage): building, tombstone, status
    'CREATE INDEX IF NOT EXISTS "household_building_state" ON "household" ("building_id", "deleted", "status", "id")',
)
"""Indexes of schema 9 that keep a keystroke's and a coverage's reads bounded on a street office's
hub (:func:`search_index_ddl` makes them on a new database; the migration to 9 on an older one)."""


HUB_INDEXES = {
    # an address key typed (3-2-, 1栋): the buildings walked in walking order, each one's households
    # looked up, stopped at a page; sorting every match instead took 20-30 ms at twenty communities
    "building_walk": 'CREATE INDEX "building_walk" ON "building" ("walk_order", "id")',
    # a single character as a name's second or third: its people walked in pinyin order, a page
    # and no more, where sorting all who hold it grows with the street (search._later_character)
    "resident_second_pinyin": 'CREATE INDEX "resident_second_pinyin" ON "resident" '
    '(substr("name", 2, 1), "name_pinyin", "id")',
    "resident_third_pinyin": 'CREATE INDEX "resident_third_pinyin" ON "resident" '
    '(substr("name", 3, 1), "name_pinyin", "id")',
}
"""Indexes only the hub needs, by name: on SQLite a community sorts its few thousand matches in
about a millisecond and its plans stay as they were measured."""


PREFIX_STATISTICS = 1000
"""The statistics target of the columns a keystroke walks by a prefix on the hub
(:data:`PREFIXED`): with PostgreSQL's 100 a prefix matching 2,700 of 370,000 pinyin (ti) was
thought to match 30, so its rows were all read and sorted (4-14 ms) instead of a page walked
in the index (0.2 ms). The larger sample costs an import under a second."""

PREFIXED = (("resident", "name_pinyin"), ("resident", "name_initials"), ("household", "address"))


def ensure_hub_planning() -> None:
    """Make those of :data:`HUB_INDEXES` the hub lacks and set :data:`PREFIX_STATISTICS`, as it
    opens. Neither changes anything that syncs, so they need no schema step, which would make
    every office and laptop of the street upgrade with the hub; a user who may not make them
    (not the tables' owner) searches without."""
    from gridtui.core.models import database

    try:
        with database.atomic():
            for name, statement in HUB_INDEXES.items():
                if database.execute_sql("SELECT to_regclass(%s)", (f'"{name}"',)).fetchone()[0] is None:
                    database.execute_sql(statement)
            for table, column in PREFIXED:
                target = database.execute_sql(
                    "SELECT attstattarget FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = %s",
                    (f'"{table}"', column),
                ).fetchone()[0]
                if target != PREFIX_STATISTICS:
                    database.execute_sql(
                        f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET STATISTICS {PREFIX_STATISTICS}'
                    )
                    database.execute_sql(f'ANALYZE "{table}"')
    except peewee.DatabaseError:
        return


def search_index_ddl() -> list[str]:
    """The statements that make the search indexes on an open database, for rows already there too.

    On SQLite each trigram index is an FTS5 table over the row's own rowid (external content:
    the text is not stored twice), kept in step by triggers, so every path the store writes by
    (one row, a bulk load, a merge's upsert) keeps it without code of its own. On the hub a GIN
    index does the same; where ``pg_trgm`` cannot be made the search scans, as it did before.
    """
    statements = [
        f'CREATE INDEX IF NOT EXISTS "resident_phone_tail" ON "resident" ({tail("phone", 4)})',
        f'CREATE INDEX IF NOT EXISTS "resident_id_number_tail" ON "resident" ({tail("id_number", 4)})',
        # a name found by a part after its first character: each suffix's prefix
        'CREATE INDEX IF NOT EXISTS "resident_name" ON "resident" ("name")',
        # a surname typed alone: its people in pinyin order, the first page read and no more
        'CREATE INDEX IF NOT EXISTS "resident_surname_pinyin" ON "resident" (substr("name", 1, 1), "name_pinyin", "id")',
        'CREATE INDEX IF NOT EXISTS "resident_name_from_2" ON "resident" (substr("name", 2))',
        'CREATE INDEX IF NOT EXISTS "resident_name_from_3" ON "resident" (substr("name", 3))',
        'CREATE INDEX IF NOT EXISTS "resident_name_length" ON "resident" (length("name"))',
        *BOUNDED_READ_INDEXES,
    ]
    if hub():
        if _trigram_extension():
            statements += [
                f'CREATE INDEX IF NOT EXISTS "{table}_{column}_trgm" ON "{table}" USING gin ("{column}" gin_trgm_ops)'
                for table, column in SEARCHED
                if column != "address" or _chinese_trigrams()
            ]
        return statements
    for table, column in SEARCHED:
        fts = f"{table}_search"
        statements += [
            f'CREATE VIRTUAL TABLE IF NOT EXISTS "{fts}" USING fts5("{column}", content="{table}", '
            "tokenize='trigram')",
            f'INSERT INTO "{fts}" ("{fts}") VALUES (\'rebuild\')',
            f'CREATE TRIGGER IF NOT EXISTS "{fts}_insert" AFTER INSERT ON "{table}" BEGIN '
            f'INSERT INTO "{fts}" (rowid, "{column}") VALUES (new.rowid, new."{column}"); END',
            f'CREATE TRIGGER IF NOT EXISTS "{fts}_delete" AFTER DELETE ON "{table}" BEGIN '
            f'INSERT INTO "{fts}" ("{fts}", rowid, "{column}") VALUES (\'delete\', old.rowid, old."{column}"); END',
            f'CREATE TRIGGER IF NOT EXISTS "{fts}_update" AFTER UPDATE OF "{column}" ON "{table}" BEGIN '
            f'INSERT INTO "{fts}" ("{fts}", rowid, "{column}") VALUES (\'delete\', old.rowid, old."{column}"); '
            f'INSERT INTO "{fts}" (rowid, "{column}") VALUES (new.rowid, new."{column}"); END',
        ]
    return statements


def _trigram_extension() -> bool:
    """Whether the hub has ``pg_trgm``, making it if this user may (in a savepoint: a refusal
    must not end the migration's transaction)."""
    from gridtui.core.models import database

    if database.execute_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone():
        return True
    try:
        with database.atomic():
            database.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except peewee.DatabaseError:
        return False
    return True


STALE_ROWS, STALE_SHARE = 50, 0.1
"""A table's statistics are stale once an import has written more than this many rows plus this
share of the rows they know of: PostgreSQL's own rule for gathering them again (its autovacuum
analyze threshold and scale factor, as shipped), applied at once instead of a minute later."""


def after_bulk_write(written: dict[str, int]) -> None:
    """On the hub, fresh planner statistics for each table an import has made stale, small ones
    too. PostgreSQL gathers them by itself only a minute or more later; until then a hub that
    took twenty communities at once plans the search and the walk lists as over empty tables: with
    its 1,380 buildings thought to be 7, a keystroke's address page joined every building's
    households (1.1 s) instead of walking the address index. SQLite needs none: its plans follow
    the indexes."""
    from gridtui.core.models import database

    if not hub():
        return
    for table, rows in sorted(written.items()):
        known = database.execute_sql(
            "SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = to_regclass(%s)", (f'"{table}"',)
        ).fetchone()
        if known is not None and rows > STALE_ROWS + STALE_SHARE * known[0]:
            database.execute_sql(f'ANALYZE "{table}"')


def _chinese_trigrams() -> bool:
    """Whether ``pg_trgm`` makes trigrams of Chinese text on this hub: only where the database's
    character type knows it (``LC_CTYPE`` C.UTF-8 or any UTF-8 locale, not plain C). Where it
    does not, an address index would hand back every row for the recheck, slower than no index."""
    from gridtui.core.models import database

    return bool(database.execute_sql("SELECT show_trgm('凤飞园') <> '{}'::text[]").fetchone()[0])


def rebuild_search_index(conn: Any) -> None:
    """Build SQLite's trigram indexes again from their tables on a raw connection: a copy
    (``sqlcipher_export``) numbers the rows afresh, and the index points at row numbers."""
    for table, _column in SEARCHED:
        fts = f"{table}_search"
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (fts,)).fetchone():
            conn.execute(f'INSERT INTO "{fts}" ("{fts}") VALUES (\'rebuild\')')


def indexes(table: str) -> list[tuple[str, str]]:
    """The indexes a bulk load may drop and build again: ``(name, CREATE statement)``, never one
    that backs a constraint (a primary key)."""
    from gridtui.core.models import database

    cursor = database.cursor()
    if hub():
        found = cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = ? AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            (table,),
        ).fetchall()
    else:
        found = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,)
        ).fetchall()
    return [(str(name), str(sql)) for name, sql in found]


def search_triggers(table: str) -> tuple[list[tuple[str, str]], list[str]]:
    """What keeps ``table``'s trigram index in step row by row, and what builds it whole:
    ``([(trigger, CREATE statement)], [rebuild statements])``. A bulk load into an empty table
    drops the triggers and builds the index once at the end (the hub's index is a plain one,
    among :func:`indexes`)."""
    from gridtui.core.models import database

    if hub() or table not in {t for t, _c in SEARCHED}:
        return [], []
    found = (
        database.cursor()
        .execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name LIKE ?",
            (table, f"{table}_search_%"),
        )
        .fetchall()
    )
    return [(str(name), str(sql)) for name, sql in found], [
        f'INSERT INTO "{table}_search" ("{table}_search") VALUES (\'rebuild\')'
    ]


def set_wait(ms: int | None) -> None:
    """How long this connection's writes wait for another writer; None: the usual."""
    from gridtui.core.models import database

    if hub():
        database.execute_sql(
            f"SET lock_timeout = '{int(ms)}ms'" if ms is not None else f"SET lock_timeout = '{HUB_LOCK_TIMEOUT}'"
        )
    else:
        from gridtui.core.db import PRAGMAS

        wait = ms if ms is not None else int(str(PRAGMAS["busy_timeout"]))
        database.execute_sql(f"PRAGMA busy_timeout = {int(wait)}")


@contextmanager
def references_trusted() -> Iterator[None]:
    """SQLite's per-row foreign-key lookups off while the merge, which checked every reference
    itself, writes. The hub keeps its constraints: the merge writes parents first."""
    from gridtui.core.models import database

    if hub():
        yield
        return
    database.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        database.execute_sql("PRAGMA foreign_keys = ON")


def side_path(suffix: str) -> Path:
    """Where the open database keeps its files beside it: its keys, its quarantine.

    Beside a SQLite file, ``FILE.keys``; a hub has no file, so ``GRIDTUI_HUB_DIR`` (or the user
    data folder) holds them under the hub's host and database name, for every office user of
    that hub on this computer.
    """
    from gridtui.core.models import database

    if not hub():
        return Path(f"{database.database}{suffix}")
    parts = urlsplit(database.url)
    host = parts.hostname or unquote(_query(parts.query).get("host", "local")).strip("/").replace("/", "_")
    name = f"{host}-{parts.port or 5432}-{unquote(parts.path.lstrip('/')) or 'postgres'}"
    folder = os.environ.get("GRIDTUI_HUB_DIR")
    if folder:
        root = Path(folder).expanduser()
    else:
        from platformdirs import user_data_dir

        root = Path(user_data_dir("gridtui", appauthor=False)) / "hubs"
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}{suffix}"


def _query(text: str) -> dict[str, str]:
    return dict(p.split("=", 1) for p in text.split("&") if "=" in p)


# ---------------------------------------------------------------------------------------------
# The server's words, as one sentence
# ---------------------------------------------------------------------------------------------


def server_error(exc: BaseException, url: str) -> Any:
    """A psycopg/peewee error from the hub as the one sentence for the user (a GridError)."""
    from gridtui.errors import GridError

    shown = shown_url(url)
    state = getattr(exc, "sqlstate", None) or getattr(getattr(exc, "__cause__", None), "sqlstate", None)
    orig = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    state = state or getattr(orig, "sqlstate", None)
    text = str(exc).lower()
    if state in ("28P01", "28000") or "password" in text or "authentication" in text:
        return GridError("hub.refused", url=shown)
    if state == "3D000" or ("database" in text and "does not exist" in text):
        return GridError("hub.no_database", url=shown)
    if state == "55P03" or "lock timeout" in text:
        return GridError("db.locked", path=shown)
    if (
        state in ("57P01", "57P02", "57P03")
        or "terminat" in text
        or "server closed" in text
        or "connection is lost" in text
        or "consuming input failed" in text
        or "connection is closed" in text
    ):
        return GridError("hub.gone", url=shown)
    if "invalid" in text and (
        "dsn" in text or "conninfo" in text or "connection option" in text or "integer value" in text or "uri" in text
    ):
        return GridError("hub.bad_url", url=shown)
    if "connect" in text or "could not" in text or "resolve" in text or state and state.startswith("08"):
        return GridError("hub.unreachable", url=shown)
    if state == "42501" or "permission denied" in text:
        return GridError("hub.no_permission", url=shown, detail=str(orig).strip().splitlines()[0])
    return GridError(
        "db.error", path=shown, detail=str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    )
