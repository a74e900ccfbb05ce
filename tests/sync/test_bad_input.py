"""Every bad bundle is refused with one sentence and exit 1, the database byte-for-byte untouched
and nothing put in quarantine; a bundle from a device not trusted yet waits in quarantine under
the key it was verifiably signed with, so a forgery can neither pass for a device nor block it."""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import pyrage
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gridtui.core import store
from gridtui.core.db import SCHEMA_VERSION, close_database
from gridtui.core.models import Community, Device, HeldRow
from gridtui.i18n import catalog
from gridtui.sync import bundle, keys

from .conftest import file_digest, introduce, make_laptop
from .forge import forge, line

ROW = {
    "id": "01900000-0000-7000-8000-000000000001",
    "deleted": 0,
    "origin": "a" * 16,
    "stamp": "0190000000000000-" + "a" * 16,
    "stamps": "{}",
}


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """a sends to b (both trust each other); stranger knows b's card, b does not know stranger."""
    folder = tmp_path_factory.mktemp("bad")
    a, b, stranger = (make_laptop(folder, n) for n in ("a", "b", "stranger"))
    introduce(a, b)
    a.become()
    community = store.create(Community, name="湖光社区")
    good = a.export(folder / "good.bundle", to=[b], full=True)
    a.export(folder / "plain.bundle", full=True, plaintext=True)
    a.export(folder / "pass.bundle", full=True, passphrase="correct horse battery")  # scrypt: slow
    a.become()
    identity = keys.load_identity()
    stranger.become()
    keys.trust(b.card)
    stranger_identity = keys.load_identity()
    close_database()
    return {
        "folder": folder,
        "a": a,
        "b": b,
        "stranger": stranger,
        "good": good,
        "identity": identity,
        "stranger_identity": stranger_identity,
        "community": community.id,
        "recipient": json.loads(b.card.read_text())["age_recipient"],
    }


def signed(s, chunks=None, **kwargs) -> bytes:
    """A bundle signed by a's real key, sealed for b: what a compromised or buggy laptop can send."""
    return forge(s["identity"].signing, s["a"].id, chunks, **{"recipient": s["recipient"], **kwargs})


def rows(table: str, **values) -> dict:
    """One well-formed row of a table, with some values replaced."""
    good = {
        "community": {"name": "光明社区", "name_en": "", "subdistrict": ""},
        "household": {
            "building_id": "01900000-0000-7000-8000-00000000b001",
            "unit": 2,
            "floor": 5,
            "door": "501",
            "address": "",
            "addr_key": "",
            "status": "active",
            "note": "",
        },
        "need": {
            "household_id": None,
            "resident_id": None,
            "item_id": "elderly_meal_delivery",
            "source": "visit",
            "urgency": "normal",
            "status": "open",
            "opened_at": "2026-07-14 09:00:00",
            "due_at": None,
            "note": "",
            "visit_id": None,
            "collective_id": None,
            "satisfaction": None,
            "closed_at": None,
        },
    }[table]
    return {**ROW, **good, **values}


def community(**values) -> list[dict]:
    return [line("community", [rows("community", **values)])]


def telltale(key: str) -> str:
    """The longest fixed stretch of a sentence's English template: proof of which sentence it is."""
    return max(re.split(r"\{[a-z_|]+\}", catalog()[key]["en"]), key=len)


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def _runs(chunks, name, runs):
    chunk = chunks[0]
    chunk["values"][chunk["columns"].index(name)] = {"runs": runs}
    return chunks


def _with_column(chunks, name, value):
    chunks[0]["columns"].append(name)
    chunks[0]["values"].append([value])
    return chunks


def _without_column(chunks, name):
    chunk = chunks[0]
    i = chunk["columns"].index(name)
    del chunk["columns"][i], chunk["values"][i]
    return chunks


def _resident_of(household: str) -> list[dict]:
    row = {
        **ROW,
        "id": "01900000-0000-7000-8000-000000000002",
        "household_id": household,
        "name": "张三",
        "name_pinyin": "zhangsan",
        "name_initials": "zs",
        "sex": "",
        "birth_date": None,
        "id_number": "",
        "phone": "",
        "relation": "head",
        "is_head": 1,
        "party_member": 0,
        "status": "present",
        "note": "",
    }
    return [line("resident", [row])]


def _foreign_key(s) -> bytes:
    """Signed in a's name with a key that is not a's."""
    return forge(Ed25519PrivateKey.generate(), s["a"].id, community(), recipient=s["recipient"])


CASES = {
    "truncated": ("damaged", lambda s: s["good"].read_bytes()[: len(s["good"].read_bytes()) // 2]),
    "flipped bit in the payload": ("damaged", lambda s: flip(s["good"].read_bytes(), -100)),
    # a flip in age's header breaks either the recipient stanza or the header's MAC
    "flipped bit in the age header": (("not_for_us", "damaged"), lambda s: flip(s["good"].read_bytes(), 40)),
    "not a bundle": ("not_a_bundle", lambda s: "网格员的走访记录\n".encode() * 50),
    "empty file": ("not_a_bundle", lambda s: b""),
    "age file holding something else": (
        "not_a_bundle",
        lambda s: pyrage.encrypt(b"hello", [pyrage.x25519.Recipient.from_str(s["recipient"])]),
    ),
    "for another recipient": (
        "not_for_us",
        lambda s: pyrage.encrypt(b"x", [pyrage.x25519.Identity.generate().to_public()]),
    ),
    "passphrase without one": ("needs_passphrase", lambda s: (s["folder"] / "pass.bundle").read_bytes()),
    "tampered plaintext payload": ("damaged", lambda s: flip((s["folder"] / "plain.bundle").read_bytes(), -5)),
    "tampered plaintext header": (
        "bad_signature",
        lambda s: (s["folder"] / "plain.bundle").read_bytes().replace(b'"full":true', b'"full":null'),
    ),
    # the fixed prefix, read before anything is verified
    "prefix cut short": ("damaged", lambda s: (s["folder"] / "plain.bundle").read_bytes()[:100]),
    "sender id that is not one": (
        "damaged",
        lambda s: signed(s, community(), prefix_sender="../\ud800".encode("utf-8", "surrogatepass").ljust(32)),
    ),
    "header length beyond the cap": ("damaged", lambda s: signed(s, community(), head=b" " * (bundle.MAX_HEADER + 1))),
    "signed in a trusted device's name with another key": ("bad_signature", _foreign_key),
    "unsigned deep nesting in the header": (
        "bad_signature",
        lambda s: flip(signed(s, head=b"[" * 30_000 + b"]" * 30_000, recipient=None), 60),
    ),
    # the signed header
    "deep nesting in the header": ("malformed", lambda s: signed(s, head=b"[" * 30_000 + b"]" * 30_000)),
    "header that is not an object": ("malformed", lambda s: signed(s, head=b'"hello"')),
    "header in another device's name": ("malformed", lambda s: signed(s, header={"sender": "b" * 16})),
    "newer schema": ("newer_schema", lambda s: signed(s, header={"schema": SCHEMA_VERSION + 1})),
    "older schema": ("older_schema", lambda s: signed(s, header={"schema": SCHEMA_VERSION - 1})),
    "unknown format": ("unknown_format", lambda s: signed(s, header={"format": 99})),
    "knowledge vector naming no device": ("malformed", lambda s: signed(s, header={"knows": {"\ud800": 1}})),
    "knowledge vector with a list for a clock": ("malformed", lambda s: signed(s, header={"knows": {"ab": [1]}})),
    "decompression bomb": ("too_large", lambda s: signed(s, raw=b"{}", payload=zlib.compress(b" " * 20_000_000, 9))),
    "huge declared size": ("too_large", lambda s: signed(s, header={"raw_size": 10 << 30})),
    "millions of entries": ("too_large", lambda s: signed(s, header={"counts": {"answer": 9_000_000}})),
    "path traversal as a table name": (
        "unknown_table",
        lambda s: signed(s, [{"table": "../../etc/passwd", "columns": ["id"], "values": [["x"]]}]),
    ),
    "unknown table": (
        "unknown_table",
        lambda s: signed(s, [{"table": "secrets", "columns": ["id"], "values": [["x"]]}]),
    ),
    # the rows' shape
    "unknown field": ("unknown_field", lambda s: signed(s, _with_column(community(), "password", "x"))),
    "missing field": ("malformed", lambda s: signed(s, _without_column(community(), "name"))),
    "counts that do not match": ("malformed", lambda s: signed(s, community(), header={"counts": {"community": 2}})),
    "runs longer than the table": ("malformed", lambda s: signed(s, _runs(community(), "deleted", [[0, 5]]))),
    "runs with a negative length": ("malformed", lambda s: signed(s, _runs(community(), "deleted", [[0, 2], [0, -1]]))),
    "deeply nested json": ("malformed", lambda s: signed(s, raw=b"[" * 100_000 + b"]" * 100_000 + b"\n")),
    "a line that never ends": ("malformed", lambda s: signed(s, raw=b" " * (bundle.MAX_LINE + 2))),
    "invalid UTF-8 in a line": (
        "malformed",
        lambda s: signed(s, raw=b'{"table":"community","columns":["name"],"values":[["\xed\xa0\x80"]]}\n'),
    ),
    "NaN where a number goes": (
        "malformed",
        lambda s: signed(s, raw=b'{"table":"household","columns":["floor"],"values":[[NaN]]}\n'),
    ),
    "tables out of order": ("malformed", lambda s: signed(s, _resident_of(s["community"]) + community())),
    "one record twice": ("malformed", lambda s: signed(s, community() + community())),
    "a chunk of too many rows": (
        "malformed",
        lambda s: signed(s, _runs(community(), "deleted", [[0, bundle.CHUNK_ROWS + 1]])),
    ),
    # the rows' values, each held to the store's own rules
    "wrong type": ("bad_row", lambda s: signed(s, community(name=12345))),
    "boolean as text": ("bad_row", lambda s: signed(s, community(deleted="no"))),
    "a list where a flag goes": ("bad_row", lambda s: signed(s, community(deleted=[1]))),
    "a list in the stamps": ("bad_row", lambda s: signed(s, community(stamps="[]"))),
    "bad stamp": ("bad_row", lambda s: signed(s, community(stamp="yesterday"))),
    "stamps naming an unknown field": (
        "bad_row",
        lambda s: signed(s, community(stamps='{"owner":"0190000000000000-aa"}')),
    ),
    "runs of the wrong type": ("bad_row", lambda s: signed(s, _runs(community(), "deleted", [["yes", 1]]))),
    "a lone surrogate in a name": ("bad_row", lambda s: signed(s, community(name="光明\ud800社区"))),
    "an integer beyond 64 bits": (
        "bad_row",
        lambda s: signed(s, [line("household", [rows("household", floor=1 << 70)])]),
    ),
    "a floor out of range": ("bad_row", lambda s: signed(s, [line("household", [rows("household", floor=500)])])),
    "a need status the app does not know": (
        "bad_row",
        lambda s: signed(s, [line("need", [rows("need", household_id=s["community"], status="pending_review")])]),
    ),
    "reference to a record we lack": (
        "dangling",
        lambda s: signed(s, _resident_of("01900000-0000-7000-8000-00000000dead")),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_bundle_is_refused_and_the_database_untouched(scene, case, cli, tmp_path):
    key, build = CASES[case]
    path = tmp_path / "in.bundle"
    path.write_bytes(build(scene))
    db = scene["b"].path
    before = file_digest(db)
    code, out, err = cli("--db", db, "--lang", "en", "import", path)
    assert code == 1, (out, err)
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.rstrip("\n").isprintable(), err
    keys_ = key if isinstance(key, tuple) else (key,)
    assert any(telltale(f"sync.{k}") in err for k in keys_), err
    assert file_digest(db) == before
    assert not Path(f"{db}.quarantine").exists()


def test_a_refused_row_is_named_by_table_id_and_field_in_both_languages(scene, cli, tmp_path):
    path = tmp_path / "need.bundle"
    path.write_bytes(CASES["a need status the app does not know"][1](scene))
    for lang, words in (
        ("en", ("need", ROW["id"], "pending_review", "is not one of")),
        ("zh", ("need", ROW["id"], "pending_review", "可选")),
    ):
        code, _, err = cli("--db", scene["b"].path, "--lang", lang, "import", path)
        assert code == 1 and all(w in err for w in words), err


def test_passphrase_right_and_wrong(scene, cli, tmp_path):
    (tmp_path / "wrong").write_text("incorrect donkey\n")
    (tmp_path / "right").write_text("correct horse battery\n")
    out = scene["folder"] / "pass.bundle"
    db = scene["b"].path
    before = file_digest(db)
    code, _, err = cli("--db", db, "--lang", "zh", "import", out, "--passphrase-file", tmp_path / "wrong")
    assert code == 1 and "口令不对" in err
    assert file_digest(db) == before
    code, line_, _ = cli(
        "--db", db, "--lang", "en", "import", out, "--passphrase-file", tmp_path / "right", "--dry-run"
    )
    assert code == 0 and "2 new" in line_  # the community, and a's trust of b in the audit log
    assert file_digest(db) == before  # a dry run writes nothing


def test_one_bad_file_refuses_the_whole_import(scene, cli, tmp_path):
    bad = tmp_path / "bad.bundle"
    bad.write_bytes(signed(scene, community(name=None)))
    db = scene["b"].path
    before = file_digest(db)
    code, _, err = cli("--db", db, "import", scene["good"], bad)
    assert code == 1 and file_digest(db) == before


def test_unknown_signer_is_quarantined_until_trusted(laptops, cli, tmp_path):
    b, stranger = laptops("b", "stranger")  # they trust each other; b forgets the stranger
    stranger.become()
    store.create(Community, name="陌生社区")
    out = stranger.export(tmp_path / "s.bundle", to=[b])
    b.become()
    Device.delete().where(Device.id == stranger.id).execute()
    before = file_digest(b.path)
    code, _, err = cli("--db", b.path, "--lang", "en", "import", out, "--dry-run")
    assert code == 1 and "dry run wrote nothing" in err  # not "it was put in quarantine"
    code, listing, _ = cli("--db", b.path, "quarantine", "--json")
    assert json.loads(listing) == []
    code, _, err = cli("--db", b.path, "--lang", "en", "import", out)
    assert code == 1 and "quarantine" in err
    assert file_digest(b.path) == before
    code, listing, _ = cli("--db", b.path, "quarantine", "--json")
    [held] = json.loads(listing)
    assert (held["kind"], held["sender"], held["state"], held["rows"]) == ("bundle", stranger.id, "waiting", 2)
    assert held["key"] == keys.fingerprint(json.loads(stranger.card.read_text())["sign_public"])
    cli("--db", b.path, "device", "trust", stranger.card, "--role", "office")  # a community is the office's
    code, line_, _ = cli("--db", b.path, "--lang", "en", "quarantine", "accept")
    assert code == 0 and line_.startswith("2 new")  # and the stranger's trust of b, audited
    code, listing, _ = cli("--db", b.path, "quarantine", "--json")
    assert json.loads(listing) == []


def test_a_forgery_waits_under_its_own_key_and_blocks_nothing(scene, cli, tmp_path):
    """An unsigned-in-truth bundle naming the stranger sits beside the stranger's real bundle:
    it is listed under its own key, never as the stranger's, and once the stranger is trusted
    the real one is accepted and the forgery stays, marked as not the stranger's."""
    b, stranger = scene["b"], scene["stranger"]
    stranger_id = scene["stranger_identity"].device.id
    real = tmp_path / "real.bundle"
    stranger.become()
    store.create(Community, name="陌生社区")
    stranger.export(real, to=[b])
    close_database()
    forged = tmp_path / "forged.bundle"
    forged.write_bytes(
        forge(
            Ed25519PrivateKey.generate(),
            stranger_id,
            community(name="伪造的社区"),
            header={"sender_name": "stranger\ud800 \u202e"},
            recipient=scene["recipient"],
        )
    )
    db = tmp_path / "b.db"
    db.write_bytes(b.path.read_bytes())
    Path(f"{db}.keys").write_bytes(Path(f"{b.path}.keys").read_bytes())
    for path in (forged, real):
        code, _, err = cli("--db", db, "--lang", "en", "import", path)
        assert code == 1 and "quarantine" in err and err.rstrip("\n").isprintable()
    code, listing, _ = cli("--db", db, "quarantine", "--json")
    entries = json.loads(listing)
    assert {e["state"] for e in entries} == {"waiting"} and len({e["key"] for e in entries}) == 2
    code, text, _ = cli("--db", db, "--lang", "en", "quarantine")
    assert code == 0 and all(line_.isprintable() for line_ in text.splitlines())
    cli("--db", db, "device", "trust", stranger.card, "--role", "office")  # a community is the office's
    code, line_, err = cli("--db", db, "--lang", "en", "quarantine", "accept")
    assert code == 0 and line_.startswith("1 new"), err
    code, listing, _ = cli("--db", db, "quarantine", "--json")
    [left] = json.loads(listing)
    assert left["state"] == "other_key" and left["key"] != keys.fingerprint(
        json.loads(stranger.card.read_text())["sign_public"]
    )
    code, text, _ = cli("--db", db, "--lang", "en", "quarantine")
    assert "not that device's bundle" in text


def test_a_bad_signature_from_a_stranger_writes_nothing_at_all(scene, cli, tmp_path):
    data = forge(
        Ed25519PrivateKey.generate(),
        scene["stranger_identity"].device.id,
        community(),
        header={"sender_name": "\ud800" * 10},
    )
    path = tmp_path / "in.bundle"
    path.write_bytes(flip(data, bundle.PREFIX_SIZE + 5))  # in the header: the signature fails
    db = scene["b"].path
    before = file_digest(db)
    code, _, err = cli("--db", db, "--lang", "en", "import", path)
    assert code == 1 and err.count("\n") == 1
    assert file_digest(db) == before and not Path(f"{db}.quarantine").exists()


def test_replaying_a_bundle_whose_row_was_held_holds_it_once(scene, cli, tmp_path):
    ahead = "7fffffffffff0000-" + scene["a"].id
    path = tmp_path / "ahead.bundle"
    path.write_bytes(signed(scene, community(stamp=ahead, origin=scene["a"].id)))
    db = tmp_path / "b.db"
    db.write_bytes(scene["b"].path.read_bytes())
    Path(f"{db}.keys").write_bytes(Path(f"{scene['b'].path}.keys").read_bytes())
    for _ in range(3):
        code, out, err = cli("--db", db, "--lang", "en", "import", path)
        assert code == 0 and "1 quarantined" in out, err
    scene["b"].__class__("b", db).become()
    assert HeldRow.select().count() == 1
    close_database()


def test_revoked_signer_is_refused(laptops, cli, tmp_path):
    a, b = laptops("a", "b")
    out = a.export(tmp_path / "a.bundle", to=[b], full=True)
    code, _, _ = cli("--db", b.path, "device", "revoke", "a")
    assert code == 0
    before = file_digest(b.path)
    code, _, err = cli("--db", b.path, "--lang", "zh", "import", out)
    assert code == 1 and "已吊销" in err
    assert file_digest(b.path) == before
    code, _, err = cli("--db", b.path, "--lang", "en", "device", "trust", a.card)
    assert code == 1 and "revoked" in err


def test_private_keys_never_travel(scene):
    secrets = json.loads(Path(f"{scene['a'].path}.keys").read_text())
    found = bundle.envelope((scene["folder"] / "plain.bundle").read_bytes(), "plain")
    content = bytes(found.head) + zlib.decompress(found.payload)
    assert secrets["sign_private"].encode() not in content
    assert secrets["age_identity"].encode() not in content
    assert b"AGE-SECRET-KEY" not in content
