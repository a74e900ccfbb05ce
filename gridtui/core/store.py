"""The one write path: every create, update and delete of a synced row goes through here.

Each write is validated (:mod:`gridtui.core.validate`), stamped with this device's hybrid logical
clock and given the next local change sequence number, inside one ``BEGIN IMMEDIATE``
transaction. The clock and sequence are read from and written back to the meta table inside that
transaction, so two processes on one database (the TUI and ``gridtui import``) never hand out
the same stamp or sequence number.

Models refuse writes from anywhere else (see :class:`gridtui.core.models.WriteOutsideStore`).
"""

from __future__ import annotations

import contextvars
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import peewee

from gridtui.core import dialect, hlc, stored, validate
from gridtui.core.ids import new_id
from gridtui.core.models import STORE_WRITING, Base, Meta, Synced, by_id, database
from gridtui.errors import GridError

M = TypeVar("M", bound=Synced)

BULK_CHUNK = 2000


@dataclass
class _Tx:
    device: str
    clock: int
    seq: int

    def next_stamp(self) -> str:
        self.clock = hlc.tick(self.clock)
        return hlc.make_stamp(self.clock, self.device)

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq


_tx: contextvars.ContextVar[_Tx | None] = contextvars.ContextVar("store_tx", default=None)


def _read_meta() -> dict[str, str]:
    return {r.key: r.value for r in Meta.select().where(Meta.key.in_(("device_id", "clock", "seq")))}


@contextmanager
def transaction() -> Iterator[_Tx]:
    """Group several writes into one transaction; nested calls join the outer one."""
    current = _tx.get()
    if current is not None:
        yield current
        return
    if database.read_only:  # said before any work, not by SQLite halfway through it
        raise GridError("db.readonly", path=str(database.database))
    try:
        with dialect.write_transaction():
            meta = _read_meta()
            tx = _Tx(device=meta["device_id"], clock=int(meta.get("clock", "0")), seq=int(meta.get("seq", "0")))
            token = _tx.set(tx)
            writing = STORE_WRITING.set(True)
            try:
                yield tx
                dialect.upsert_meta({"clock": str(tx.clock), "seq": str(tx.seq)})
            finally:
                STORE_WRITING.reset(writing)
                _tx.reset(token)
    except (peewee.OperationalError, sqlite3.OperationalError) as exc:
        # SQLite rolls back by itself on a full disk or I/O error; peewee's own ROLLBACK then
        # fails with "no transaction is active", which would hide the reason the user needs.
        cause: BaseException | None = exc
        while cause is not None and "no transaction is active" in str(cause):
            cause = cause.__context__
        if cause is not None and cause is not exc:
            raise cause from None
        raise


def current_seq() -> int:
    row = Meta.get_or_none(Meta.key == "seq")
    return int(row.value) if row else 0


def _columns(model: type[Synced], values: dict[str, Any]) -> dict[str, Any]:
    """Check that every name is a field of the model (a typo must not be silently dropped)."""
    fields = model._meta.fields
    for name in values:
        if name not in fields or name in Synced.SYSTEM_FIELDS:
            raise GridError("store.unknown_field", table=model._meta.table_name, field=name)
    return values


def create(model: type[M], *, id: str | None = None, **values: Any) -> M:
    """Validate and insert one new row; returns it."""
    with transaction() as tx:
        values = validate.clean(model, _columns(model, values), None)
        stored.check_record(model, values)
        record = {
            "id": id or new_id(),
            "deleted": False,
            "origin": tx.device,
            "stamp": tx.next_stamp(),
            "stamps": {},
            "seq": tx.next_seq(),
            **values,
        }
        sql, fields = _INSERT_SQL.get(model) or _insert_sql(model)
        database.execute_sql(sql, tuple(_db_value(f, record) for f in fields))
        return model(**record)


_INSERT_SQL: dict[type[Synced], tuple[str, list[peewee.Field]]] = {}
"""Per model, its INSERT and the fields in its order, written once: building it through peewee
on every row costs more than SQLite's work. Looked up by the caller (a dict, not a cached
function, because the type checker does not take a model class for a cache key)."""
_UPDATE_SQL: dict[tuple[type[Synced], tuple[str, ...]], str] = {}
"""Per model and the fields changed, its UPDATE by id, written once, as :data:`_INSERT_SQL`."""


def _insert_sql(model: type[Synced]) -> tuple[str, list[peewee.Field]]:
    fields = [model._meta.fields[n] for n in model._meta.sorted_field_names]
    sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(
        model._meta.table_name, ", ".join(f'"{f.column_name}"' for f in fields), ", ".join("?" * len(fields))
    )
    _INSERT_SQL[model] = sql, fields
    return sql, fields


def _update_sql(model: type[Synced], names: tuple[str, ...]) -> str:
    """One model's UPDATE of these fields (and its stamps and sequence) by id."""
    columns = [model._meta.fields[n].column_name for n in names]
    sql = _UPDATE_SQL[model, names] = 'UPDATE "{}" SET {} WHERE "id" = ?'.format(
        model._meta.table_name, ", ".join(f'"{c}" = ?' for c in columns)
    )
    return sql


def _write_fields(model: type[Synced], row_id: str, values: dict[str, Any]) -> None:
    names = tuple(values)
    sql = _UPDATE_SQL.get((model, names)) or _update_sql(model, names)
    database.execute_sql(sql, (*(model._meta.fields[n].db_value(values[n]) for n in names), row_id))


def update(model: type[M], id: str, **values: Any) -> list[str]:
    """Change some fields of a row; only fields whose value really changes get a new stamp.

    Returns the names of the fields that changed (empty when nothing did: nothing is written).
    """
    with transaction() as tx:
        row = by_id(model, id)
        if row is None:
            raise GridError("store.not_found", table=model._meta.table_name, id=id)
        values = validate.clean(model, _columns(model, values), row)
        changed = {}
        for name, value in values.items():
            field = model._meta.fields[name]
            if field.db_value(_pk(row.__data__.get(name))) != field.db_value(_pk(value)):
                changed[name] = _pk(value)
        if not changed:
            return []
        stored.check_record(model, changed)
        stamp = tx.next_stamp()
        stamps = dict(row.stamps or {})
        for name in changed:
            stamps[name] = stamp
        _write_fields(model, id, {"stamps": stamps, "seq": tx.next_seq(), **changed})
        return list(changed)


def delete(model: type[Synced], id: str) -> bool:
    """Tombstone a row: it stays (so the deletion can sync) but is gone from every view."""
    with transaction() as tx:
        row = by_id(model, id, tombstoned=True)
        if row is None:
            raise GridError("store.not_found", table=model._meta.table_name, id=id)
        if row.deleted:
            return False
        stamps = dict(row.stamps or {})
        stamps["deleted"] = tx.next_stamp()
        _write_fields(model, id, {"deleted": True, "stamps": stamps, "seq": tx.next_seq()})
        return True


def bulk_create(model: type[Synced], rows: Iterable[dict[str, Any]], *, check: bool = True) -> int:
    """Batch mode for large inserts (demo community, roster import): same stamps and rules.

    Rows are validated one by one, and each chunk's stored values column by column
    (``check=False`` only for data this program generated and validated itself), and written
    with executemany in chunks. Returns the number of rows.
    """
    fields = [model._meta.fields[n] for n in model._meta.sorted_field_names]
    names = [f.column_name for f in fields]
    sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(
        model._meta.table_name, ", ".join(f'"{n}"' for n in names), ", ".join("?" * len(names))
    )
    count = 0
    with transaction() as tx:
        stamp = tx.next_stamp()
        chunk: list[tuple[Any, ...]] = []
        for values in rows:
            values = dict(values)
            row_id = values.pop("id", None) or new_id()
            if check:
                values = validate.clean(model, _columns(model, values), None)
            record = {
                "id": row_id,
                "deleted": False,
                "origin": tx.device,
                "stamp": stamp,
                "stamps": {},
                "seq": tx.next_seq(),
                **values,
            }
            chunk.append(tuple(_db_value(f, record) for f in fields))
            if len(chunk) >= BULK_CHUNK:
                count += _write_chunk(model, names, sql, chunk, check)
        if chunk:
            count += _write_chunk(model, names, sql, chunk, check)
    return count


def _write_chunk(model: type[Synced], names: list[str], sql: str, chunk: list[tuple[Any, ...]], check: bool) -> int:
    """One executemany of bulk rows, their stored form checked first; the chunk is emptied."""
    if check:
        columns = [list(column) for column in zip(*chunk, strict=True)]
        try:
            stored.check_types(model, names, columns)
        except stored.BadValue as bad:
            raise bad.reason from None
    # The raw cursor raises sqlite3 errors; peewee's wrapper turns them into peewee's own
    # (OperationalError for locked, read-only, disk full), which every caller translates.
    with peewee.__exception_wrapper__:
        database.cursor().executemany(sql, chunk)
    written = len(chunk)
    chunk.clear()
    return written


def merge_rows(model: type[Synced], columns: list[str], rows: list[tuple[Any, ...]], *, fresh: bool = False) -> range:
    """Write rows merged from other devices' bundles (:mod:`gridtui.sync.merge` chose each field
    and :mod:`gridtui.core.stored` checked every value).

    ``rows`` are complete stored rows (tuples) in ``columns`` order, every column but ``seq``,
    with the stamps the merge settled on. Each gets the next local change sequence, so what this
    laptop learned is passed on to its other peers. Known rows are overwritten in place (an
    upsert, so rows pointing at them stay valid); ``fresh`` rows, going into a table that had
    none of them, are plainly inserted (one id twice is then an IntegrityError). Returns the
    change sequence numbers the rows were given, in their order.
    """
    if not rows:
        return range(0)
    names = [*columns, "seq"]
    if fresh:
        sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(
            model._meta.table_name, ", ".join(f'"{n}"' for n in names), ", ".join("?" * len(names))
        )
    else:
        sql = dialect.upsert_sql(model._meta.table_name, names)
    with transaction() as tx, peewee.__exception_wrapper__:  # sqlite3 errors as peewee's, as above
        first = tx.seq + 1
        tx.seq += len(rows)
        database.cursor().executemany(sql, map(tuple.__add__, rows, zip(range(first, tx.seq + 1))))
    return range(first, tx.seq + 1)


class Loading:
    """A bulk load into one table, in the caller's transaction. If the table is empty when the
    first big batch comes, its indexes are dropped then and built once at the end: about a third
    faster than keeping them up to date row by row (a laptop's first full bundle)."""

    def __init__(self, model: type[Synced]) -> None:
        self.table = model._meta.table_name
        self.indexes: list[tuple[str, str]] | None = None
        self.triggers: list[tuple[str, str]] = []
        self.rebuild: list[str] = []

    def __enter__(self) -> Loading:
        return self

    def batch(self, rows: int) -> None:
        """Rows about to be written: the first call decides whether the indexes go."""
        if self.indexes is not None:
            return
        self.indexes = []
        cursor = database.cursor()
        if rows < BULK_CHUNK // 2 or cursor.execute(f'SELECT 1 FROM "{self.table}" LIMIT 1').fetchone() is not None:
            return
        self.indexes = dialect.indexes(self.table)
        for name, _sql in self.indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        self.triggers, self.rebuild = dialect.search_triggers(self.table)
        for name, _sql in self.triggers:  # the search index too: built whole at the end
            cursor.execute(f'DROP TRIGGER "{name}"')

    def __exit__(self, kind: type[BaseException] | None, *_exc: object) -> None:
        """Build the dropped indexes again (after a failure the rollback puts them back)."""
        if kind is None:
            with peewee.__exception_wrapper__:
                for _name, create in self.indexes or ():
                    database.cursor().execute(create)
                if self.triggers:
                    for statement in [*self.rebuild, *(create for _name, create in self.triggers)]:
                        database.cursor().execute(statement)


def forget(model: type[Synced], ids: list[str], unlink: Sequence[tuple[type[Synced], str]] = ()) -> int:
    """Remove this laptop's copy of rows that are no longer its to hold (a grid gone to another
    worker), and blank the references ``unlink`` names ((model, column) pairs) that pointed at
    them. Not a deletion: nothing is stamped or sequenced, so nothing of it syncs, and the
    rows stay wherever else they are. The caller makes sure its own changes to them are in."""
    if not ids:
        return 0
    table = model._meta.table_name
    with transaction(), peewee.__exception_wrapper__:
        cursor = database.cursor()
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ", ".join("?" * len(chunk))
            for other, column in unlink:
                cursor.execute(
                    f'UPDATE "{other._meta.table_name}" SET "{column}" = NULL WHERE "{column}" IN ({marks})', chunk
                )
            cursor.execute(f'DELETE FROM "{table}" WHERE "id" IN ({marks})', chunk)
    return len(ids)


def skip_seq(at_least: int) -> None:
    """Move this device's change sequence to at least ``at_least``: a peer holds changes of ours
    numbered that far (this database is an older copy), and no number may mean two changes."""
    with transaction() as tx:
        tx.seq = max(tx.seq, at_least)


def receive_clock(remote: int) -> None:
    """Move this device's clock past a remote stamp that was accepted (never a quarantined one)."""
    with transaction() as tx:
        tx.clock = hlc.receive(tx.clock, remote)


def _db_value(field: peewee.Field, record: dict[str, Any]) -> Any:
    if field.name in record:
        value = record[field.name]
    elif field.default is not None:
        value = field.default() if callable(field.default) else field.default
    elif field.null:
        value = None
    else:
        raise GridError("validate.required", field=field.name)
    return stored.as_stored(field.db_value(_pk(value)))


def _pk(value: Any) -> Any:
    """A related row given as a model instance is stored as its id."""
    return value._pk if isinstance(value, Synced | Base) else value
