"""Export and import as a user runs them, and the raw sqlite3 baseline they are held against.

The receiving database is a new one that trusts the sending device (``gridtui device trust``
of its card), made once and copied for each import, so every import starts empty.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.community import ROOT, gridtui_cmd, settle, working_copy

RAW_COPY = r"""
import sqlite3, sys
source, target, tables, search = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4] == "search"
src = sqlite3.connect(f"file:{source}?mode=ro&immutable=1", uri=True)  # no -wal/-shm beside the cache
dst = sqlite3.connect(target)
with dst:
    for name in tables:
        (sql,) = src.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
        dst.execute(sql)
        cursor = src.execute(f'SELECT * FROM "{name}"')
        marks = ", ".join("?" * len(cursor.description))
        dst.executemany(f'INSERT INTO "{name}" VALUES ({marks})', cursor)
        for (index_sql,) in src.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (name,)
        ):
            dst.execute(index_sql)
        # the search index over the table (an FTS5 table reading the table's own rows): made,
        # built whole from the rows, then kept by its triggers, as the receiving schema has it
        for (fts, fts_sql) in src.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name = ? AND sql LIKE 'CREATE VIRTUAL TABLE%'",
            (f"{name}_search",),
        ).fetchall() if search else ():
            dst.execute(fts_sql)
            dst.execute(f'INSERT INTO "{fts}" ("{fts}") VALUES (?)', ("rebuild",))
            for (trigger_sql,) in src.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name LIKE ?", (name, f"{fts}_%")
            ).fetchall():
                dst.execute(trigger_sql)
"""
"""The baseline: the same rows of the same tables read from the community and written with
plain executemany into a new file in one transaction, by a fresh Python process (so process
start counts on both sides). The tables get their indexes too, built after the rows as a bulk
load would, search indexes included (the residents' and addresses' trigram indexes, built
whole from the rows, then their triggers), so both sides end with the same database to query.
The last argument says whether to build the search indexes ("search") or not ("plain")."""


STRETCH_TIMED = r"""
import sys, time
from gridtui.core import unlock
from gridtui.cli import main
real, spent = unlock.stretch, []
def timed(*args, **kwargs):
    began = time.perf_counter()
    try:
        return real(*args, **kwargs)
    finally:
        spent.append(time.perf_counter() - began)
unlock.stretch = timed
try:
    code = main(sys.argv[2:])
finally:
    with open(sys.argv[1], "w") as out:
        out.write(repr(sum(spent)))
raise SystemExit(code)
"""
"""``gridtui ARGS`` as ``python -m gridtui`` runs it, writing to a file the seconds it spent
stretching a passphrase (an encrypted database's unlock, timed on its own line)."""


def gridtui(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [*gridtui_cmd(), "--lang", "en", *map(str, args)], capture_output=True, text=True, env=env, cwd=ROOT
    )
    if done.returncode != 0:
        raise RuntimeError(f"gridtui {' '.join(map(str, args))}: {done.stderr.strip()}")
    return done.stdout


class SyncBench:
    def __init__(self, community: Path, work: Path, env: dict[str, str], sender: SyncBench | None = None) -> None:
        """``sender``: receive that bench's bundles (another receiver, e.g. an encrypted one)."""
        self.community, self.work, self.env = community, work, env
        work.mkdir(parents=True, exist_ok=True)
        if sender is None:
            self.source = working_copy(community, work, "export.db")
            card = work / "card.json"
            gridtui(env, "--db", self.source, "device", "card", "--out", card)
        else:
            self.source, card = sender.source, sender.work / "card.json"
        self.receiver = work / "receiver.db"
        gridtui(env, "--db", self.receiver, "device", "trust", card, "--role", "office")
        settle(self.receiver)
        self.bundle = work / "full.bundle"
        self.tables: list[str] = []
        self.rows = 0
        self.stretched = 0.0
        """Seconds the last import spent stretching the database's passphrase (0: a plain one)."""

    def export(self) -> float:
        """Seconds for ``gridtui export --full`` of the whole community."""
        self.bundle.unlink(missing_ok=True)
        began = time.perf_counter()
        out = gridtui(
            self.env, "--db", self.source, "export", "--full", "--insecure-plaintext", "--out", self.bundle, "--json"
        )
        seconds = time.perf_counter() - began
        result = json.loads(out)
        self.rows, self.tables = result["rows"], [t for t, n in result["counts"].items() if n]
        return seconds

    def import_(self) -> float:
        """Seconds for ``gridtui import`` of the full bundle into a new, empty database."""
        if not self.bundle.exists():
            self.export()
        target = working_copy(self.receiver, self.work, "imported.db")
        for keys in self.receiver.parent.glob(f"{self.receiver.name}.keys"):
            (self.work / f"{target.name}.keys").write_bytes(keys.read_bytes())
        spent = self.work / "stretched.txt"
        cmd = [
            sys.executable,
            "-c",
            STRETCH_TIMED,
            str(spent),
            "--lang",
            "en",
            "--db",
            str(target),
            "import",
            str(self.bundle),
            "--json",
        ]
        began = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, env=self.env, cwd=ROOT)
        seconds = time.perf_counter() - began
        if done.returncode != 0:
            raise RuntimeError(f"gridtui import: {done.stderr.strip()}")
        self.stretched = float(spent.read_text())
        summary = json.loads(done.stdout)
        if summary["new"] != self.rows:
            raise RuntimeError(f"import applied {summary['new']} of {self.rows} rows: {summary}")
        return seconds

    def validation(self) -> float:
        """Seconds to hold every row of the community to the store's rules alone, chunk by chunk
        as an import does (:func:`gridtui.core.stored.check_merged`): the validation's share."""
        import sqlite3

        from gridtui.core import stored
        from gridtui.core.db import close_database, open_database
        from gridtui.core.models import SYNCED_MODELS
        from gridtui.sync.bundle import CHUNK_ROWS

        # answers are checked against their visit's form version, so the rows' own database is open
        open_database(working_copy(self.community, self.work, "validate.db"))
        conn = sqlite3.connect(f"file:{self.community}?mode=ro&immutable=1", uri=True)
        seconds = 0.0
        try:
            for model in SYNCED_MODELS:
                names = stored.columns(model)
                query = conn.execute(
                    'SELECT {} FROM "{}"'.format(", ".join(f'"{n}"' for n in names), model._meta.table_name)
                )
                while rows := query.fetchmany(CHUNK_ROWS):
                    columns = [list(column) for column in zip(*rows, strict=True)]
                    began = time.perf_counter()
                    stored.check_merged(model, names, columns)
                    seconds += time.perf_counter() - began
        finally:
            conn.close()
            close_database()
        return seconds

    def raw(self, search: bool = True) -> float:
        """Seconds for the raw executemany copy of the same rows (``search``: with the search
        indexes an import builds; an export, which builds none, is held against the copy without)."""
        if not self.tables:
            self.export()
        target = self.work / "raw.db"
        for suffix in ("", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        began = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-c",
                RAW_COPY,
                str(self.community),
                str(target),
                ",".join(self.tables),
                "search" if search else "plain",
            ],
            check=True,
            env={**os.environ, **self.env},
        )
        return time.perf_counter() - began
