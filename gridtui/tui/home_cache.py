"""The home screen's last figures, kept so the app can show them the instant it starts.

A cold start spends most of its time importing Peewee and the domain and running the coverage
queries. The home screen's figures change only when the database does, so the worker that
computes them also stores them (local meta table, key ``home_cache``) with what they depend on:
the store's change sequence (every synced write bumps it, imports included), the chosen
campaign, the day, the worker's grids, the language and the catalog. At start-up one read-only
``sqlite3`` query (no Peewee) fetches them; if every part of that key still matches, home shows
them at once, and the worker's fresh figures replace them moments later as always. A stale or
unreadable cache is simply not used.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

META_KEY = "home_cache"
SQLITE_HEADER = b"SQLite format 3\x00"
"""How every plain SQLite file begins."""
KEY_PARTS = ("seq", "active_campaign", "catalog_digest")


FORMAT = 3
"""Bumped when the stored figures change shape: figures stored by an older gridtui are not used."""


class CachedNeed(NamedTuple):
    """What home draws and opens for an overdue need."""

    household_id: str | None
    address: str
    item: str


class CachedRevisit(NamedTuple):
    """What home draws and opens for a revisit due: a household, or a shop."""

    household_id: str | None
    address: str
    head_name: str
    business_id: str | None = None


def cache_key(meta: dict[str, str], app) -> list[Any]:
    """Everything the home figures depend on besides the database's content itself."""
    today = app.today or date.today()
    return [
        FORMAT,
        *(meta.get(part, "") for part in KEY_PARTS),
        today.isoformat(),
        sorted(app.settings.my_grids),
        app.lang,
    ]


def _connect(path: Path, cipher: Any = None) -> Any:
    """A read-only connection; ``cipher``: an encrypted file's key (core.unlock.CipherKey)."""
    # With no -wal there is nothing uncommitted to read: immutable, so that no -wal or -shm is
    # made beside the file (beside a read-only file they would be read-only too, for good).
    flags = "mode=ro" if Path(f"{path}-wal").exists() else "mode=ro&immutable=1"
    uri = f"{path.resolve().as_uri()}?{flags}"
    if cipher is not None:
        from gridtui.core import unlock

        conn = unlock.connect_keyed(uri, cipher, uri=True, timeout=0.05, check_same_thread=False)
    else:
        conn = sqlite3.connect(uri, uri=True, timeout=0.05, check_same_thread=False)
    conn.execute("PRAGMA temp_store = MEMORY")  # as the app's own connections: coverage groups in memory
    return conn


def read(app, cipher: Any = None) -> dict[str, Any] | None:
    """The cached home figures if they are still true for this database, else None."""
    path = Path(app.db_path)
    if not path.is_file():
        return None
    try:
        conn = _connect(path, cipher)
        try:
            rows = conn.execute(
                "SELECT key, value FROM meta WHERE key IN (?, ?, ?, ?)", (*KEY_PARTS, META_KEY)
            ).fetchall()
        finally:
            conn.close()
        meta = dict(rows)
        cached = json.loads(meta.get(META_KEY) or "null")
    except (sqlite3.Error, ValueError, OSError):  # not SQLCipher's errors: a wrong key is raised
        return None
    if not isinstance(cached, dict) or cached.get("key") != cache_key(meta, app):
        return None
    return cached


def quick(app, cipher: Any = None) -> dict[str, Any] | None:
    """Home's figures read straight from the file when none are kept (the first start of a day,
    or after an import): the campaign and the grids' coverage, by the rules of
    :mod:`gridtui.domain.coverage` on a read-only sqlite3 connection (SQLCipher's, keyed with
    ``cipher``, for an encrypted file), so they appear before Peewee and the models are imported.
    The lists beside them (overdue needs, revisits due) come with the full read just after the
    first frame: read here too, they would be read twice, and on a machine whose two cores share
    one (a virtual machine's often do) every millisecond read here is one Textual's import waits.
    None when the file cannot be read this way (the full read then says why)."""
    from gridtui.domain import coverage
    from gridtui.i18n import pick

    path = Path(app.db_path)
    today = app.today or date.today()
    try:
        conn = _connect(path, cipher)
        try:
            run = lambda sql, params: conn.execute(sql, params).fetchall()  # noqa: E731
            campaign_id = coverage.active_campaign(run)
            held = coverage.held_grids(run, app.settings.my_grids)
            grids = coverage.grids(run, held or None)
            label, by_code = "", {}
            info = coverage.campaign_words(run, campaign_id) if campaign_id else None
            if info is not None:
                label = pick(info.name, info.name_en)
                by_code = {row.grid: row._asdict() for row in coverage.coverage(run, info, today)}
        finally:
            conn.close()
    except (sqlite3.Error, ValueError, OSError, KeyError):
        return None
    return {"campaign_id": campaign_id or "", "campaign": label, "grids": grids, "coverage": by_code}


class EarlyRead:
    """Home's figures, read in a thread of its own from the moment the app is made, while
    Textual builds the first screen: the figures kept from the last start if they still hold,
    else :func:`quick` ones. SQLite lets go of the GIL while it reads, so on a big community
    the figures are there by the first frame instead of a few frames after it.

    An encrypted database whose passphrase comes from a file is unlocked here too: the stretch
    lets go of the GIL as well, so it runs while Textual is imported, and a key that has read
    the file (:attr:`opened_with`) spares the app its passphrase screen."""

    def __init__(self, app) -> None:
        self.stored: dict[str, Any] | None = None
        self.quick: dict[str, Any] | None = None
        self.plain = False
        """The file was read as a plain SQLite database (so it is not an encrypted one)."""
        self.opened_with: Any = None
        """The key (core.unlock.CipherKey) that read an encrypted file, from its passphrase file."""
        self._phrase: str | None = None
        self._key: Any = None
        self.stretched = threading.Event()
        self.done = threading.Event()
        threading.Thread(target=self._read, args=(app,), name="gridtui-home", daemon=True).start()

    def _read(self, app) -> None:
        try:
            cipher = None
            with Path(app.db_path).open("rb") as fh:
                self.plain = fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
            if self.plain:
                self.stored = read(app)
            else:  # perhaps an encrypted file, which SQLCipher leaves without a header
                cipher = self._stretch(app)
                if cipher is None:
                    return
                self.stored = read(app, cipher)
                self.opened_with = cipher  # it read the file: the passphrase is right
            if self.stored is None:
                self.quick = quick(app, cipher)
        except Exception:  # noqa: BLE001 - the full read that follows says what is wrong
            pass
        finally:
            self.stretched.set()
            self.done.set()

    def _stretch(self, app) -> Any:
        """The key from the passphrase file of an encrypted database, or None."""
        from gridtui.core import unlock

        try:
            if not unlock.encrypted(app.db_path):
                return None
            self._phrase = unlock.passphrase_from_file(app.passphrase_file)
            if self._phrase is not None:
                self._key = unlock.key_for(app.db_path, self._phrase)
        finally:
            self.stretched.set()
        return self._key

    def key_for(self, passphrase: str) -> Any:
        """The key stretched here from ``passphrase`` (waiting for it), or None if it was another."""
        if self._phrase is None and self.stretched.is_set():
            return None
        self.stretched.wait()
        return self._key if passphrase == self._phrase else None


def meta_now() -> dict[str, str]:
    """The key parts as the worker sees them, read before it computes (so a write that lands
    meanwhile makes the stored figures stale rather than wrongly current)."""
    from gridtui.core.db import meta_get

    return {part: meta_get(part, "") or "" for part in KEY_PARTS}


def write(meta: dict[str, str], app, data) -> None:
    """Store the figures just computed (from the worker thread); a failure only costs speed."""
    from gridtui.core.db import meta_get, meta_set

    payload = {
        "key": cache_key(meta, app),
        "campaign_id": app.campaign_id,
        "campaign": data.campaign,
        "grids": [g._asdict() for g in data.grids],
        "overdue": [CachedNeed(n.household_id, n.address, n.item)._asdict() for n in data.overdue],
        "revisits": [
            CachedRevisit(r.household_id, r.address, r.head_name, getattr(r, "business_id", None))._asdict()
            for r in data.revisits
        ],
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    try:
        if meta_get(META_KEY) != text:
            meta_set(META_KEY, text)
    except Exception:  # noqa: BLE001 - the database busy or read-only: next start computes again
        pass
