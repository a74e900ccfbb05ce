"""Damaged database files never end in a traceback, and a refused file is left as it was.

Hypothesis flips, truncates and inserts bytes in a real gridtui database (biased to the header
and schema pages, where damage is noticed) and writes random junk with and without SQLite's
magic header, then runs ``gridtui stats`` on it in-process.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gridtui.core.db import SQLITE_MAGIC

from .checks import one_sentence, sha256

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

offsets = st.one_of(st.integers(0, 100), st.integers(0, 16 * 4096), st.integers(0, 2**24))
flip = st.tuples(st.just("flip"), offsets, st.integers(1, 255))
cut = st.tuples(st.just("truncate"), offsets, st.just(0))
insert = st.tuples(st.just("insert"), offsets, st.integers(0, 255))
mutations = st.lists(st.one_of(flip, cut, insert), min_size=1, max_size=4)


def mutate(data: bytes, steps) -> bytes:
    buf = bytearray(data)
    for kind, offset, value in steps:
        at = offset % max(1, len(buf))
        if kind == "flip" and buf:
            buf[at] ^= value
        elif kind == "truncate":
            del buf[at:]
        elif kind == "insert":
            buf[at:at] = bytes([value]) * 16
    return bytes(buf)


def check_stats(run_cli, path: Path) -> None:
    before = sha256(path)
    code, _, err = run_cli("--db", path, "--lang", "en", "stats", "--json")
    assert code in (0, 1), (code, err)
    if code == 1:
        assert one_sentence(err), err
        assert sha256(path) == before


@FUZZ
@given(steps=mutations)
@example(steps=[("flip", 92, 2), ("insert", 561152, 0)])  # the header stops vouching for the size; SQLite rewrote it
def test_a_damaged_database_is_refused_in_one_sentence(community_template, run_cli, steps):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "damaged.db"
        path.write_bytes(mutate(community_template.read_bytes(), steps))
        check_stats(run_cli, path)


@FUZZ
@given(junk=st.binary(min_size=1, max_size=8192), magic=st.booleans())
def test_random_bytes_are_refused_in_one_sentence(run_cli, junk, magic):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "junk.db"
        path.write_bytes((SQLITE_MAGIC if magic else b"") + junk)
        check_stats(run_cli, path)
