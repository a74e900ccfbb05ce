"""Export and import: the two ends of sync by file, as the CLI and the Sync screen call them.

Import is all or nothing: every file is decrypted and verified first, then every row is checked,
merged and written in one transaction, a chunk at a time; any refusal (a damaged, foreign,
revoked, newer-schema or malformed bundle, one bad row) raises one :class:`GridError` and the
transaction rolls back, leaving the database as it was. A dry run does the same and rolls back.

A bundle whose signer is not trusted yet, but whose signature is good for the key it carries,
is kept in the quarantine folder (beside the database, not in it) under that key, one file per
bundle written whole or not at all, until a device with that key is trusted and the user accepts
it. A forgery naming a trusted device is refused outright (its key is not that device's), and
one naming a device not trusted yet waits under its own key, where it can block nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import groupby
from pathlib import Path
from typing import Any

from gridtui.core import dialect, store, stored
from gridtui.core.db import bulk_cache
from gridtui.core.models import (
    SYNCED_BY_TABLE,
    SYNCED_MODELS,
    Device,
    Grid,
    HeldRow,
    SyncPeer,
    live,
)
from gridtui.errors import GridError, shown
from gridtui.sync import authority, bundle, handover, keys, merge, scope

__all__ = [
    "Exported",
    "HeldRows",
    "Progress",
    "accept_quarantined",
    "export_bundle",
    "import_bundles",
    "quarantine_dir",
    "quarantined",
    "read_passphrase",
    "worker_cut",
]

Progress = Callable[[int, int, str], None]
"""progress(done, total, what): how far an import has got, for a progress bar."""
HELD_SUFFIX = ".held"
MAX_INFO = 4096


def read_passphrase(path: str | os.PathLike | None) -> str | None:
    """The first line of a passphrase file (never a command-line argument: shells keep history)."""
    if path is None:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GridError("sync.file_unreadable", path=str(path), detail=str(exc)) from exc
    phrase = text.splitlines()[0] if text.strip() else ""
    if len(phrase) < 8:
        raise GridError("sync.weak_passphrase", path=str(path))
    return phrase


# -- export -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exported:
    """A bundle written: where, how many rows (and per table), for whom, how big."""

    file: str
    rows: int
    counts: dict[str, int]
    to: list[str]
    """The names of the peers it is sealed to (none for a passphrase or in the clear)."""
    full: bool
    bytes: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def export_bundle(
    out: Path,
    *,
    to: list[str] | None = None,
    full: bool = False,
    passphrase: str | None = None,
    plaintext: bool = False,
) -> Exported:
    """Write a bundle for the named peers (everything they have not acknowledged), or for a
    passphrase or in the clear (everything: nobody can acknowledge it)."""
    to = to or []
    if sum((bool(to), passphrase is not None, plaintext)) != 1:
        raise GridError("sync.seal_how")
    identity = keys.ensure_identity()
    peers = keys.recipients(to)
    to_hub = any(p.role == "hub" for p in peers)
    if to_hub:
        from gridtui.domain.places import own_identity

        own_identity()
    with dialect.read_snapshot():  # one read snapshot for the rows, the sequence and the vectors
        cut = worker_cut(peers, full)
        header, rows = merge.collect([p.id for p in peers], full, cut, to_hub=to_hub)
        header["sender_name"] = identity.device.name
        header["roles"] = {p.id: authority.role_of(p.id) for p in peers}
        data, header = bundle.seal(
            header, rows, identity, recipients=[p.enc_public for p in peers], passphrase=passphrase
        )
        if cut is not None:
            _remember_cut(peers, header["seq"], cut.grids)
    _write_whole(out, data)
    return Exported(
        str(out), sum(header["counts"].values()), header["counts"], [p.name for p in peers], header["full"], len(data)
    )


def worker_cut(peers: list[Device], full: bool) -> scope.WorkerCut | None:
    """What a bundle to workers' laptops may carry: their grids (none when a reader is the office,
    or there is no reader: a passphrase bundle carries everything). Grids not in every bundle cut
    for them since the newest they acknowledged are new to them and go whole."""
    if not peers or any(authority.role_of(p.id) == "office" for p in peers):
        return None
    ids = [p.id for p in peers]
    grids = {g for (g,) in Grid.select(Grid.id).where(live(Grid) & Grid.worker_device.in_(ids)).tuples()}
    confirmed: set[str] | None = None
    for peer in SyncPeer.select().where(SyncPeer.device.in_(ids)):
        held = set() if full else _confirmed(peer)
        confirmed = held if confirmed is None else confirmed & held
    if confirmed is None or len(ids) > SyncPeer.select().where(SyncPeer.device.in_(ids)).count():
        confirmed = set()
    return scope.WorkerCut(grids, grids - confirmed)


def _confirmed(peer: SyncPeer) -> set[str]:
    """The grids a worker surely holds whole: those of the newest bundle it acknowledged, and
    of every bundle cut for it since (a grid that left in between may have been forgotten)."""
    entries = _kept_cuts(peer)
    if not entries or entries[0][0] > peer.acked_seq:
        return set()
    return set.intersection(*(set(grids) for _seq, grids in entries))


def _kept_cuts(peer: SyncPeer) -> list:
    entries = sorted(peer.scopes or [], key=lambda e: e[0])
    base = max((n for n, (seq, _g) in enumerate(entries) if seq <= peer.acked_seq), default=0)
    return entries[base:]


def _remember_cut(peers: list[Device], seq: int, grids: set[str]) -> None:
    for device in peers:
        peer = SyncPeer.get_or_none(SyncPeer.device == device.id)
        if peer is None:
            peer = SyncPeer.create(device=device.id)
        entries = [*_kept_cuts(peer), [seq, sorted(grids)]][-64:]
        SyncPeer.update(scopes=entries).where(SyncPeer.device == device.id).execute()


def _write_whole(out: Path, data: bytes, mode: int = 0o600) -> None:
    """A file that is there whole or not at all: written beside its place, then renamed."""
    tmp = out.with_name(f".{out.name}.part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise GridError("sync.cannot_write", path=str(out), detail=exc.strerror or str(exc)) from exc


# -- import -------------------------------------------------------------------------------------


def import_bundles(
    paths: list[Path], *, dry_run: bool = False, passphrase: str | None = None, progress: Progress | None = None
) -> merge.Summary:
    """Verify every file, then merge them all in one transaction (or only count, on a dry run)."""
    progress = progress or (lambda _d, _t, _w: None)
    identity = keys.load_identity()
    total = len(paths) + len(SYNCED_MODELS)
    opened: list[bundle.Bundle] = []
    unknown: list[tuple[bytes, bundle.UnknownSigner]] = []
    for n, path in enumerate(paths):
        progress(n, total, str(path))
        data = bundle.read_file(path)
        try:
            opened.append(bundle.open_bundle(data, str(path), identity, passphrase))
        except bundle.UnknownSigner as signer:
            unknown.append((data, signer))
    if unknown:  # every such bundle waits in quarantine; none of the files is applied
        if dry_run:
            raise GridError("sync.unknown_signer_dry_run", **unknown[0][1].params)
        for data, refusal in unknown:
            _quarantine(data, refusal.path, refusal.envelope)
        raise unknown[0][1]
    summary = _apply(opened, dry_run, lambda n, what: progress(len(paths) + n, total, what))
    progress(total, total, "")
    return summary


class _DryRun(Exception):
    """Rolls a dry run's transaction back, carrying what it found."""

    def __init__(self, summary: merge.Summary) -> None:
        super().__init__("dry run")
        self.summary = summary


def _apply(
    sources: list,
    dry_run: bool,
    progress: Callable[[int, str], None],
    now_ms: int | None = None,
    before: Callable[[], None] | None = None,
) -> merge.Summary:
    """Merge the sources in one write transaction; a dry run rolls it back (same work, same
    counts, nothing written)."""
    try:
        with _references_checked(), bulk_cache(), store.transaction():
            if before is not None:
                before()
            summary = merge.Merge(sources, now_ms).run(progress)
            summary.purged, summary.waiting = handover.settle()
            if dry_run:
                raise _DryRun(summary)
    except _DryRun as undone:
        return undone.summary
    dialect.after_bulk_write(summary.tables)
    return summary


def _references_checked():
    """SQLite's per-row foreign-key lookups off while the merge writes: the merge has checked
    every reference itself, inside the same write transaction, so they would only repeat it
    (they double the cost of a full import)."""
    return dialect.references_trusted()


# -- quarantine ---------------------------------------------------------------------------------


def quarantine_dir() -> Path:
    return dialect.side_path(".quarantine")


def _quarantine(data: bytes, path: str, found: bundle.Envelope) -> Path:
    """Keep a bundle whose signature is good for the key it carries (still encrypted), named by
    that key and the file's hash: what it claims is listed, what was verified decides."""
    folder = quarantine_dir()
    name = f"{found.fingerprint.replace(' ', '')}-{hashlib.sha256(data).hexdigest()[:16]}"
    info = {
        "id": name,
        "file": shown(Path(path).name, 80),
        "sender": found.sender,
        "key": found.fingerprint,
        **{k: shown(v, 80) if isinstance(v, str) else v for k, v in bundle.claims(found).items()},
        "held_at": datetime.now().isoformat(timespec="seconds"),
    }
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise GridError("sync.cannot_write", path=str(folder), detail=exc.strerror or str(exc)) from exc
    target = folder / f"{name}{HELD_SUFFIX}"
    _write_whole(target, json.dumps(info, ensure_ascii=False).encode() + b"\n" + data)
    return target


def _entry(path: Path) -> tuple[dict[str, Any], bytes] | None:
    """A quarantine file's listing and bundle; None for a file that is not one."""
    try:
        raw = path.read_bytes()
        line, _, data = raw.partition(b"\n")
        info = json.loads(line[:MAX_INFO].decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return (info, data) if isinstance(info, dict) and data else None


def _entries() -> Iterator[tuple[Path, dict[str, Any], bytes]]:
    folder = quarantine_dir()
    for path in sorted(folder.glob(f"*{HELD_SUFFIX}")) if folder.is_dir() else ():
        found = _entry(path)
        if found is not None:
            yield path, *found


def _state(info: dict[str, Any]) -> str:
    """Whether a quarantined bundle can be accepted: its claimed device trusted with its key
    ("ready"), trusted with another key ("other_key": not that device's bundle), or not yet."""
    device = Device.get_or_none(Device.id == str(info.get("sender")))
    if device is None or not device.trusted or device.revoked or not device.sign_public:
        return "waiting"
    return "ready" if keys.fingerprint(device.sign_public) == info.get("key") else "other_key"


def quarantined() -> list[dict[str, Any]]:
    """Bundles waiting for their signer to be trusted, and rows held by the clock guard."""
    found = [{"kind": "bundle", **info, "state": _state(info)} for _path, info, _data in _entries()]
    for row in HeldRow.select().order_by(HeldRow.id):
        found.append(
            {
                "kind": "row",
                "id": str(row.id),
                "table": row.target_table,
                "row": row.target_id,
                "sender": row.sender,
                "held_at": row.received_at.isoformat(timespec="seconds"),
                "reason": row.reason,
            }
        )
    return found


def accept_quarantined(
    passphrase: str | None = None, now_ms: int | None = None, only: list[str] | None = None
) -> merge.Summary:
    """Import the quarantined bundles whose signer is now trusted with the key they were signed
    with, and the held rows whose stamps are no longer ahead of the clock (``now_ms``: the wall
    clock unless given); whatever cannot be taken yet stays where it is. Rows held because their
    sender may not make that change are taken on purpose: as they are, unchecked. ``only``: just
    these (held rows by number, bundles by id)."""
    identity = keys.load_identity()
    opened, files = [], []
    for path, info, data in _entries():
        if _state(info) != "ready" or (only is not None and info.get("id") not in only):
            continue
        try:
            opened.append(bundle.open_bundle(data, str(info.get("file", path.name)), identity, passphrase))
            files.append(path)
        except GridError:  # revoked since, another passphrase, a newer format: it waits
            continue
    limit = merge.clock_limit(now_ms)
    ready = [
        h
        for h in HeldRow.select().order_by(HeldRow.id)
        if max(merge.row_stamps(_held_tuple(h))) < limit and (only is None or str(h.id) in only)
    ]
    if only is not None and len(ready) + len(opened) < len(set(only)):
        known = {str(h.id) for h in ready} | {str(i.get("id")) for _p, i, _d in _entries()}
        raise GridError("sync.not_held", id=next(i for i in only if i not in known))
    sources = opened + _held_sources(ready)

    def release() -> None:  # inside the merge's transaction: a row held again is held anew
        for held in ready:
            HeldRow.delete().where(HeldRow.id == held.id).execute()

    summary = _apply(sources, False, lambda _n, _w: None, now_ms, release)
    for path in files:
        path.unlink(missing_ok=True)
    return summary


def _held_tuple(held: HeldRow) -> tuple:
    return tuple(held.data.get(c) for c in stored.columns(SYNCED_BY_TABLE[held.target_table]))


class HeldRows:
    """Rows held back earlier from one sender, as a source for the merge: checked again as any
    row is (``on_purpose``: rows its sender may not change, taken by a person's decision, skip
    that check only); a row still pointing at a row not here is held again."""

    on_dangling = "hold"

    def __init__(self, sender: str, rows: list[HeldRow], on_purpose: bool = False) -> None:
        self.path = "quarantine"
        self.header = {"sender": sender}
        self.rows = rows
        self.on_purpose = on_purpose

    @property
    def sender(self) -> str:
        return self.header["sender"]

    def chunks(self) -> Iterator[tuple[str, list[str], list[list]]]:
        order = {m._meta.table_name: n for n, m in enumerate(SYNCED_MODELS)}
        for table, group in groupby(sorted(self.rows, key=lambda h: order[h.target_table]), lambda h: h.target_table):
            names = stored.columns(SYNCED_BY_TABLE[table])
            rows = [_held_tuple(h) for h in group]
            yield table, names, [list(column) for column in zip(*rows, strict=True)]


def _held_sources(held: list[HeldRow]) -> list[HeldRows]:
    groups: dict[tuple[str, bool], list[HeldRow]] = {}
    for row in held:
        groups.setdefault((row.sender, row.reason != "future"), []).append(row)
    return [HeldRows(sender, rows, on_purpose) for (sender, on_purpose), rows in groups.items()]
