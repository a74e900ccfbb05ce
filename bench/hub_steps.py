"""The street office's hub: communities' bundles imported into PostgreSQL as the hub does it, held
against the same rows copied into the same schema on the same server by raw executemany.

Each community is made by its own office (a demo community with its own seed and name, at the
hub scale) and exported to the hub, as ``gridtui demo --communities N`` does; the bundles are made
once. Every run imports them into a new empty database of a throwaway server (Debian's
``postgresql``, started for the bench and stopped after it), by one ``gridtui import`` process. The
baseline is a fresh Python process that copies the same rows from the offices' files into a new
database of the same schema with psycopg's executemany in one transaction, dropping the
indexes first and building them after, as the import's bulk load does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.community import ROOT
from bench.sync_steps import gridtui

RAW_COPY = r"""
import sqlite3, sys, psycopg
target, tables, legacy, sources = sys.argv[1], sys.argv[2].split(","), sys.argv[3], sys.argv[4:]
with psycopg.connect(target) as dst:
    indexes = dst.execute(
        "SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = current_schema() AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) AND tablename = ANY(%s)", (tables,)).fetchall()
    for name, _sql in indexes:
        dst.execute(f'DROP INDEX "{name}"')
    for name in tables:
        for source in sources:
            src = sqlite3.connect(f"file:{source}?mode=ro&immutable=1", uri=True)
            cursor = src.execute(f'SELECT * FROM "{name}" WHERE id != ?', (legacy,))  # as the export leaves it out
            columns = ", ".join(f'"{d[0]}"' for d in cursor.description)
            marks = ", ".join(["%s"] * len(cursor.description))
            with dst.cursor() as cur:
                cur.executemany(f'INSERT INTO "{name}" ({columns}) VALUES ({marks}) ON CONFLICT ("id") DO NOTHING',
                                cursor.fetchall())  # a row two offices share (a catalog's team) once
            src.close()
    for _name, sql in indexes:
        dst.execute(sql)
"""


class HubBench:
    """A throwaway server, the offices' bundles for ``count`` communities, and timed imports."""

    def __init__(self, server, work: Path, env: dict[str, str], count: int, scale: float, seed: int) -> None:
        from gridtui.core.db import close_database, mark_street_hub, open_database
        from gridtui.sync import keys, street

        self.server, self.work, self.count = server, work, count
        self.env = {**env, "GRIDTUI_HUB_DIR": str(work / "hubs")}
        os.environ["GRIDTUI_HUB_DIR"] = self.env["GRIDTUI_HUB_DIR"]
        work.mkdir(parents=True, exist_ok=True)
        self.offices = street.offices(count, work, seed=seed, scale=scale, today=None)
        self.template = server.new_database()  # the hub's identity and trust, made once
        open_database(self.template)
        mark_street_hub()
        keys.rename("hub")
        (work / "hub.card").write_text(json.dumps(keys.make_card(keys.ensure_identity())), encoding="utf-8")
        for path in self.offices:
            keys.trust(path.with_suffix(".card"))
        close_database()
        self.bundles = street.bundles_for(work / "hub.card", self.offices, work)
        from gridtui.core.models import SYNCED_MODELS

        self.tables = [m._meta.table_name for m in SYNCED_MODELS]
        self.rows = _count(self.offices, self.tables)
        self.last_hub = ""

    def _fresh(self) -> str:
        """A new hub database holding only the template's identity and trust (its clone, with a
        copy of its keys under the clone's name)."""
        name = self.template.split("?")[0].rsplit("/", 1)[1]
        url = self.server.new_database(template=name)
        clone = url.split("?")[0].rsplit("/", 1)[1]
        for keys in Path(self.env["GRIDTUI_HUB_DIR"]).glob(f"*-{name}.keys"):
            shutil.copyfile(keys, keys.with_name(keys.name.replace(name, clone)))
        return url

    def import_(self) -> float:
        url = self._fresh()
        began = time.perf_counter()
        gridtui(self.env, "--db", url, "import", *self.bundles)
        spent = time.perf_counter() - began
        self.last_hub = url
        return spent

    def raw(self) -> float:
        url = self._fresh()
        began = time.perf_counter()
        from gridtui.domain.places import LEGACY_COMMUNITY_ID

        done = subprocess.run(
            [sys.executable, "-c", RAW_COPY, url, ",".join(self.tables), LEGACY_COMMUNITY_ID, *map(str, self.offices)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        spent = time.perf_counter() - began
        if done.returncode != 0:
            raise RuntimeError(f"raw copy: {done.stderr.strip()[-500:]}")
        return spent


def _count(paths: list[Path], tables: list[str]) -> int:
    """The rows the hub ends with: each (table, id) once, less the legacy community row."""
    import sqlite3

    from gridtui.domain.places import LEGACY_COMMUNITY_ID

    seen: set[tuple[str, str]] = set()
    for path in paths:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            for table in tables:
                seen.update(
                    (table, i)
                    for (i,) in conn.execute(f'SELECT id FROM "{table}" WHERE id != ?', (LEGACY_COMMUNITY_ID,))
                )
        finally:
            conn.close()
    return len(seen)
