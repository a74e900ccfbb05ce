"""Export and import as a user runs them, and the raw sqlite3 baseline they are held against."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

RAW_COPY = r'''
import sqlite3, sys
source, target = sys.argv[1], sys.argv[2]
src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
dst = sqlite3.connect(target)
tables = [(n, s) for n, s in src.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
          if any(c[1] == "seq" for c in src.execute(f'PRAGMA table_info("{n}")'))]
with dst:
    for name, sql in tables:
        dst.execute(sql)
        cursor = src.execute(f'SELECT * FROM "{name}"')
        marks = ", ".join("?" * len(cursor.description))
        dst.executemany(f'INSERT INTO "{name}" VALUES ({marks})', cursor)
'''
"""The baseline: every synced row read from the community and written with plain executemany
into a new file, in one transaction, by a fresh Python process (so startup counts on both sides)."""


def synced_tables(db: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [n for n in names if any(c[1] == "seq" for c in conn.execute(f'PRAGMA table_info("{n}")'))]
    finally:
        conn.close()


def synced_rows(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return sum(conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in synced_tables(db))
    finally:
        conn.close()


def _fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def raw_copy(source: Path, target: Path) -> float:
    """Seconds for the raw executemany copy of every synced row."""
    _fresh(target)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", RAW_COPY, str(source), str(target)], check=True)
    return time.perf_counter() - began
