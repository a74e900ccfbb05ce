"""Two processes on one database: a writer that finds the database busy waits its turn
(SQLite's busy timeout) or, if the other never lets go, stops with one sentence; nothing is
corrupted and nothing is half-written either way.

The app open on a database sees what an import in another process brought once it refreshes.

The other process is a plain sqlite3 connection holding ``BEGIN IMMEDIATE`` (what the TUI or
an import holds while it saves). The test releases it only once the gridtui process is seen
waiting in SQLite's busy handler (its kernel wait channel is a sleep), so the wait is real.
"""

from __future__ import annotations

import asyncio
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
@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs Linux /proc")
def test_an_import_waits_for_the_other_process_then_applies_everything(tmp_path, bundle_and_receiver, community_db):
    bundle, receiver = bundle_and_receiver
    holder = hold_write_lock(receiver)
    proc = gridtui(tmp_path, "--db", receiver, "import", bundle)
    try:
        wait_until_sleeping(proc)
    finally:
        holder.execute("COMMIT")
        holder.close()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert integrity(receiver) == "ok"
    for table in ("household", "resident", "visit", "answer", "need"):
        assert count(receiver, table) == count(community_db, table), table


async def test_the_app_shows_what_an_import_brought_after_a_refresh(tmp_path, bundle_and_receiver):
    """The TUI open on a database while `gridtui import` writes to it from another process."""
    from gridtui.tui import GridApp
    from gridtui.tui.screens.home import HomeScreen

    bundle, receiver = bundle_and_receiver
    app = GridApp(db_path=receiver)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#grid-list").count == 0

        proc = gridtui(tmp_path, "--db", receiver, "import", bundle)
        _, err = await asyncio.to_thread(proc.communicate, timeout=60)
        assert proc.returncode == 0, err

        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one("#grid-list").count > 0
        assert app.errors == []
    assert integrity(receiver) == "ok"


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
