"""Every bad bundle is refused with one sentence and exit 1, the database byte-for-byte untouched."""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from pathlib import Path

import pyrage
import pytest

from gridtui.core import store
from gridtui.core.db import SCHEMA_VERSION, close_database
from gridtui.core.models import Community, Resident
from gridtui.i18n import catalog
from gridtui.sync import bundle, keys, merge

from .conftest import file_digest, introduce, make_laptop


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
    close_database()
    return {
        "folder": folder, "a": a, "b": b, "stranger": stranger, "good": good, "identity": identity,
        "community": community.id, "recipient": json.loads(b.card.read_text())["age_recipient"],
    }


def forge(scene, tables=None, *, header=None, raw=None, payload=None) -> bytes:
    """A bundle signed by a's real key with whatever content a compromised laptop might send."""
    tables = tables if tables is not None else {}
    raw = raw if raw is not None else json.dumps({"tables": tables}).encode()
    payload = payload if payload is not None else zlib.compress(raw)
    fields = {
        "format": bundle.FORMAT, "schema": SCHEMA_VERSION, "sender": scene["identity"].device.id,
        "created": "2026-07-14T09:00:00+00:00", "knows": {},
        "counts": {n: len(t["values"][0]) if t.get("values") else 0 for n, t in tables.items()},
        "payload_sha256": hashlib.sha256(payload).hexdigest(), "payload_size": len(payload),
        "raw_size": len(raw), **(header or {}),
    }
    head = json.dumps(fields).encode()
    inner = b"".join([
        bundle.MAGIC, len(head).to_bytes(4, "big"), head,
        scene["identity"].signing.sign(bundle.MAGIC + head), payload,
    ])
    return pyrage.encrypt(inner, [pyrage.x25519.Recipient.from_str(scene["recipient"])])


def community_rows(scene, **overrides) -> dict:
    """One well-formed community row, columns in order, with some values replaced."""
    from gridtui.core.models import Community as C

    row = {
        "id": "01900000-0000-7000-8000-000000000001", "deleted": 0, "origin": "a" * 16,
        "stamp": "0190000000000000-" + "a" * 16, "stamps": "{}", "name": "光明社区",
        "name_en": "", "subdistrict": "",
    }
    row.update(overrides)
    cols = merge.columns(C)
    return {"community": {"columns": cols, "values": [[row.get(c)] for c in cols]}}


def telltale(key: str) -> str:
    """The longest fixed stretch of a sentence's English template: proof of which sentence it is."""
    return max(re.split(r"\{[a-z_]+\}", catalog()[key]["en"]), key=len)


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


CASES = {
    "truncated": ("damaged", lambda s: s["good"].read_bytes()[: len(s["good"].read_bytes()) // 2]),
    "flipped bit in the payload": ("damaged", lambda s: flip(s["good"].read_bytes(), -100)),
    # a flip in age's header breaks either the recipient stanza or the header's MAC
    "flipped bit in the age header": (("not_for_us", "damaged"), lambda s: flip(s["good"].read_bytes(), 40)),
    "not a bundle": ("not_a_bundle", lambda s: "网格员的走访记录\n".encode() * 50),
    "empty file": ("not_a_bundle", lambda s: b""),
    "age file holding something else": (
        "not_a_bundle", lambda s: pyrage.encrypt(b"hello", [pyrage.x25519.Recipient.from_str(s["recipient"])])
    ),
    "for another recipient": (
        "not_for_us", lambda s: pyrage.encrypt(b"x", [pyrage.x25519.Identity.generate().to_public()])
    ),
    "passphrase without one": ("needs_passphrase", lambda s: (s["folder"] / "pass.bundle").read_bytes()),
    "tampered plaintext payload": ("damaged", lambda s: flip((s["folder"] / "plain.bundle").read_bytes(), -5)),
    "tampered plaintext header": (
        "bad_signature", lambda s: (s["folder"] / "plain.bundle").read_bytes().replace(b'"full":true', b'"full":null')
    ),
    "newer schema": ("newer_schema", lambda s: forge(s, header={"schema": SCHEMA_VERSION + 1})),
    "unknown format": ("unknown_format", lambda s: forge(s, header={"format": 99})),
    "decompression bomb": (
        "too_large", lambda s: forge(s, raw=b"{}", payload=zlib.compress(b" " * 20_000_000, 9))
    ),
    "huge declared size": ("too_large", lambda s: forge(s, header={"raw_size": 10 << 30})),
    "millions of entries": ("too_large", lambda s: forge(s, header={"counts": {"answer": 9_000_000}})),
    "path traversal as a table name": (
        "unknown_table", lambda s: forge(s, {"../../etc/passwd": {"columns": ["id"], "values": [["x"]]}})
    ),
    "unknown table": ("unknown_table", lambda s: forge(s, {"secrets": {"columns": ["id"], "values": [["x"]]}})),
    "unknown field": ("unknown_field", lambda s: forge(s, _with_column(community_rows(s), "password", "x"))),
    "missing field": ("malformed", lambda s: forge(s, _without_column(community_rows(s), "name"))),
    "wrong type": ("bad_value", lambda s: forge(s, community_rows(s, name=12345))),
    "boolean as text": ("bad_value", lambda s: forge(s, community_rows(s, deleted="no"))),
    "bad stamp": ("bad_value", lambda s: forge(s, community_rows(s, stamp="yesterday"))),
    "stamps naming an unknown field": (
        "bad_value", lambda s: forge(s, community_rows(s, stamps='{"owner":"0190000000000000-aa"}'))
    ),
    "counts that do not match": ("malformed", lambda s: forge(s, community_rows(s), header={"counts": {"community": 2}})),
    "runs longer than the table": ("malformed", lambda s: forge(s, _runs(community_rows(s), "deleted", [[0, 5]]))),
    "runs with a negative length": (
        "malformed", lambda s: forge(s, _runs(community_rows(s), "deleted", [[0, 2], [0, -1]]))
    ),
    "runs of the wrong type": ("bad_value", lambda s: forge(s, _runs(community_rows(s), "deleted", [["yes", 1]]))),
    "deeply nested json": ("malformed", lambda s: forge(s, raw=b"[" * 100_000 + b"]" * 100_000)),
    "reference to a record we lack": ("dangling", lambda s: forge(s, _resident_of("01900000-0000-7000-8000-00000000dead"))),
}


def _with_column(tables, name, value):
    t = tables["community"]
    t["columns"].append(name)
    t["values"].append([value])
    return tables


def _runs(tables, name, runs):
    t = tables["community"]
    t["values"][t["columns"].index(name)] = {"runs": runs}
    return tables


def _without_column(tables, name):
    t = tables["community"]
    i = t["columns"].index(name)
    del t["columns"][i], t["values"][i]
    return tables


def _resident_of(household: str) -> dict:
    row = {
        "id": "01900000-0000-7000-8000-000000000002", "deleted": 0, "origin": "a" * 16,
        "stamp": "0190000000000000-" + "a" * 16, "stamps": "{}", "household_id": household,
        "name": "张三", "name_pinyin": "zhangsan", "name_initials": "zs", "sex": "", "birth_date": None,
        "id_number": "", "phone": "", "relation": "head", "is_head": 1, "party_member": 0,
        "status": "present", "note": "",
    }
    cols = merge.columns(Resident)
    return {"resident": {"columns": cols, "values": [[row[c]] for c in cols]}}


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
    keys_ = key if isinstance(key, tuple) else (key,)
    assert any(telltale(f"sync.{k}") in err for k in keys_), err
    assert file_digest(db) == before
    assert not Path(f"{db}.quarantine").exists()


def test_passphrase_right_and_wrong(scene, cli, tmp_path):
    (tmp_path / "wrong").write_text("incorrect donkey\n")
    (tmp_path / "right").write_text("correct horse battery\n")
    out = scene["folder"] / "pass.bundle"
    db = scene["b"].path
    before = file_digest(db)
    code, _, err = cli("--db", db, "--lang", "zh", "import", out, "--passphrase-file", tmp_path / "wrong")
    assert code == 1 and "口令不对" in err
    assert file_digest(db) == before
    code, line, _ = cli("--db", db, "--lang", "en", "import", out, "--passphrase-file", tmp_path / "right",
                        "--dry-run")
    assert code == 0 and "1 new" in line
    assert file_digest(db) == before  # a dry run writes nothing


def test_one_bad_file_refuses_the_whole_import(scene, cli, tmp_path):
    bad = tmp_path / "bad.bundle"
    bad.write_bytes(scene["good"].read_bytes()[:-10])
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
    from gridtui.core.models import Device

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
    assert held["kind"] == "bundle" and held["sender"] == stranger.id
    cli("--db", b.path, "device", "trust", stranger.card)
    code, line, _ = cli("--db", b.path, "--lang", "en", "quarantine", "accept")
    assert code == 0 and line.startswith("1 new")
    code, listing, _ = cli("--db", b.path, "quarantine", "--json")
    assert json.loads(listing) == []


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
    header, _signed, _sig, payload = bundle.parse((scene["folder"] / "plain.bundle").read_bytes(), "plain")
    content = json.dumps(header).encode() + zlib.decompress(payload)
    assert secrets["sign_private"].encode() not in content
    assert secrets["age_identity"].encode() not in content
    assert b"AGE-SECRET-KEY" not in content
