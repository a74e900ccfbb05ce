"""An import writes the whole bundle in one transaction, so it keeps the pages it touches in
memory until the commit: spilled halfway and read back for the indexes, every page of an
encrypted database would be encrypted, decrypted and checked again."""

from __future__ import annotations

import pytest

from gridtui.core.db import BULK_CACHE_KIB, PRAGMAS
from gridtui.core.models import database
from gridtui.errors import GridError

from .conftest import send


def cache_size() -> int:
    return database.execute_sql("PRAGMA cache_size").fetchone()[0]


def test_an_import_holds_its_pages_until_the_commit_then_gives_the_memory_back(laptops, tmp_path):
    office, worker = laptops("office", "w1")
    seen: dict[int, int] = {}
    send(office, worker, tmp_path, full=True)  # worker's first bundle
    bundle = office.export(tmp_path / "again.bundle", to=[worker], full=True)
    worker.import_(bundle, progress=lambda done, _total, _what: seen.setdefault(done, cache_size()))
    reading, *merging, done = (seen[n] for n in sorted(seen))
    assert merging and set(merging) == {-BULK_CACHE_KIB}  # table by table, in the transaction
    assert reading == done == cache_size() == PRAGMAS["cache_size"]


def test_a_refused_import_gives_the_memory_back_too(laptops, tmp_path):
    office, worker = laptops("office", "w1")
    bundle = office.export(tmp_path / "full.bundle", to=[worker], full=True)
    worker.become()

    def stop(done: int, total: int, _what: str) -> None:
        if done > 1:
            raise GridError("db.locked", path="x")

    with pytest.raises(GridError):
        worker.import_(bundle, progress=stop)
    assert cache_size() == PRAGMAS["cache_size"]
