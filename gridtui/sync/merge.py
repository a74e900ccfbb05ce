"""Export rows to a bundle and merge bundles in: per-field last writer wins, conflicts kept.

Every field of a synced row has a stamp ``"<16 hex HLC>-<device>"`` (the row's creation stamp
unless ``stamps`` overrides it); the merge keeps, field by field, the value with the greater
stamp. That is a join: the result does not depend on the order bundles arrive in or on how often
they arrive (guarantees 1-3), and ``deleted`` is merged like any other field.

Concurrent edits (guarantee 4) are told apart from sequential ones with knowledge vectors: each
laptop keeps, per device, the newest clock of that device's stamps it holds (``SyncPeer.seen_clock``),
and every bundle carries its sender's vector (``knows``). An incoming field whose value differs
from ours is a conflict when its stamp is new to us *and* our stamp was unknown to the sender:
neither side saw the other's change. (Vectors assume a device's changes arrive roughly in order;
a bundle imported out of order may miss a conflict, never lose data.) The conflict row's id and
stamp come from the two field stamps, so every laptop that spots the pair writes the same row,
and the rows travel like any other: every laptop ends up with the same conflict set.

Import verifies everything first (decryption, signature, schema, every table, field and type,
references), plans the merge in memory, and only then writes, in one transaction, through
:func:`gridtui.core.store.merge_rows`. A refusal leaves the database untouched.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from itertools import chain, compress, count, islice, repeat
from operator import is_not, ne
from typing import Any

import peewee
from peewee import BooleanField, DateField, DateTimeField, FloatField, ForeignKeyField, IntegerField

from gridtui.core import hlc, store
from gridtui.core.db import meta_get
from gridtui.core.models import (
    SYNCED_BY_TABLE,
    SYNCED_MODELS,
    Conflict,
    HeldRow,
    JSONField,
    Resident,
    Synced,
    SyncPeer,
    database,
)
from gridtui.errors import GridError
from gridtui.sync.bundle import Bundle

STAMP_RE = re.compile(r"[0-9a-f]{16}-[0-9a-f]{1,32}")
MAX_TEXT = 1 << 20
LOOKUP_CHUNK = 900
CONFLICT_NS = uuid.UUID("6c8a3f4e-1b2d-4c5e-9f70-8a9b0c1d2e3f")
ANYONE = "*"
"""The SyncPeer row for bundles sealed with a passphrase or not at all."""


def columns(model: type[Synced]) -> list[str]:
    """The stored columns a bundle carries for a table: all but the local ``seq``."""
    return [f.column_name for f in model._meta.sorted_fields if f.name != "seq"]


@dataclass
class Summary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    quarantined: int = 0
    duplicates: int = 0
    tables: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------


def knowledge() -> dict[str, int]:
    """This laptop's knowledge vector: per device, the newest clock of its stamps held here."""
    known = {p.device: p.seen_clock for p in SyncPeer.select() if p.seen_clock}
    known[meta_get("device_id")] = int(meta_get("clock", "0"))
    return known


def collect(peers: list[str], full: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """The rows a bundle for ``peers`` carries, and the header fields describing them.

    Incremental: rows changed here since the last bundle to those peers. A row whose every
    stamp is the single peer's own is left out: that peer wrote it, so it holds it already or
    something newer (not so a conflict row, whose stamp is taken from the edits it records).
    """
    keys = peers or [ANYONE]
    sent = {p.device: p.sent_seq for p in SyncPeer.select().where(SyncPeer.device.in_(keys))}
    since = 0 if full else min(sent.get(k, 0) for k in keys)
    skip = peers[0] if len(peers) == 1 and not full else None
    tables: dict[str, Any] = {}
    counts: dict[str, int] = {}
    with database.atomic():  # one read snapshot for the rows, the sequence and the vector
        seq = store.current_seq()
        cursor = database.cursor()
        for model in SYNCED_MODELS:
            cols = columns(model)
            rows = cursor.execute(
                'SELECT {} FROM "{}" WHERE "seq" > ? AND "seq" <= ? ORDER BY "seq"'.format(
                    ", ".join(f'"{c}"' for c in cols), model._meta.table_name
                ),
                (since, seq),
            ).fetchall()
            if skip is not None and model is not Conflict:  # a conflict's stamp is borrowed
                rows = [r for r in rows if not _all_from(r, skip)]
            if rows:
                values = [_pack(col) for col in zip(*rows, strict=True)]
                tables[model._meta.table_name] = {"columns": cols, "values": values}
                counts[model._meta.table_name] = len(rows)
        header = {
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "full": full, "since": since, "seq": seq, "counts": counts, "knows": knowledge(),
            "to": peers,
        }
    return header, tables


def _pack(column: tuple) -> tuple | dict[str, list]:
    """A column as a list, or as runs ``{"runs": [[value, count], ...]}`` when it repeats a lot
    (deleted, origin, stamp, a visit's answers): less to write, read and type-check. The run
    boundaries are found in C (map, compress), not value by value in Python."""
    size = len(column)
    changes = list(compress(count(1), map(ne, column, islice(column, 1, None))))
    if (len(changes) + 1) * 4 > size:
        return column
    starts = [0, *changes]
    return {"runs": [[column[a], b - a] for a, b in zip(starts, [*changes, size], strict=True)]}


def _unpack(packed: Any, count: int) -> tuple[list, list] | None:
    """The column and the distinct stretch of values to type-check; None if malformed."""
    if isinstance(packed, list):
        return (packed, packed) if len(packed) == count else None
    runs = packed.get("runs") if isinstance(packed, dict) else None
    if not isinstance(runs, list) or not all(
        isinstance(r, list) and len(r) == 2 and type(r[1]) is int and r[1] > 0 for r in runs
    ):
        return None
    if sum(r[1] for r in runs) != count:
        return None
    return list(chain.from_iterable(repeat(v, n) for v, n in runs)), [v for v, _ in runs]


def _all_from(row: tuple, device: str) -> bool:
    """Every stamp of a stored row (creation stamp, overrides) was written by ``device``."""
    stamp, stamps = row[3], row[4]
    if not stamp.endswith("-" + device):
        return False
    return stamps == "{}" or all(s.endswith("-" + device) for s in json.loads(stamps).values())


def mark_sent(peers: list[str], seq: int) -> None:
    """Remember that these peers now have everything up to ``seq`` (the next export starts there)."""
    with database.atomic():
        for key in peers or [ANYONE]:
            found = SyncPeer.get_or_none(SyncPeer.device == key)
            if found is None:
                SyncPeer.create(device=key, sent_seq=seq)
            elif found.sent_seq < seq:
                SyncPeer.update(sent_seq=seq).where(SyncPeer.device == key).execute()


# ---------------------------------------------------------------------------------------------
# Validation of a bundle's content
# ---------------------------------------------------------------------------------------------


def _type_check(field_: peewee.Field) -> Callable[[list], bool]:
    """A check over one column's values: the stored types SQLite gives back for this field."""
    nullable = field_.null
    if isinstance(field_, BooleanField):
        allowed = {0, 1, None} if nullable else {0, 1}
        return lambda col: set(col) <= allowed and bool not in set(map(type, col))
    if isinstance(field_, IntegerField):
        types: set[type] = {int}
    elif isinstance(field_, FloatField):
        types = {int, float}
    else:
        types = {str}
    if nullable:
        types = types | {type(None)}
    if isinstance(field_, DateField):
        parse: Callable[[str], Any] | None = date.fromisoformat
    elif isinstance(field_, DateTimeField):
        parse = datetime.fromisoformat
    elif isinstance(field_, JSONField):
        parse = json.loads
    else:
        parse = None

    def check(col: list) -> bool:
        if not set(map(type, col)) <= types:
            return False
        if str not in types:
            return True
        texts = list(filter(partial(is_not, None), col)) if nullable else col
        if texts and max(map(len, texts)) > MAX_TEXT:
            return False
        if parse is not None:
            for value in set(texts):
                try:
                    parse(value)
                except (ValueError, TypeError, RecursionError):
                    return False
        return True

    return check


_CHECKS: dict[str, list[Callable[[list], bool]]] = {}


def _checks(model: type[Synced]) -> list[Callable[[list], bool]]:
    name = model._meta.table_name
    if name not in _CHECKS:
        _CHECKS[name] = [
            _type_check(model._meta.fields[f.name]) for f in model._meta.sorted_fields if f.name != "seq"
        ]
    return _CHECKS[name]


def validate(bundle: Bundle) -> None:
    """Every table known, every column present and known, every value of the right type,
    every stamp well-formed, every id unique; otherwise the whole bundle is refused."""
    path = bundle.path
    for name, table in bundle.tables.items():
        model = SYNCED_BY_TABLE.get(name)
        if model is None:
            raise GridError("sync.unknown_table", path=path, table=str(name)[:40])
        cols = columns(model)
        given, values = table.get("columns"), table.get("values")
        if not isinstance(given, list) or not isinstance(values, list):
            raise GridError("sync.malformed", path=path, detail=name)
        unknown = [c for c in given if c not in cols]
        if unknown:
            raise GridError("sync.unknown_field", path=path, table=name, field=str(unknown[0])[:40])
        count = bundle.header["counts"][name]
        if sorted(given) != sorted(cols) or len(values) != len(cols):
            raise GridError("sync.malformed", path=path, detail=name)
        unpacked = [_unpack(values[given.index(c)], count) for c in cols]
        if None in unpacked:
            raise GridError("sync.malformed", path=path, detail=name)
        values = [column for column, _sample in unpacked]
        data_fields = set(model.data_fields()) | {"deleted"}
        for i, ((_column, sample), check) in enumerate(zip(unpacked, _checks(model), strict=True)):
            if not check(sample):
                raise GridError("sync.bad_value", path=path, table=name, field=cols[i])
        table["columns"], table["rows"] = cols, list(zip(*values, strict=True))
        if not count:
            continue
        ids = values[0]
        if len(set(ids)) != count or not 0 < min(map(len, ids)) <= max(map(len, ids)) <= 36:
            raise GridError("sync.bad_value", path=path, table=name, field="id")
        stamps_seen = set(values[3])
        for text in set(values[4]) - {"{}"}:
            stamps = json.loads(text)
            if not isinstance(stamps, dict) or not set(stamps) <= data_fields:
                raise GridError("sync.bad_value", path=path, table=name, field="stamps")
            stamps_seen.update(stamps.values())
        if not all(isinstance(s, str) and STAMP_RE.fullmatch(s) for s in stamps_seen):
            raise GridError("sync.bad_value", path=path, table=name, field="stamp")
        table["stamps_seen"] = stamps_seen


# ---------------------------------------------------------------------------------------------
# The merge
# ---------------------------------------------------------------------------------------------


def _stamps_text(stamps: dict[str, str]) -> str:
    """Exactly how JSONField stores a dict, so equal rows compare equal."""
    return json.dumps(stamps, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def clock_limit(now_ms: int | None = None) -> str:
    """The smallest stamp the clock guard holds back: more than a day ahead of ``now_ms``."""
    now_ms = hlc.wall_ms() if now_ms is None else now_ms
    return hlc.make_stamp(hlc.pack(now_ms + hlc.MAX_DRIFT_MS + 1, 0), "")


def row_stamps(row: tuple | list) -> Iterable[str]:
    """Every stamp of a stored row: its creation stamp and its per-field overrides."""
    yield row[3]
    if row[4] != "{}":
        yield from json.loads(row[4]).values()


class Merge:
    """Bundles merged in memory, in order, over the database as it stands; then written at once."""

    def __init__(self, now_ms: int | None = None) -> None:
        self.now_ms = hlc.wall_ms() if now_ms is None else now_ms
        self.pending: dict[str, dict[str, tuple]] = {m._meta.table_name: {} for m in SYNCED_MODELS}
        self.seen = knowledge()
        self.held: list[dict[str, Any]] = []
        self.summary = Summary()
        self.incoming: dict[str, set[str]] = {name: set() for name in self.pending}
        self.fresh: dict[str, set[str]] = {name: set() for name in self.pending}
        self._empty: dict[str, bool] = {}

    # -- planning --------------------------------------------------------------------------
    def add(self, bundle: Bundle) -> None:
        """Merge one verified bundle into the plan (it is validated here first)."""
        validate(bundle)
        knows = bundle.header.get("knows")
        knows = {k: v for k, v in knows.items() if isinstance(v, int)} if isinstance(knows, dict) else {}
        newest: dict[str, str] = {}
        for model in SYNCED_MODELS:
            table = bundle.tables.get(model._meta.table_name)
            if table and table["rows"]:
                rows = self._guard_clock(model, table, bundle.sender)
                self._merge_table(model, rows, knows)
                accepted = table["stamps_seen"] if rows is table["rows"] else {
                    s for row in rows for s in row_stamps(row)
                }
                for stamp in accepted:
                    device = stamp[17:]
                    if stamp > newest.get(device, ""):
                        newest[device] = stamp
        for device, stamp in newest.items():
            self.seen[device] = max(self.seen.get(device, 0), hlc.stamp_clock(stamp))

    def _guard_clock(self, model: type[Synced], table: dict[str, Any], sender: str) -> list:
        """Hold back rows with a stamp more than a day ahead of our clock (guarantee 6)."""
        limit = clock_limit(self.now_ms)
        rows = table["rows"]
        if max(table["stamps_seen"]) < limit:
            return rows
        kept = []
        cols = columns(model)
        for row in rows:
            if any(s >= limit for s in row_stamps(row)):
                self.held.append({
                    "target_table": model._meta.table_name, "target_id": row[0],
                    "data": dict(zip(cols, row, strict=True)), "sender": sender,
                })
            else:
                kept.append(row)
        self.summary.quarantined += len(rows) - len(kept)
        return kept

    def _existing(self, model: type[Synced], ids: list[str]) -> dict[str, tuple]:
        """The rows we hold for these ids: merged earlier in this import, else in the database."""
        name = model._meta.table_name
        pending = self.pending[name]
        found = {i: pending[i] for i in ids if i in pending}
        if name not in self._empty:
            self._empty[name] = model.select().limit(1).count() == 0
        if self._empty[name]:
            return found
        wanted = [i for i in ids if i not in found]
        sql = 'SELECT {} FROM "{}" WHERE "id" IN ({{}})'.format(
            ", ".join(f'"{c}"' for c in columns(model)), name
        )
        cursor = database.cursor()
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            chunk = wanted[start : start + LOOKUP_CHUNK]
            for row in cursor.execute(sql.format(", ".join("?" * len(chunk))), chunk):
                found[row[0]] = row
        return found

    def _merge_table(self, model: type[Synced], rows: list, knows: dict[str, int]) -> None:
        name = model._meta.table_name
        pending = self.pending[name]
        existing = self._existing(model, [r[0] for r in rows])
        if not existing and not pending:  # a table seen for the first time: all of it is new
            ids = [r[0] for r in rows]
            self.incoming[name].update(ids)
            pending.update(zip(ids, rows, strict=True))
            self.fresh[name].update(ids)
            return
        cols = columns(model)
        slots = [(f.name, cols.index(f.column_name)) for f in model._meta.sorted_fields
                 if f.name not in ("id", "origin", "stamp", "stamps", "seq")]
        detect = model is not Conflict
        fresh = self.fresh[name]
        self.incoming[name].update(r[0] for r in rows)
        for row in rows:
            mine = existing.get(row[0])
            if mine is None:
                pending[row[0]] = row
                fresh.add(row[0])
                continue
            if mine == row:
                continue
            merged = self._merge_row(name, slots, mine, row, knows if detect else None)
            if merged != mine:
                pending[row[0]] = merged

    def tally(self) -> Summary:
        """Rows counted once each, however many bundles carried them: new to this database,
        changed in it, or received and already known."""
        s = self.summary
        s.new = s.updated = s.unchanged = 0
        s.tables = {}
        for name, ids in self.incoming.items():
            fresh = len(self.fresh[name])  # (a subset of ids, all of them pending)
            changed = ids if fresh == len(ids) else self.pending[name].keys() & ids
            s.new += fresh
            s.updated += len(changed) - fresh
            s.unchanged += len(ids) - len(changed)
            if changed:
                s.tables[name] = len(changed)
        return s

    def _merge_row(self, table: str, slots: list[tuple[str, int]], mine: tuple, theirs: tuple,
                   knows: dict[str, int] | None) -> tuple:
        """Field by field, the greater stamp wins; the row's stamps are rewritten to match."""
        mine_stamps = json.loads(mine[4]) if mine[4] != "{}" else {}
        their_stamps = json.loads(theirs[4]) if theirs[4] != "{}" else {}
        derived = SYNCED_BY_TABLE[table].DERIVED_FIELDS
        out = list(mine)
        base = max(mine[3], theirs[3])
        if theirs[3] > mine[3]:
            out[2] = theirs[2]
        won: dict[str, str] = {}
        for name, i in slots:
            a = mine_stamps.get(name, mine[3])
            b = their_stamps.get(name, theirs[3])
            if b > a:
                out[i] = theirs[i]
            won[name] = max(a, b)
            if knows is not None and a != b and mine[i] != theirs[i] and name not in derived:
                self._maybe_conflict(table, mine[0], name, (a, mine[i]), (b, theirs[i]), knows)
        out[3] = base
        out[4] = _stamps_text({n: s for n, s in won.items() if s != base})
        return tuple(out)

    def _maybe_conflict(self, table: str, row_id: str, name: str, mine: tuple, theirs: tuple,
                        knows: dict[str, int]) -> None:
        """Neither change saw the other: theirs is new to us and ours was unknown to them."""
        a, b = mine[0], theirs[0]
        if a[17:] == b[17:]:
            return
        if hlc.stamp_clock(b) <= self.seen.get(b[17:], 0):
            return
        if hlc.stamp_clock(a) <= knows.get(a[17:], 0):
            return
        lo, hi = sorted((mine, theirs))
        conflict_id = str(uuid.uuid5(CONFLICT_NS, f"{table}|{row_id}|{name}|{lo[0]}|{hi[0]}"))
        if conflict_id in self.pending["conflict"] or Conflict.get_or_none(Conflict.id == conflict_id):
            return
        self.pending["conflict"][conflict_id] = (
            conflict_id, 0, hi[0][17:], hi[0], "{}", table, row_id, name,
            lo[0], json.dumps(lo[1], ensure_ascii=False), hi[0], json.dumps(hi[1], ensure_ascii=False),
            "open",
        )
        self.summary.conflicts += 1

    # -- checking and writing -----------------------------------------------------------------
    def check_references(self) -> None:
        """Every reference in a row to be written points at a row we hold or are about to hold.

        A row pointing at a row the clock guard held back is held back with it (parents come
        first in SYNCED_MODELS, so a chain is followed down); any other gap refuses the import.
        """
        cursor = database.cursor()
        for model in SYNCED_MODELS:
            name = model._meta.table_name
            rows = self.pending[name]
            if not rows:
                continue
            cols = columns(model)
            for fk in model._meta.sorted_fields:
                if not isinstance(fk, ForeignKeyField):
                    continue
                i = cols.index(fk.column_name)
                target = fk.rel_model._meta.table_name
                missing = {r[i] for r in rows.values() if r[i] is not None}
                missing -= self.pending.get(target, {}).keys()
                wanted = list(missing)
                key = fk.rel_field.column_name
                for start in range(0, len(wanted), LOOKUP_CHUNK):
                    chunk = wanted[start : start + LOOKUP_CHUNK]
                    missing.difference_update(r[0] for r in cursor.execute(
                        f'SELECT "{key}" FROM "{target}" WHERE "{key}" IN ({", ".join("?" * len(chunk))})',
                        chunk,
                    ))
                if not missing:
                    continue
                held = {h["target_id"]: h["sender"] for h in self.held if h["target_table"] == target}
                if not missing <= held.keys():
                    raise GridError("sync.dangling", table=name, target=target)
                for row in [r for r in rows.values() if r[i] in missing]:
                    del rows[row[0]]
                    self.fresh[name].discard(row[0])
                    self.incoming[name].discard(row[0])
                    self.held.append({"target_table": name, "target_id": row[0], "sender": held[row[i]],
                                      "data": dict(zip(cols, row, strict=True))})
                    self.summary.quarantined += 1

    def count_duplicates(self) -> int:
        """Live residents about to be written that share an ID number with another live one."""
        cols = columns(Resident)
        deleted, number = cols.index("deleted"), cols.index("id_number")
        pending = self.pending["resident"]
        counts = Counter(r[number] for r in pending.values() if r[number] and not r[deleted])
        wanted = [] if self._empty.get("resident") else list({r[number] for r in pending.values() if r[number]})
        cursor = database.cursor()
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            chunk = wanted[start : start + LOOKUP_CHUNK]
            for row_id, id_number in cursor.execute(
                'SELECT "id", "id_number" FROM "resident" WHERE "deleted" = 0 AND "id_number" IN ({})'
                .format(", ".join("?" * len(chunk))), chunk,
            ):
                if row_id not in pending:  # a row being written counts as it will be
                    counts[id_number] += 1
        return sum(1 for n in counts.values() if n > 1)

    def write(self) -> None:
        """Apply the plan in the caller's store transaction."""
        me = meta_get("device_id")
        for model in SYNCED_MODELS:
            rows = self.pending[model._meta.table_name]
            store.merge_rows(model, columns(model), list(rows.values()))
        remote = max((c for d, c in self.seen.items() if d != me), default=0)
        if remote:
            store.receive_clock(remote)
        known = {p.device: p for p in SyncPeer.select()}
        for device, clock in self.seen.items():
            if device == me or device == ANYONE:
                continue
            if device not in known:
                SyncPeer.create(device=device, seen_clock=clock)
            elif known[device].seen_clock < clock:
                SyncPeer.update(seen_clock=clock).where(SyncPeer.device == device).execute()
        now = datetime.now()
        for held in self.held:
            HeldRow.create(received_at=now, **held)
