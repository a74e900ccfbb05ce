"""The sync commands as people type them, in both languages; a full round trip by the CLI."""

from __future__ import annotations

import json

from gridtui.core import store
from gridtui.core.models import Household
from gridtui.i18n import t

from .conftest import has_cjk_text


def test_round_trip_gives_equal_stats_and_reimport_changes_nothing(cli, tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    assert cli("--db", a, "demo", "--scale", "0.02")[0] == 0
    for db in (a, b):
        assert cli("--db", db, "device", "rename", db.stem)[0] == 0
        assert cli("--db", db, "device", "card", "--out", tmp_path / f"{db.stem}.card")[0] == 0
    assert cli("--db", a, "device", "trust", tmp_path / "b.card", "--role", "office")[0] == 0
    assert cli("--db", b, "device", "trust", tmp_path / "a.card", "--role", "office")[0] == 0

    code, out, _ = cli("--db", a, "export", "--out", tmp_path / "full.bundle", "--to", "b", "--full", "--json")
    assert code == 0
    exported = json.loads(out)["rows"]
    code, out, _ = cli("--db", b, "import", tmp_path / "full.bundle", "--json")
    assert code == 0 and json.loads(out)["new"] == exported
    assert cli("--db", a, "stats", "--json")[1] == cli("--db", b, "stats", "--json")[1]

    code, out, _ = cli("--db", b, "--lang", "en", "import", tmp_path / "full.bundle")
    assert code == 0 and out.startswith("0 new, 0 updated,")
    code, out, _ = cli("--db", b, "--lang", "zh", "import", tmp_path / "full.bundle")
    assert code == 0 and out.startswith("新增 0，更新 0，")

    # b has not acknowledged anything yet, so a's next bundle to b carries everything again;
    # once b's own bundle has reached a, nothing is left to send
    code, out, _ = cli("--db", a, "export", "--out", tmp_path / "next.bundle", "--to", "b", "--json")
    assert code == 0 and json.loads(out)["rows"] == exported
    assert cli("--db", b, "export", "--out", tmp_path / "back.bundle", "--to", "a")[0] == 0
    code, out, _ = cli("--db", a, "--lang", "en", "import", tmp_path / "back.bundle")
    assert code == 0 and out.startswith("1 new, 0 updated,")  # b's trust of a, in the audit log
    code, out, _ = cli("--db", a, "export", "--out", tmp_path / "last.bundle", "--to", "b", "--json")
    assert code == 0 and json.loads(out)["rows"] == 0


def test_device_commands_in_both_languages(cli, tmp_path):
    db = tmp_path / "g.db"
    code, _, err = cli("--db", db, "--lang", "en", "device", "show")
    assert code == 1 and "There is no database" in err and not db.exists()  # a read makes none
    code, _, err = cli("--db", db, "--lang", "en", "device", "rename", "g")  # a new laptop's first step
    assert code == 0 and err == t("unlock.created_plain", lang="en", path=db) + "\n"
    code, out, _ = cli("--db", db, "--lang", "zh", "device", "show")
    assert code == 0 and "设备编号" in out and "age1" in out
    code, out, _ = cli("--db", db, "--lang", "en", "device", "show", "--json")
    me = json.loads(out)
    assert me["self"] and me["sign_public"] and me["age_recipient"].startswith("age1")
    card = tmp_path / "me.card"
    cli("--db", db, "device", "card", "--out", card)
    assert json.loads(card.read_text())["id"] == me["id"]
    assert "AGE-SECRET" not in card.read_text()
    keyfile = tmp_path / "g.db.keys"
    assert keyfile.stat().st_mode & 0o777 == 0o600
    code, _, err = cli("--db", db, "--lang", "zh", "device", "trust", card)
    assert code == 1 and has_cjk_text(err) and err.count("\n") == 1
    code, _, err = cli("--db", db, "--lang", "en", "device", "revoke", "nobody")
    assert code == 1 and "no known device" in err
    code, out, _ = cli("--db", db, "--lang", "zh", "device", "list")
    assert code == 0 and "本机" in out


def test_export_needs_to_say_who_may_read_it(cli, tmp_path):
    db = tmp_path / "g.db"
    cli("--db", db, "device", "rename", "g")
    code, _, err = cli("--db", db, "--lang", "zh", "export", "--out", tmp_path / "x.bundle")
    assert code == 1 and "--insecure-plaintext" in err and has_cjk_text(err)
    assert not (tmp_path / "x.bundle").exists()
    (tmp_path / "short").write_text("abc\n")
    code, _, err = cli(
        "--db", db, "--lang", "en", "export", "--out", tmp_path / "x.bundle", "--passphrase-file", tmp_path / "short"
    )
    assert code == 1 and "too short" in err


def test_conflicts_listed_and_resolved_from_the_cli(laptops, cli, tmp_path):
    office, w1 = laptops("office", "w1")
    office.become()
    from .test_merge_flows import seed

    ids = seed(office)
    office.export(tmp_path / "1.bundle", to=[w1])
    w1.import_(tmp_path / "1.bundle")
    store.update(Household, ids["household"], note="w1 的备注")
    office.become()
    store.update(Household, ids["household"], note="社区的备注")
    w1.export(tmp_path / "2.bundle", to=[office])
    code, out, _ = cli("--db", office.path, "--lang", "en", "import", tmp_path / "2.bundle")
    assert code == 0 and "1 conflict," in out
    code, out, _ = cli("--db", office.path, "conflicts", "--json")
    [conflict] = json.loads(out)["conflicts"]
    assert {conflict["mine"], conflict["theirs"]} == {"w1 的备注", "社区的备注"}
    code, out, _ = cli("--db", office.path, "--lang", "zh", "conflicts")
    assert code == 0 and "待处理" in out
    code, out, _ = cli(
        "--db", office.path, "--lang", "en", "conflicts", "resolve", conflict["id"][:8], "--value", "两人核对后的备注"
    )
    assert code == 0 and "edited" in out
    office.become()
    assert Household.get_by_id(ids["household"]).note == "两人核对后的备注"
    code, out, _ = cli("--db", office.path, "--lang", "en", "conflicts")
    assert "No open conflicts" in out


def test_one_bundle_for_several_workers(laptops, cli, tmp_path):
    office, w1, w2 = laptops("office", "w1", "w2")
    office.become()
    from .test_merge_flows import seed

    seed(office)
    out = tmp_path / "both.bundle"
    code, _, _ = cli("--db", office.path, "export", "--out", out, "--to", "w1", "w2")
    assert code == 0
    for worker in (w1, w2):
        code, line, _ = cli("--db", worker.path, "--lang", "en", "import", out)
        assert code == 0 and line.startswith("7 new")  # and the office's trust of each, audited
