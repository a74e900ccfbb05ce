"""A copied database (a second laptop set up from a colleague's file, a laptop restored from a
backup) gets its own identity with ``gridtui device new-identity``, keeps its data, and syncs
with the laptop it was copied from; before that, its card is refused with the way out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from gridtui.core import store
from gridtui.core.db import close_database, meta_get
from gridtui.core.models import Household, Resident
from gridtui.sync import keys

from .conftest import Laptop, dump, new_work, send
from .test_merge_flows import seed


def test_a_copy_gets_its_own_identity_and_syncs_with_its_original(laptops, tmp_path, cli):
    office, original = laptops("office", "original")
    ids = seed(office)
    send(office, original, tmp_path)
    send(original, office, tmp_path)
    close_database()
    copy = Laptop("second laptop", tmp_path / "copy.db")
    shutil.copyfile(original.path, copy.path)
    shutil.copyfile(f"{original.path}.keys", f"{copy.path}.keys")
    code, out, _ = cli("--db", copy.path, "--lang", "en", "device", "card", "--out", tmp_path / "copy.card")
    code, _, err = cli("--db", original.path, "--lang", "en", "device", "trust", tmp_path / "copy.card")
    assert code == 1 and "new-identity" in err  # refused as "own card", with the way out
    code, out, err = cli("--db", copy.path, "--lang", "en", "device", "new-identity", "--name", "second laptop")
    assert code == 0 and "second laptop" in out and "original" in out, err
    code, out, _ = cli("--db", copy.path, "device", "card", "--out", tmp_path / "copy.card")
    for laptop in (original, office):
        code, _, err = cli("--db", laptop.path, "device", "trust", tmp_path / "copy.card", "--role", "office")
        assert code == 0, err
    copy.become()
    copy.id = keys.load_identity().device.id
    assert copy.id != original.id and meta_get("device_id") == copy.id
    store.update(Household, ids["household"], note="副本写的")
    store.create(Resident, household=ids["household"], name="副本登记")
    original.become()
    store.create(Resident, household=ids["household"], name="原机登记")
    assert new_work(send(copy, original, tmp_path)) == 1
    assert new_work(send(original, copy, tmp_path)) == 1
    send(copy, office, tmp_path)
    send(original, office, tmp_path)
    send(office, copy, tmp_path)
    send(office, original, tmp_path)
    states = []
    for laptop in (office, original, copy):
        laptop.become()
        states.append(dump())
        assert {"副本登记", "原机登记"} <= {r.name for r in Resident.select()}
    assert states[0] == states[1] == states[2]


def test_a_restored_laptop_given_a_new_identity_gets_everything_back(laptops, tmp_path):
    office, w1 = laptops("office", "w1")
    ids = seed(office)
    send(office, w1, tmp_path)
    close_database()
    backup = tmp_path / "w1-backup.db"
    shutil.copyfile(w1.path, backup)
    w1.become()
    store.update(Household, ids["household"], note="备份之后写的")
    send(w1, office, tmp_path)
    close_database()
    shutil.copyfile(backup, w1.path)  # the laptop is restored from last week's backup
    w1.become()
    identity, _original = keys.new_identity("w1 restored")
    w1.name, w1.id = "w1 restored", identity.device.id
    send_card_to(office, tmp_path)
    got = send(office, w1, tmp_path)
    assert got.gaps == []
    w1.become()
    assert Household.get_by_id(ids["household"]).note == "备份之后写的"  # back from the office


def send_card_to(office: Laptop, folder: Path) -> None:
    """This laptop's new card, trusted by the office."""
    card = folder / "new.card"
    card.write_text(json.dumps(keys.make_card(keys.load_identity())), encoding="utf-8")
    current = keys.load_identity().device
    office.become()
    keys.trust(card, role="office")
    assert current.id != office.id


def test_a_copy_without_its_key_file_is_told_the_way_out_and_takes_it(laptops, tmp_path, cli):
    (original,) = laptops("original")
    ids = seed(original)
    close_database()
    copy = tmp_path / "copy.db"
    shutil.copyfile(original.path, copy)  # the .keys file stayed behind
    code, _, err = cli("--db", copy, "--lang", "en", "export", "--out", tmp_path / "x.bundle", "--insecure-plaintext")
    assert code == 1 and "new-identity" in err and err.count("\n") == 1
    code, out, err = cli("--db", copy, "--lang", "zh", "device", "new-identity")
    assert code == 0 and "new-identity" not in out and "原设备" in out, err
    code, out, _ = cli("--db", copy, "device", "show", "--json")
    shown = json.loads(out)
    assert shown["id"] != original.id and Path(f"{copy}.keys").stat().st_mode & 0o777 == 0o600
    code, out, _ = cli("--db", copy, "device", "list", "--json")
    assert {(d["id"], d["self"], d["trusted"]) for d in json.loads(out)} == {
        (shown["id"], True, True),
        (original.id, False, True),
    }
    Laptop("copy", copy).become()
    assert Household.get_by_id(ids["household"]) and meta_get("device_id") == shown["id"]
