"""``gridtui import`` fuzzed where a stranger and a faulty peer can reach it.

* The bytes before and around the signature (the fixed prefix and the header) of a real bundle,
  flipped, cut and stretched: anyone with a USB stick can write them, no key needed. Every such
  file is refused in one sentence, and nothing is written, not even to the quarantine.
* Rows signed with a trusted device's real key, one value replaced by something hostile (a list
  where a flag goes, an integer past 64 bits, a lone surrogate, an unknown word, a malformed
  date or stamp), in every column of every kind of table. Each import ends in success or one
  sentence with the database untouched; after a success, the commands that read those rows
  still answer.

``make test`` replays a fixed set of examples (the cases found so far are kept as ``@example``);
``make fuzz`` draws new ones.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from gridtui.core import hlc
from gridtui.core.db import close_database, open_database
from gridtui.core.models import SYNCED_BY_TABLE
from gridtui.core.stored import columns
from gridtui.sync import bundle, keys

from .forge import forge, line

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
TABLES = (
    "household",
    "resident",
    "visit",
    "answer",
    "need",
    "need_event",
    "campaign",
    "assignment",
    "organization",
    "register_entry",
    "volunteer",
    "conflict",
)


@pytest.fixture(scope="module")
def scene(demo_community, tmp_path_factory):
    """A community (the sender), and a receiver trusting it that already holds the community."""
    folder = tmp_path_factory.mktemp("fuzz-import")
    sender, receiver = folder / "sender.db", folder / "receiver.db"
    shutil.copyfile(demo_community(seed=7, scale=0.05), sender)
    open_database(sender)
    identity = keys.ensure_identity()
    card = folder / "sender.card"
    card.write_text(json.dumps(keys.make_card(identity)), encoding="utf-8")
    from gridtui.sync import transfer

    transfer.export_bundle(folder / "full.bundle", full=True, plaintext=True)
    close_database()
    open_database(receiver)
    keys.ensure_identity()
    keys.trust(card, role="office")
    transfer.import_bundles([folder / "full.bundle"])
    close_database()
    return {"folder": folder, "sender": sender, "receiver": receiver, "identity": identity}


def one_row(sender: Path, table: str, pick: int) -> dict:
    names = columns(SYNCED_BY_TABLE[table])
    with sqlite3.connect(f"file:{sender}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            'SELECT {} FROM "{}" ORDER BY "seq"'.format(", ".join(f'"{n}"' for n in names), table)
        ).fetchall()
    return dict(zip(names, rows[pick % len(rows)], strict=True)) if rows else {}


def one_line(text: str) -> bool:
    """Printable on one line; spaces of any width are fine (a sentence may quote a full-width one)."""
    return all(c.isprintable() or unicodedata.category(c) == "Zs" for c in text)


def digest(path: Path) -> str:
    """The database on disk: the file and any write-ahead log beside it."""
    parts = [Path(f"{path}{suffix}") for suffix in ("", "-wal")]
    return hashlib.sha256(b"".join(p.read_bytes() for p in parts if p.exists())).hexdigest()


def importing(cli, scene, data: bytes, reads: list[tuple[str, ...]] = ()) -> int:
    """Import ``data`` into a copy of the receiver: success (and the reads still answer) or one
    printable sentence with the database as it was and nothing in quarantine."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "receiver.db"
        shutil.copyfile(scene["receiver"], db)
        shutil.copyfile(f"{scene['receiver']}.keys", f"{db}.keys")
        path = Path(tmp) / "in.bundle"
        path.write_bytes(data)
        before = digest(db)
        code, _, err = cli("--db", db, "--lang", "en", "import", path)
        assert code in (0, 1), err
        if code == 1:
            assert err.count("\n") == 1 and one_line(err.strip()) and "Traceback" not in err, err
            assert digest(db) == before
            assert not Path(f"{db}.quarantine").exists()
        for args in reads if code == 0 else ():
            done, out, err = cli("--db", db, "--lang", "en", *args)
            assert done == 0 and "Traceback" not in err, (args, err)
        return code


# -- before the signature -----------------------------------------------------------------------

spans = st.integers(0, bundle.PREFIX_SIZE + 400)
edits = st.lists(
    st.one_of(
        st.tuples(st.just("flip"), spans, st.integers(1, 255)),
        st.tuples(st.just("cut"), spans, st.just(0)),
        st.tuples(st.just("stretch"), spans, st.integers(0, 255)),
        st.tuples(st.just("length"), st.just(0), st.integers(0, 2**32 - 1)),
    ),
    min_size=1,
    max_size=3,
)


def damage(data: bytes, steps) -> bytes:
    buf = bytearray(data)
    for kind, at, value in steps:
        at = min(at, len(buf))
        if kind == "flip" and at < len(buf):
            buf[at] ^= value
        elif kind == "cut":
            del buf[at:]
        elif kind == "stretch":
            buf[at:at] = bytes([value]) * 9
        elif kind == "length":
            start = len(bundle.MAGIC) + bundle.SENDER_SIZE + bundle.KEY_SIZE
            buf[start : start + 4] = value.to_bytes(4, "big")
    return bytes(buf)


@FUZZ
@given(steps=edits)
@example(steps=[("length", 0, 0xFFFFFFFF)])
@example(steps=[("flip", len(bundle.MAGIC) + 3, 0x80)])  # a sender id byte outside ASCII
@example(steps=[("stretch", bundle.PREFIX_SIZE, ord("["))])  # nesting pushed into the header
def test_a_damaged_prefix_or_header_is_refused_and_nothing_is_kept(scene, cli, steps):
    full = (scene["folder"] / "full.bundle").read_bytes()
    damaged = damage(full, steps)
    assume(damaged != full)
    assert importing(cli, scene, damaged) == 1


# -- signed rows, hostile values ----------------------------------------------------------------

hostile = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["\ud800", "a\udfffb", "\x00\n\x1b[2J", "x" * 70_000]),
    st.sampled_from(
        [
            "2026-02-30",
            "2026-07-14T10:00:00+08:00",
            "20260714",
            "1e400",
            "NaN",
            "[]",
            "{}",
            '{"note":"0190000000000000-zz"}',
            "0190000000000000-" + "f" * 40,
            "pending_review",
        ]
    ),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.recursive(st.integers(), lambda inner: st.lists(inner, max_size=2), max_leaves=30),
)


def reads_for(table: str, row: dict) -> list[tuple[str, ...]]:
    reads = [("stats", "--json"), ("conflicts", "--json"), ("quarantine", "--json")]
    if table in ("need", "need_event", "assignment"):
        need = row.get("id") if table == "need" else row.get("need_id")
        reads += [("needs", "list", "--json")] + ([("needs", "show", need)] if isinstance(need, str) else [])
    return reads


@FUZZ
@given(
    table=st.sampled_from(TABLES),
    pick=st.integers(0, 50),
    column=st.integers(0, 30),
    value=hostile,
    new_id=st.booleans(),
)
@example(table="need", pick=0, column="status", value="pending_review", new_id=False)  # an unknown word
@example(table="household", pick=0, column="deleted", value=[1], new_id=False)  # a list where a flag goes
@example(table="household", pick=0, column="stamps", value="[[]]", new_id=False)  # a list in the stamps
@example(table="household", pick=0, column="floor", value=2**64, new_id=True)  # past 64 bits
@example(table="resident", pick=0, column="name", value="\ud800", new_id=False)  # a lone surrogate
@example(table="answer", pick=3, column="value", value='"maybe"', new_id=False)  # an answer its item refuses
@example(table="need", pick=1, column="satisfaction", value=None, new_id=True)  # a good row: it goes in
@example(table="household", pick=0, column="origin", value="\ud7fc", new_id=False)  # unassigned, in the sentence
@example(table="household", pick=0, column="origin", value="\xa0", new_id=False)  # a no-break space, quoted
@example(table="campaign", pick=1, column="scope", value="1", new_id=False)  # a scope that is not one: crashed coverage
def test_a_signed_row_with_a_hostile_value_is_merged_or_refused_cleanly(scene, cli, table, pick, column, value, new_id):
    row = one_row(scene["sender"], table, pick)
    assume(row)
    name = column if isinstance(column, str) else list(row)[column % len(row)]
    if name not in ("stamp", "stamps"):  # written now, so a value that passes wins and is read back
        row["stamp"] = hlc.make_stamp(hlc.pack(hlc.wall_ms(), 0), scene["identity"].device.id)
        row["stamps"] = "{}"
    if new_id and name != "id":
        row["id"] = f"01900000-0000-7000-8000-{pick:012d}"
    row[name] = value
    data = forge(scene["identity"].signing, scene["identity"].device.id, [line(table, [row])], header={"seq": 10**6})
    importing(cli, scene, data, reads_for(table, row))
