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
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

META_KEY = "home_cache"
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
    return [FORMAT, *(meta.get(part, "") for part in KEY_PARTS), today.isoformat(),
            sorted(app.settings.my_grids), app.lang]


def read(app) -> dict[str, Any] | None:
    """The cached home figures if they are still true for this database, else None."""
    path = Path(app.db_path)
    if not path.is_file():
        return None
    # With no -wal there is nothing uncommitted to read: immutable, so that no -wal or -shm is
    # made beside the file (beside a read-only file they would be read-only too, for good).
    flags = "mode=ro" if Path(f"{path}-wal").exists() else "mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, timeout=0.05)
        try:
            rows = conn.execute(
                "SELECT key, value FROM meta WHERE key IN (?, ?, ?, ?)", (*KEY_PARTS, META_KEY)
            ).fetchall()
        finally:
            conn.close()
        meta = dict(rows)
        cached = json.loads(meta.get(META_KEY) or "null")
    except (sqlite3.Error, ValueError, OSError):
        return None
    if not isinstance(cached, dict) or cached.get("key") != cache_key(meta, app):
        return None
    return cached


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
        "revisits": [CachedRevisit(r.household_id, r.address, r.head_name, getattr(r, "business_id", None))._asdict()
                     for r in data.revisits],
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    try:
        if meta_get(META_KEY) != text:
            meta_set(META_KEY, text)
    except Exception:  # noqa: BLE001 - the database busy or read-only: next start computes again
        pass
