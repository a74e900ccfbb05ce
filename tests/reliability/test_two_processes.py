"""Two processes on one database: a writer that finds the database busy waits its turn
(SQLite's busy timeout) or, if the other never lets go, stops with one sentence; nothing is
corrupted and nothing is half-written either way.

The other process is a plain sqlite3 connection holding ``BEGIN IMMEDIATE`` (what the TUI or
an import holds while it saves). The test releases it only once the gridtui process is seen
waiting in SQLite's busy handler (its kernel wait channel is a sleep), so the wait is real.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from gridtui.i18n import t

from .checks import count, gridtui, integrity, one_sentence, sha256


def hold_write_lock(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def wait_until_sleeping(proc: subprocess.Popen, limit: float = 30.0) -> None:
    """Until the process sleeps in the kernel (SQLite's busy handler between retries)."""
    waited = 0.0
    while True:
        try:
            proc.wait(timeout=0.02)
        except subprocess.TimeoutExpired:
            waited += 0.02
        else:
            raise AssertionError(f"gridtui finished without waiting: {proc.stderr.read()}")
        with open(f"/proc/{proc.pid}/wchan") as fh:
            if "sleep" in fh.read():
                return
        if waited > limit:
            raise AssertionError("gridtui never waited for the lock")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs Linux /proc")
def test_a_writer_waits_for_the_other_process_then_saves(tmp_path, empty_db):
    holder = hold_write_lock(empty_db)
    proc = gridtui(tmp_path, "--db", empty_db, "demo", "--scale", "0.02")
    try:
        wait_until_sleeping(proc)
    finally:
        holder.execute("COMMIT")
        holder.close()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert integrity(empty_db) == "ok"
    assert count(empty_db, "household") > 0


@pytest.mark.slow
def test_a_writer_that_cannot_get_in_stops_with_one_sentence(tmp_path, empty_db):
    holder = hold_write_lock(empty_db)
    try:
        before = sha256(empty_db)
        proc = gridtui(tmp_path, "--db", empty_db, "demo", "--scale", "0.02")
        _, err = proc.communicate(timeout=60)  # the busy timeout is 5 s
        assert proc.returncode == 1
        assert one_sentence(err), err
        assert err.strip() == t("db.locked", lang="en", path=empty_db)
        assert sha256(empty_db) == before
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert integrity(empty_db) == "ok"
    assert count(empty_db, "household") == 0
