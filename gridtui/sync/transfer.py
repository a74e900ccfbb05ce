"""Export and import: the two ends of sync by file, as the CLI and the Sync screen call them.

Import is all or nothing: every file is decrypted and verified and every row checked and
merged in memory before one transaction writes the lot. Any refusal (a damaged, foreign,
revoked, newer-schema or malformed bundle) raises one :class:`GridError` with the database
untouched. A bundle from a device we do not trust yet is copied to the quarantine folder
(beside the database, not in it) until the user trusts the device and accepts it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from gridtui.core import store
from gridtui.core.models import HeldRow, database
from gridtui.errors import GridError
from gridtui.sync import bundle, keys, merge

Progress = Callable[[int, int, str], None]
"""progress(done, total, what): how far an import has got, for a progress bar."""


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


def export_bundle(out: Path, *, to: list[str] | None = None, full: bool = False,
                  passphrase: str | None = None, plaintext: bool = False) -> dict[str, Any]:
    """Write a bundle for the named peers (or a passphrase, or in the clear when asked)."""
    to = to or []
    if sum((bool(to), passphrase is not None, plaintext)) != 1:
        raise GridError("sync.seal_how")
    identity = keys.ensure_identity()
    peers = keys.recipients(to)
    peer_ids = [p.id for p in peers]
    header, tables = merge.collect(peer_ids, full)
    header["sender_name"] = identity.device.name
    data = bundle.seal(
        header, tables, identity, recipients=[p.enc_public for p in peers], passphrase=passphrase
    )
    tmp = out.with_name(f".{out.name}.part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise GridError("sync.cannot_write", path=str(out), detail=exc.strerror or str(exc)) from exc
    merge.mark_sent(peer_ids, header["seq"])
    return {
        "file": str(out), "rows": sum(header["counts"].values()), "counts": header["counts"],
        "to": [p.name for p in peers], "full": full, "bytes": len(data),
    }


def quarantine_dir() -> Path:
    return Path(f"{database.database}.quarantine")


def _quarantine(data: bytes, path: str, header: dict[str, Any]) -> Path:
    """Keep a copy of a bundle from an unknown signer (still encrypted) with what it claims."""
    folder = quarantine_dir()
    folder.mkdir(mode=0o700, exist_ok=True)
    name = hashlib.sha256(data).hexdigest()[:16]
    (folder / f"{name}.bundle").write_bytes(data)
    (folder / f"{name}.bundle").chmod(0o600)
    info = {
        "id": name, "file": Path(path).name, "sender": header.get("sender"),
        "sender_name": str(header.get("sender_name", ""))[:80], "created": header.get("created"),
        "counts": header.get("counts"), "held_at": datetime.now().isoformat(timespec="seconds"),
    }
    (folder / f"{name}.json").write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    return folder / f"{name}.bundle"


def import_bundles(paths: list[Path], *, dry_run: bool = False, passphrase: str | None = None,
                   progress: Progress | None = None) -> merge.Summary:
    """Verify every file, then merge them all in one transaction (or only count, on a dry run)."""
    progress = progress or (lambda _d, _t, _w: None)
    identity = keys.load_identity()
    total = len(paths) * 2 + 1
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
            first = unknown[0][1]
            raise GridError("sync.unknown_signer_dry_run", **first.params)
        for data, signer in unknown:
            _quarantine(data, signer.params["path"], signer.header)
        raise unknown[0][1]
    return _apply(opened, dry_run, progress, total)


def _apply(opened: list[bundle.Bundle], dry_run: bool, progress: Progress, total: int) -> merge.Summary:
    done = total - len(opened) - 1
    if dry_run:
        plan = _plan(opened, progress, done)
        plan.summary.duplicates = plan.count_duplicates()
        return plan.summary
    with _references_checked():
        with store.transaction():
            plan = _plan(opened, progress, done)
            plan.summary.duplicates = plan.count_duplicates()
            plan.write()
    progress(total, total, "")
    return plan.summary


@contextmanager
def _references_checked() -> Iterator[None]:
    """SQLite's per-row foreign-key lookups off while the merge writes: the plan has checked
    every reference itself, inside the same write transaction, so they would only repeat it
    (they double the cost of a full import). The pragma is per connection and restored after."""
    database.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        database.execute_sql("PRAGMA foreign_keys = ON")


def _plan(opened: list[bundle.Bundle], progress: Progress, done: int,
          now_ms: int | None = None) -> merge.Merge:
    plan = merge.Merge(now_ms)
    for n, item in enumerate(opened):
        progress(done + n, done + len(opened) + 1, item.path)
        plan.add(item)
    plan.check_references()
    plan.tally()
    return plan


def quarantined() -> list[dict[str, Any]]:
    """Bundles waiting for their signer to be trusted, and rows held by the clock guard."""
    found = []
    folder = quarantine_dir()
    if folder.is_dir():
        for info in sorted(folder.glob("*.json")):
            try:
                found.append({"kind": "bundle", **json.loads(info.read_text(encoding="utf-8"))})
            except (OSError, ValueError):
                continue
    for row in HeldRow.select().order_by(HeldRow.id):
        found.append({
            "kind": "row", "id": str(row.id), "table": row.target_table, "row": row.target_id,
            "sender": row.sender, "held_at": row.received_at.isoformat(timespec="seconds"),
        })
    return found


def accept_quarantined(passphrase: str | None = None, now_ms: int | None = None) -> merge.Summary:
    """Import the quarantined bundles whose signer is now trusted, and the held rows whose
    stamps are no longer ahead of the clock (``now_ms``: the wall clock unless given); whatever
    still fails stays where it is."""
    identity = keys.load_identity()
    opened, files = [], []
    folder = quarantine_dir()
    for path in sorted(folder.glob("*.bundle")) if folder.is_dir() else []:
        try:
            opened.append(bundle.open_bundle(bundle.read_file(path), str(path), identity, passphrase))
            files.append(path)
        except bundle.UnknownSigner:
            continue
    limit = merge.clock_limit(now_ms)
    ready = [h for h in HeldRow.select() if max(merge.row_stamps(_held_tuple(h))) < limit]
    opened += [_held_bundle(h) for h in ready]
    with store.transaction():
        plan = _plan(opened, lambda _d, _t, _w: None, 0, now_ms)
        plan.summary.duplicates = plan.count_duplicates()
        plan.write()
        for h in ready:
            HeldRow.delete().where(HeldRow.id == h.id).execute()
    for path in files:
        path.unlink(missing_ok=True)
        path.with_suffix(".json").unlink(missing_ok=True)
    return plan.summary


def _held_tuple(held: HeldRow) -> list:
    model = merge.SYNCED_BY_TABLE[held.target_table]
    return [held.data.get(c) for c in merge.columns(model)]


def _held_bundle(held: HeldRow) -> bundle.Bundle:
    """A held row as a one-row bundle from its sender (it was verified when it arrived)."""
    model = merge.SYNCED_BY_TABLE[held.target_table]
    table = {"columns": merge.columns(model), "values": [[v] for v in _held_tuple(held)]}
    header = {"sender": held.sender, "knows": {}, "counts": {held.target_table: 1}}
    return bundle.Bundle(f"held:{held.id}", header, {held.target_table: table})
