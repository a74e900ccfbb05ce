"""Export rows to a bundle and merge bundles in: per-field last writer wins, conflicts kept.

Every field of a synced row has a stamp ``"<16 hex HLC>-<device>"`` (the row's creation stamp
unless ``stamps`` overrides it); the merge keeps, field by field, the value with the greater
stamp. That is a join: the result does not depend on the order bundles arrive in or on how often
they arrive (guarantees 1-3), and ``deleted`` is merged like any other field. Two values under
one stamp (a copied database writing as its original, a faulty peer) are settled the same way
on every laptop: the group of fields written under that stamp whose stored values compare
greater, as canonical JSON bytes, wins, and the pair is kept as a conflict.

**Acknowledged delivery.** Every bundle says how far its sender holds each peer's change
sequence (``have``: its acknowledgement) and its own sequence (``seq``). An export to a peer
carries every row changed here after the sequence that peer last acknowledged, whatever was
sent before, so a lost, skipped or late bundle is made good by the next one and nobody has to
ask for ``--full``; rows taken as they came from that very peer are not sent back to it.

Each bundle also says what it was cut against (``base``: the acknowledgement it started from).
If this laptop holds less than that (a bundle it acknowledged was undone: the database was
restored from a backup or copied), the import has a **gap**: it applies what it can, leaves a
row whose parent is missing for the next bundle, acknowledges only what it holds, and says what
is missing and from whom; the reply to its next bundle brings the rest. A peer that holds more
of this laptop's own sequence than this laptop does has found an older copy of it: the import
says so (it wants an identity of its own: ``gridtui device new-identity``) and moves this
laptop's sequence past what the peer holds, so no number means two changes.

Concurrent edits (guarantee 4) are told apart from sequential ones with knowledge vectors (per
device, the clock up to which every change made there is held here: ``knows``): an incoming
field whose value differs from ours is a conflict when its stamp is new to us *and* our stamp
was unknown to the sender. The conflict row's id and stamp come from the two field stamps,
so every laptop that spots the pair writes the same row, and the rows travel like any other.

Import runs in the caller's store transaction, a chunk of rows at a time: each chunk is checked
(:func:`gridtui.core.stored.check_merged`: types, bookkeeping, each field's rule, references),
merged against the rows in the database and written, so memory grows with a chunk, not with the
bundle. Tables are taken in dependency order across all the bundles of one import, so a row may
point at a row another of them brings. Any refusal raises and the transaction rolls back whole.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import peewee
from peewee import ForeignKeyField

from gridtui.core import hlc, store, stored
from gridtui.core.db import is_street_hub, meta_get
from gridtui.core.models import SYNCED_MODELS, Conflict, HeldRow, Meta, Synced, SyncPeer, database
from gridtui.errors import GridError
from gridtui.sync import authority

LOOKUP_CHUNK = 900
HELD_LISTED = 200
CONFLICT_NS = uuid.UUID("6c8a3f4e-1b2d-4c5e-9f70-8a9b0c1d2e3f")
NOT_SET = 1 << 62

__all__ = [
    "Gap",
    "Held",
    "Merge",
    "Source",
    "Summary",
    "acknowledged",
    "canonical",
    "clock_limit",
    "collect",
    "duplicates",
    "gaps",
    "knowledge",
    "learn_communities",
    "outside",
    "received",
    "row_stamps",
]


@dataclass(frozen=True)
class Gap:
    """A bundle that found this laptop holding less than it was cut against."""

    sender: str
    older_copy: bool
    """This laptop holds less of its own changes than the sender does: it is an older copy."""


@dataclass(frozen=True)
class Held:
    """A row held because its sender may not make that change here (gridtui.sync.authority)."""

    table: str
    id: str
    sender: str
    reason: str
    """office, grid, origin, audit or parent: the key of the sentence that says why."""


@dataclass
class Summary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    quarantined: int = 0
    duplicates: int = 0
    tables: dict[str, int] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)
    """One per bundle that found this laptop holding less than it was cut against."""
    held: list[Held] = field(default_factory=list)
    """The first :data:`HELD_LISTED` rows held because their sender may not make that change here."""
    refused: dict[str, int] = field(default_factory=dict)
    """How many rows were held for each reason (office, grid, origin, audit, parent)."""
    role: str = ""
    """This laptop's role, when a bundle from the office gave it one."""
    purged: list[str] = field(default_factory=list)
    """Grids gone to another worker that this laptop forgot, its own work there being in."""
    waiting: list[str] = field(default_factory=list)
    """Grids gone to another worker that this laptop keeps until the office has its work there."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Source(Protocol):
    """Rows to merge: a verified bundle, or rows held back earlier."""

    path: str
    header: dict[str, Any]
    on_dangling: str  # "refuse", "defer" (a bundle with a gap) or "hold" (rows held before)

    @property
    def sender(self) -> str: ...

    def chunks(self) -> Iterator[tuple[str, list[str], list[list]]]: ...


# ---------------------------------------------------------------------------------------------
# Knowledge and acknowledgements
# ---------------------------------------------------------------------------------------------


def knowledge() -> dict[str, int]:
    """This laptop's knowledge vector: per device, the clock up to which every change made
    there is held here (for this laptop itself, its own clock)."""
    known = {p.device: p.known_clock for p in SyncPeer.select() if p.known_clock}
    known[_device_id()] = int(meta_get("clock") or "0")
    return known


def _device_id() -> str:
    """This laptop's device id, which its database is given when it is made."""
    me: str = Meta.get(Meta.key == "device_id").value
    return me


def received() -> dict[str, int]:
    """Per peer, its change sequence up to which everything it sent is held here."""
    return {p.device: p.received_seq for p in SyncPeer.select() if p.received_seq}


def acknowledged(peers: list[str]) -> tuple[int, list[list[int]]]:
    """What all these peers have acknowledged holding of this laptop's sequence (the least of
    them), and for a single peer the ranges of it that came from that peer itself."""
    found = {p.device: p for p in SyncPeer.select().where(SyncPeer.device.in_(peers))}
    if not peers or set(found) != set(peers):
        return 0, []
    since = min(found[p].acked_seq for p in peers)
    return since, [r for r in found[peers[0]].echo or [] if r[1] > since] if len(peers) == 1 else []


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------


def collect(
    peers: list[str], full: bool, cut: Any = None, *, to_hub: bool = False
) -> tuple[dict[str, Any], Iterator[tuple[str, list[str], list[tuple]]]]:
    """The header fields and the rows (table by table, a chunk at a time) of a bundle for
    ``peers``: every row they have not acknowledged, or everything (``full``, or no peer named:
    a passphrase or plaintext bundle has no reader to acknowledge it). ``cut``: workers' readers
    get only what :class:`gridtui.sync.scope.WorkerCut` keeps. A hub's bundle to one
    community's office leaves out what other communities' devices made (:func:`outside`); a
    bundle to a hub leaves out the legacy community row every community once shared.

    Call inside a transaction that stays open while the rows are read (one snapshot)."""
    from gridtui.domain.places import LEGACY_COMMUNITY_ID, own_community_id

    since, echo = (0, []) if full or not peers else acknowledged(peers)
    seq = store.current_seq()
    header = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "full": full or not peers,
        "seq": seq,
        "knows": knowledge(),
        "have": received(),
        "base": {"seq": since},
        "to": peers,
    }
    community = own_community_id()
    if community is not None:
        header["community"] = community
    skip = outside(peers[0]) if len(peers) == 1 else []
    return header, _rows(since, seq, echo, cut, skip, LEGACY_COMMUNITY_ID if to_hub else None)


def outside(peer: str) -> list[str]:
    """The devices whose rows a hub keeps from ``peer``: those of the communities it does not
    work for (a peer not mapped yet gets only what no community's device made)."""
    from gridtui.core.models import DeviceCommunity

    mine = DeviceCommunity.get_or_none(DeviceCommunity.device == peer)
    return [
        d.device
        for d in DeviceCommunity.select().where(
            (DeviceCommunity.community != "") & (DeviceCommunity.community != (mine.community if mine else ""))
        )
    ]


def learn_communities(sources: list[Source], me: str) -> None:
    """On a hub: each office's bundle names its community; the office and every device whose
    changes it holds work for that community, unless another community's office knows them too."""
    from gridtui.core.dialect import put
    from gridtui.core.models import Device, DeviceCommunity

    hubs = {d.id for d in Device.select(Device.id).where(Device.role == "hub")} | {me}
    claims: dict[str, str] = {d.device: d.community for d in DeviceCommunity.select()}
    for source in sources:
        community = source.header.get("community")
        if not isinstance(community, str) or not community:
            continue
        for device in {source.sender, *(source.header.get("knows") or {})} - hubs:
            before = claims.get(device)
            claims[device] = community if before in (None, community) else ""
            if claims[device] != before:
                put(DeviceCommunity, device=device, community=claims[device])


def _rows(
    since: int,
    upto: int,
    echo: list[list[int]],
    cut: Any = None,
    skip: list[str] | None = None,
    legacy: str | None = None,
) -> Iterator[tuple[str, list[str], list[tuple]]]:
    """Rows changed after ``since``, less those whose change sequence lies in ``echo``, those
    made by the ``skip`` devices and the ``legacy`` community row; with a ``cut``, as it keeps
    them (older rows too, of grids new to the readers)."""
    cursor, starts = database.cursor(), [a for a, _b in echo]
    where = '"seq" > ? AND "seq" <= ?'
    params: list[int | str] = [since, upto]
    if skip:
        where += ' AND "origin" NOT IN ({})'.format(", ".join("?" * len(skip)))
        params += skip
    for model in SYNCED_MODELS:
        names, table = stored.columns(model), model._meta.table_name
        low = 0 if cut is not None and cut.wants_old_rows(table) else since
        extra, more = ("", []) if legacy is None or table != "community" else (' AND "id" != ?', [legacy])
        query = cursor.execute(
            'SELECT {}, "seq" FROM "{}" WHERE {}{} ORDER BY "seq"'.format(
                ", ".join(f'"{c}"' for c in names), table, where, extra
            ),
            (low, *params[1:], *more),
        )
        while rows := query.fetchmany(store.BULK_CHUNK):
            rows = [r for r in rows if not echo or not _within(echo, starts, r[-1])]
            if cut is not None:
                old = [r[-1] <= since for r in rows]
                rows = cut.cut(table, names, [r[:-1] for r in rows], old)
            else:
                rows = [r[:-1] for r in rows]
            if rows:
                yield table, names, rows


def _within(ranges: list[list[int]], starts: list[int], seq: int) -> bool:
    at = bisect_right(starts, seq) - 1
    return at >= 0 and seq <= ranges[at][1]


def row_stamps(row: tuple | list) -> Iterable[str]:
    """Every stamp of a stored row: its creation stamp and its per-field overrides."""
    yield row[3]
    if row[4] != "{}":
        yield from json.loads(row[4]).values()


# ---------------------------------------------------------------------------------------------
# Gaps: a bundle cut against more than this laptop holds
# ---------------------------------------------------------------------------------------------


def gaps(sources: list[Source], have: dict[str, int], me: str, seq: int) -> list[Gap | None]:
    """Per source, None, or the gap between what it assumed this laptop holds and what it
    does. A bundle found whole first counts towards the others (one import may bring
    both a bundle and what a later one assumed)."""
    have = dict(have)
    for source in sources:
        if _gap(source, have, me, seq) is None and "seq" in source.header:
            have[source.sender] = max(have.get(source.sender, 0), source.header["seq"])
    return [_gap(s, have, me, seq) for s in sources]


def _gap(source: Source, have: dict[str, int], me: str, seq: int) -> Gap | None:
    older_copy = (source.header.get("have") or {}).get(me, 0) > seq
    if (source.header.get("base") or {}).get("seq", 0) <= have.get(source.sender, 0) and not older_copy:
        return None
    return Gap(source.sender, older_copy)


def _raise(vector: dict[str, int], by: dict[str, int]) -> None:
    for device, clock in by.items():
        if clock > vector.get(device, 0):
            vector[device] = clock


# ---------------------------------------------------------------------------------------------
# The merge
# ---------------------------------------------------------------------------------------------


def _stamps_text(stamps: dict[str, str]) -> str:
    """Exactly how JSONField stores a dict, so equal rows compare equal."""
    return json.dumps(stamps, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def canonical(values: Iterable[Any]) -> bytes:
    """Stored values as bytes every laptop computes alike: the tie-break between equal stamps."""
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def clock_limit(now_ms: int | None = None) -> str:
    """The smallest stamp the clock guard holds back: more than a day ahead of ``now_ms``."""
    now_ms = hlc.wall_ms() if now_ms is None else now_ms
    return hlc.make_stamp(hlc.pack(now_ms + hlc.MAX_DRIFT_MS + 1, 0), "")


class _Stream:
    """A source's chunks with one chunk of look-ahead, so tables can be taken in turn."""

    def __init__(self, source: Source) -> None:
        self.chunks = source.chunks()
        self.next = next(self.chunks, None)

    def take(self, table: str) -> Iterator[tuple[str, list[str], list[list]]]:
        while self.next is not None and self.next[0] == table:
            chunk, self.next = self.next, next(self.chunks, None)
            yield chunk


class Merge:
    """Sources merged into the database, a chunk at a time, in the caller's store transaction."""

    def __init__(self, sources: list[Source], now_ms: int | None = None) -> None:
        self.sources = sources
        self.limit = clock_limit(now_ms)
        self.summary = Summary()
        self.me = _device_id()
        self.known, self.have = knowledge(), received()
        self.start_seq = store.current_seq()
        self.gaps = gaps(sources, self.have, self.me, self.start_seq)
        self.seen = self._seen_before()
        self.echo: dict[str, list[list[int]]] = {}
        self.caps: dict[str, int] = {}
        self.newest = ""
        self.unchanged: dict[str, array] = {}
        self.conflicts: dict[str, tuple] = {}
        self.filled_by: dict[str, int] = {}
        self.checks = [
            authority.Check(s.sender, s.header.get("knows") or {}, on_purpose=getattr(s, "on_purpose", False))
            for s in sources
        ]
        for gap, source in zip(self.gaps, sources, strict=True):
            if gap is not None:
                self.summary.gaps.append(gap)
                source.on_dangling = "defer"

    def _seen_before(self) -> list[dict[str, int]]:
        """Per source, the vector its rows are judged new against: ours, raised by the bundles
        before it in this import (as if they had been imported one after the other)."""
        seen, out = dict(self.known), []
        for source in self.sources:
            out.append(dict(seen))
            _raise(seen, source.header.get("knows") or {})
        return out

    def run(self, progress: Callable[[int, str], None] | None = None) -> Summary:
        """Every table in dependency order, across all sources; then the bookkeeping.
        ``progress(n, table)`` is told as each table begins."""
        for source, gap in zip(self.sources, self.gaps, strict=True):
            if gap is not None and gap.older_copy:
                store.skip_seq(source.header["have"][self.me])
        streams = [_Stream(s) for s in self.sources]
        self.filled_by = {m._meta.table_name: EMPTY if _empty(m) else MANY for m in SYNCED_MODELS}
        for n, model in enumerate(SYNCED_MODELS):
            if progress is not None:
                progress(n, model._meta.table_name)
            self._table(model, streams)
        for stream, source in zip(streams, self.sources, strict=True):
            if stream.next is not None:
                raise GridError("sync.malformed", path=source.path, detail="order")
        self._settle_unchanged()
        if is_street_hub():
            learn_communities(self.sources, self.me)
        self.summary.duplicates = duplicates(self.start_seq)
        self._remember()
        return self.summary

    def _table(self, model: type[Synced], streams: list[_Stream]) -> None:
        """One table from every source in turn, then the conflicts its merge found."""
        for check in self.checks:
            check.next_table()
        with store.Loading(model) as loading:
            for i, stream in enumerate(streams):
                for _table, names, columns in stream.take(model._meta.table_name):
                    self._chunk(i, model, names, columns, loading)
        self._write_conflicts()

    # -- one chunk --------------------------------------------------------------------------
    def _chunk(
        self, i: int, model: type[Synced], names: list[str], columns: list[list], loading: store.Loading
    ) -> None:
        """Check a chunk, hold back what must wait, merge and write the rest."""
        source = self.sources[i]
        try:
            stored.check_merged(model, names, columns)
        except stored.BadValue as bad:
            raise GridError(
                "sync.bad_row", path=source.path, table=bad.table, id=bad.row_id, field=bad.column, reason=bad.reason
            ) from None
        rows = list(zip(*columns, strict=True))
        newest = _newest(columns)
        if newest >= self.limit:
            rows = self._guard_clock(model, rows, source)
            newest = max((s for r in rows for s in row_stamps(r)), default="")
        if rows and self.checks[i].wanted(model._meta.table_name):
            rows = self._authorised(model, names, rows, i)
            newest = max((s for r in rows for s in row_stamps(r)), default="")
        rows = self._references(model, rows, columns if len(rows) == len(columns[0]) else None, source)
        if rows:
            self.newest = max(self.newest, newest)
            loading.batch(len(rows))
            self._apply(i, model, names, rows)

    def _apply(self, i: int, model: type[Synced], names: list[str], rows: list[tuple]) -> None:
        """Rows into a table this source alone fills from empty go in as they are; others are
        merged with the rows held here first. Rows taken as they came are written first, in one
        stretch of the change sequence that the source need not be sent back."""
        table = model._meta.table_name
        fresh = self.filled_by[table] in (EMPTY, i)
        self.filled_by[table] = i if fresh else MANY
        if fresh:
            self.summary.new += len(rows)
        as_sent, merged = (rows, []) if fresh else self._merged(model, rows, i)
        try:
            self._note_echo(self.sources[i].sender, store.merge_rows(model, names, as_sent, fresh=fresh))
        except peewee.IntegrityError as exc:  # one id twice in one bundle
            raise GridError("sync.malformed", path=self.sources[i].path, detail=table) from exc
        store.merge_rows(model, names, merged)
        if as_sent or merged:
            self.summary.tables[table] = self.summary.tables.get(table, 0) + len(as_sent) + len(merged)

    def _note_echo(self, sender: str, seqs: range) -> None:
        """These sequence numbers hold rows exactly as ``sender`` sent them."""
        if not seqs:
            return
        ranges = self.echo.setdefault(sender, [])
        if ranges and ranges[-1][1] + 1 == seqs.start:
            ranges[-1][1] = seqs.stop - 1
        else:
            ranges.append([seqs.start, seqs.stop - 1])

    def _guard_clock(self, model: type[Synced], rows: list[tuple], source: Source) -> list[tuple]:
        """Hold back rows with a stamp more than a day ahead of our clock (guarantee 6)."""
        kept = []
        for row in rows:
            if max(row_stamps(row)) >= self.limit:
                self._hold(model, row, source.sender)
            else:
                kept.append(row)
        return kept

    def _authorised(self, model: type[Synced], names: list[str], rows: list[tuple], i: int) -> list[tuple]:
        """The rows its sender may change here; the others held with the reason (see
        :mod:`gridtui.sync.authority`)."""
        check, sender = self.checks[i], self.sources[i].sender
        existing, kept = _existing(model, [r[0] for r in rows]), []
        for row in rows:
            found = existing.get(row[0])
            reason = check.reason(model, names, row, None if found is None else found[:-1])
            if reason is None:
                kept.append(row)
            else:
                self._hold(model, row, sender, reason)
        return kept

    def _hold(self, model: type[Synced], row: tuple, sender: str, reason: str = "future") -> None:
        """Keep a row back in HeldRow (once, however often it arrives) and never claim to know it."""
        data = dict(zip(stored.columns(model), row, strict=True))
        table = model._meta.table_name
        held = HeldRow.select().where((HeldRow.target_table == table) & (HeldRow.target_id == row[0]))
        if all(h.data != data for h in held):
            HeldRow.create(
                target_table=table,
                target_id=row[0],
                data=data,
                sender=sender,
                received_at=datetime.now(),
                reason=reason,
            )
        self._cap(row)
        self.summary.quarantined += 1
        if reason != "future":
            self.summary.refused[reason] = self.summary.refused.get(reason, 0) + 1
            if len(self.summary.held) < HELD_LISTED:
                self.summary.held.append(Held(table, row[0], sender, reason))

    def _cap(self, row: tuple) -> None:
        """This row is not held here: the vector must stay below each of its stamps."""
        for stamp in row_stamps(row):
            device = hlc.stamp_device(stamp)
            self.caps[device] = min(self.caps.get(device, NOT_SET), hlc.stamp_clock(stamp) - 1)

    def _references(
        self, model: type[Synced], rows: list[tuple], columns: list[list] | None, source: Source
    ) -> list[tuple]:
        """Rows whose references all point at rows held here. A row pointing at a held row is
        held with it; at a row this laptop lacks: left for later from a bundle with a gap, held
        again among rows held before, else the bundle is refused."""
        names = stored.columns(model)
        for fk in (f for f in model._meta.sorted_fields if isinstance(f, ForeignKeyField)):
            at = names.index(fk.column_name)
            missing = _missing(fk, (set(columns[at]) if columns else {r[at] for r in rows}) - {None})
            if not missing:
                continue
            held = _held_ids(fk.rel_model._meta.table_name, missing)
            if source.on_dangling == "refuse" and not missing <= held:
                row = next(r for r in rows if r[at] in missing - held)
                raise GridError(
                    "sync.dangling",
                    path=source.path,
                    table=model._meta.table_name,
                    id=row[0],
                    field=fk.column_name,
                    target=fk.rel_model._meta.table_name,
                )
            for row in (r for r in rows if r[at] in missing):
                if row[at] in held or source.on_dangling == "hold":
                    self._hold(model, row, source.sender, _parent_reason(fk.rel_model._meta.table_name, row[at]))
                else:
                    self._cap(row)
            rows, columns = [r for r in rows if r[at] not in missing], None
        return rows

    def _merged(self, model: type[Synced], rows: list[tuple], i: int) -> tuple[list[tuple], list[tuple]]:
        """Each row merged with the one held here: those to write as they came and those merged
        from both, each counted once however many bundles of this import bring them."""
        existing = _existing(model, [r[0] for r in rows])
        knows = self.sources[i].header.get("knows") or {}
        as_sent: list[tuple[Any, ...]] = []
        merged_rows: list[tuple[Any, ...]] = []
        for row in rows:
            found = existing.get(row[0])
            if found is None:
                self.summary.new += 1
                as_sent.append(row)
                existing[row[0]] = (*row, NOT_SET)
                continue
            mine, seq = found[:-1], found[-1]
            merged = mine if mine == row else self._merge_row(model, mine, row, knows, self.seen[i])
            if merged != mine:
                (as_sent if merged == row else merged_rows).append(merged)
                existing[row[0]] = (*merged, NOT_SET)
                self.summary.updated += seq <= self.start_seq
            elif seq <= self.start_seq:
                self.summary.unchanged += 1
                self.unchanged.setdefault(model._meta.table_name, array("q")).append(seq)
        return as_sent, merged_rows

    # -- one row ----------------------------------------------------------------------------
    def _merge_row(
        self, model: type[Synced], mine: tuple, theirs: tuple, knows: dict[str, int], seen: dict[str, int]
    ) -> tuple:
        """Field by field, the greater stamp wins, equal stamps by :func:`canonical`; the row's
        stamps are rewritten to match."""
        mine_stamps = json.loads(mine[4]) if mine[4] != "{}" else {}
        their_stamps = json.loads(theirs[4]) if theirs[4] != "{}" else {}
        out, won = list(mine), {}
        ties: dict[str, list[tuple[str, int]]] = {}
        if (theirs[3], theirs[2]) > (mine[3], mine[2]):
            out[2] = theirs[2]
        for name, i in _slots(model):
            a, b = mine_stamps.get(name, mine[3]), their_stamps.get(name, theirs[3])
            if b > a:
                out[i] = theirs[i]
            elif a == b and mine[i] != theirs[i]:
                ties.setdefault(a, []).append((name, i))
            won[name] = max(a, b)
            if a != b and mine[i] != theirs[i] and model is not Conflict and name not in model.DERIVED_FIELDS:
                self._maybe_conflict(model, mine[0], name, (a, mine[i]), (b, theirs[i]), knows, seen)
        for stamp, group in ties.items():
            self._break_tie(model, mine, theirs, stamp, group, out)
        base = max(mine[3], theirs[3])
        out[3], out[4] = base, _stamps_text({n: s for n, s in won.items() if s != base})
        return tuple(out)

    def _break_tie(
        self, model: type[Synced], mine: tuple, theirs: tuple, stamp: str, group: list[tuple[str, int]], out: list
    ) -> None:
        """Two values under one stamp: the group written under it whose values are greater
        wins, on every laptop alike, and each field that differs is kept as a conflict."""
        ours, other = canonical(mine[i] for _, i in group), canonical(theirs[i] for _, i in group)
        lo, hi = (mine, theirs) if other > ours else (theirs, mine)
        for name, i in group:
            out[i] = hi[i]
            if model is not Conflict and name not in model.DERIVED_FIELDS and lo[i] != hi[i]:
                self._record(model._meta.table_name, mine[0], name, (stamp, lo[i]), (stamp, hi[i]))

    def _maybe_conflict(
        self,
        model: type[Synced],
        row_id: str,
        name: str,
        mine: tuple,
        theirs: tuple,
        knows: dict[str, int],
        seen: dict[str, int],
    ) -> None:
        """Neither change saw the other: theirs is new to us and ours was unknown to them."""
        a, b = mine[0], theirs[0]
        if hlc.stamp_device(a) == hlc.stamp_device(b):
            return
        if hlc.stamp_clock(b) <= seen.get(hlc.stamp_device(b), 0):
            return
        if hlc.stamp_clock(a) <= knows.get(hlc.stamp_device(a), 0):
            return
        lo, hi = sorted((mine, theirs), key=lambda side: side[0])
        self._record(model._meta.table_name, row_id, name, lo, hi)

    def _record(self, table: str, row_id: str, name: str, lo: tuple, hi: tuple) -> None:
        """The conflict row every laptop that sees this pair writes alike."""
        key = f"{table}|{row_id}|{name}|{lo[0]}|{hi[0]}"
        if lo[0] == hi[0]:  # a tie: the values tell it from another tie under the same stamp
            key += "|" + hashlib.sha256(canonical([lo[1], hi[1]])).hexdigest()
        conflict_id = str(uuid.uuid5(CONFLICT_NS, key))
        self.conflicts[conflict_id] = (
            conflict_id,
            0,
            hlc.stamp_device(hi[0]),
            hi[0],
            "{}",
            table,
            row_id,
            name,
            lo[0],
            json.dumps(lo[1], ensure_ascii=False),
            hi[0],
            json.dumps(hi[1], ensure_ascii=False),
            "open",
        )

    def _write_conflicts(self) -> None:
        """The conflicts a table's merge found, those not held here yet, into the conflict table
        (before the bundles' own conflict rows, which come last)."""
        pending, self.conflicts = self.conflicts, {}
        if not pending:
            return
        known = _existing(Conflict, list(pending))
        fresh = [row for key, row in pending.items() if key not in known]
        store.merge_rows(Conflict, stored.columns(Conflict), fresh)
        self.filled_by["conflict"] = MANY
        self.summary.conflicts += len(fresh)

    # -- the end ----------------------------------------------------------------------------
    def _settle_unchanged(self) -> None:
        """Several bundles at once: a row found unchanged in two counts once, and one a later
        bundle changed counts as updated only."""
        if len(self.sources) < 2:
            return
        self.summary.unchanged = sum(_still_there(table, sorted(set(seqs))) for table, seqs in self.unchanged.items())

    def _remember(self) -> None:
        """What this import taught: the knowledge vector (never past a held or a left row), what
        each sender holds of ours, how far we hold its sequence, which rows came as it sent
        them, and the clock moved past the newest stamp applied."""
        changes: dict[str, dict[str, Any]] = {}
        for device, clock in self._learned().items():
            clock = min(clock, self.caps.get(device, NOT_SET))
            if device != self.me and clock > self.known.get(device, 0):
                changes.setdefault(device, {})["known_clock"] = clock
        for sender, values in self._acknowledgements().items():
            changes.setdefault(sender, {}).update(values)
        for device, values in changes.items():
            if values and SyncPeer.update(**values).where(SyncPeer.device == device).execute() == 0:
                SyncPeer.create(device=device, **values)
        if self.newest:
            store.receive_clock(hlc.stamp_clock(self.newest))
        for source in self.sources:
            role = authority.take_role(source.sender, source.header)
            self.summary.role = role or self.summary.role

    def _learned(self) -> dict[str, int]:
        """The senders' vectors, from bundles that assumed nothing missing here."""
        learned: dict[str, int] = {}
        for source, gap in zip(self.sources, self.gaps, strict=True):
            if gap is None:
                _raise(learned, source.header.get("knows") or {})
        return learned

    def _acknowledgements(self) -> dict[str, dict[str, Any]]:
        """Per sender: how far we hold its sequence and what it holds of ours, then which of our
        sequence came as it sent it."""
        peers = {p.device: p for p in SyncPeer.select()}
        out = {
            sender: {
                "received_seq": max(header["seq"], peers[sender].received_seq if sender in peers else 0),
                "acked_seq": (header.get("have") or {}).get(self.me, 0),
            }
            for sender, header in self._newest_headers().items()
        }
        for sender in {*self.echo, *out}:
            values = out.setdefault(sender, {})
            values["echo"] = self._echo_kept(sender, peers.get(sender), values)
        return out

    def _newest_headers(self) -> dict[str, dict[str, Any]]:
        """Per sender, its newest bundle here, taken as it says (a lower figure than before only
        means more is sent: a late bundle, a sender put back to a copy). A bundle with a gap
        teaches nothing of the kind: it was cut against what is not here."""
        newest: dict[str, dict[str, Any]] = {}
        for source, gap in zip(self.sources, self.gaps, strict=True):
            header = source.header
            if "seq" in header and source.sender != self.me and gap is None:
                if header["seq"] >= newest.get(source.sender, {}).get("seq", -1):
                    newest[source.sender] = header
        return newest

    def _echo_kept(self, sender: str, peer: SyncPeer | None, values: dict[str, Any]) -> list[list[int]]:
        """The stretches of our sequence that came as ``sender`` sent them and it has not
        acknowledged yet; none from before when it now holds less of ours than it said (it may
        have lost what it sent as well)."""
        acked = values.get("acked_seq", peer.acked_seq if peer else 0)
        before: list[list[int]] = peer.echo if peer and acked >= peer.acked_seq else []
        return [r for r in before + self.echo.get(sender, []) if r[1] > acked][-ECHO_RANGES:]


ECHO_RANGES = 256
"""Stretches of the sequence remembered per peer; past that, the oldest are sent back after all."""
EMPTY, MANY = -2, -1
"""``filled_by``: a table empty when the import began and not written yet, or written by more
than one source (or not empty): only a table one source fills from empty skips the merge."""


def _slots(model: type[Synced]) -> list[tuple[str, int]]:
    """The merged fields of a model and their positions in a stored row (deleted included)."""
    names = stored.columns(model)
    return [
        (f.name, names.index(f.column_name))
        for f in model._meta.sorted_fields
        if f.name not in ("id", "origin", "stamp", "stamps", "seq")
    ]


def _newest(columns: list[list]) -> str:
    """The greatest stamp of a chunk, from its creation stamps and its overrides."""
    overrides = (s for text in set(columns[4]) - {"{}"} for s in json.loads(text).values())
    return max(max(columns[3]), max(overrides, default=""))


def _empty(model: type[Synced]) -> bool:
    return database.cursor().execute(f'SELECT 1 FROM "{model._meta.table_name}" LIMIT 1').fetchone() is None


def _chunked(values: list) -> Iterator[list]:
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


def _existing(model: type[Synced], ids: list[str]) -> dict[str, tuple]:
    """The rows held here for these ids, as stored columns followed by their ``seq``."""
    names = [*stored.columns(model), "seq"]
    sql = 'SELECT {} FROM "{}" WHERE "id" IN ({{}})'.format(", ".join(f'"{c}"' for c in names), model._meta.table_name)
    found, cursor = {}, database.cursor()
    for chunk in _chunked(list(set(ids))):
        for row in cursor.execute(sql.format(", ".join("?" * len(chunk))), chunk):
            found[row[0]] = row
    return found


def _missing(fk: ForeignKeyField, wanted: set[str]) -> set[str]:
    """The referenced keys no row here has."""
    target, key = fk.rel_model._meta.table_name, fk.rel_field.column_name
    cursor = database.cursor()
    for chunk in _chunked(list(wanted)):
        marks = ", ".join("?" * len(chunk))
        wanted = wanted - {
            r[0] for r in cursor.execute(f'SELECT "{key}" FROM "{target}" WHERE "{key}" IN ({marks})', chunk)
        }
    return wanted


def _parent_reason(table: str, parent: str) -> str:
    """A row pointing at a held row is held with it: for the same reason when that was its
    sender's authority (so "parent"), else as the clock guard held the parent."""
    reasons = {
        h.reason
        for h in HeldRow.select(HeldRow.reason).where((HeldRow.target_table == table) & (HeldRow.target_id == parent))
    }
    return "parent" if reasons - {"future"} else "future"


def _held_ids(table: str, ids: set[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunked(list(ids)):
        query = HeldRow.select(HeldRow.target_id).where((HeldRow.target_table == table) & HeldRow.target_id.in_(chunk))
        found.update(h.target_id for h in query)
    return found


def _still_there(table: str, seqs: list[int]) -> int:
    """How many of these change sequence numbers a table still has (the rest were rewritten)."""
    cursor, count = database.cursor(), 0
    for chunk in _chunked(seqs):
        marks = ", ".join("?" * len(chunk))
        count += cursor.execute(f'SELECT COUNT(*) FROM "{table}" WHERE "seq" IN ({marks})', chunk).fetchone()[0]
    return count


def duplicates(since_seq: int) -> int:
    """ID numbers that live residents share, at least one of them written after ``since_seq``."""
    return (
        database.cursor()
        .execute(
            'SELECT COUNT(*) FROM (SELECT "id_number" FROM "resident" WHERE "deleted" = 0 AND "id_number" != \'\' '
            'GROUP BY "id_number" HAVING COUNT(*) > 1 AND MAX("seq") > ?) AS shared',
            (since_seq,),
        )
        .fetchone()[0]
    )
