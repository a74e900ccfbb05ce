"""Checks shared by the reliability tests (fixtures live in conftest.py).

A refused input must leave the database byte for byte as it was, so tests compare sha256 of the
file before and after; an interrupted write must leave nothing half-applied, so tests count rows
with a plain read-only sqlite3 connection (no gridtui code in the way).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def sha256(path: Path) -> str:
    """The database as it is on disk: the file and any write-ahead log beside it."""
    digest = hashlib.sha256()
    for suffix in ("", "-wal"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            digest.update(part.read_bytes())
    return digest.hexdigest()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def count(path: Path, table: str) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    finally:
        conn.close()


def one_sentence(text: str) -> bool:
    return len(text.strip().splitlines()) == 1 and "Traceback" not in text


def env(tmp_path: Path) -> dict[str, str]:
    """A subprocess environment that depends on nothing in the user's home; English sentences."""
    out = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDTUI_", "LC_"))}
    out.update(
        HOME=str(tmp_path / "home"),
        GRIDTUI_CONFIG=str(tmp_path / "config.toml"),
        GRIDTUI_LANG="en",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        PYTHONIOENCODING="utf-8",
    )
    return out


def gridtui(tmp_path: Path, *args: str, **popen) -> subprocess.Popen:
    """``gridtui ARGS`` as a real process (stdout and stderr piped, text)."""
    return subprocess.Popen(
        [sys.executable, "-m", "gridtui", *map(str, args)],
        env=env(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        **popen,
    )
