"""Sync by acknowledgement: a bundle carries everything its reader has not acknowledged, so lost,
late and repeated bundles lose nothing; an import that finds a hole says so and the next round
trip fills it; a copied database gets its own identity and syncs with its original."""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gridtui.commands.sync import summary_line
from gridtui.core import hlc, store
from gridtui.core.db import close_database
from gridtui.core.models import Household, Resident, SyncPeer
from gridtui.sync import transfer
from gridtui.sync.merge import Gap

from .conftest import Laptop, conflict_set, dump, introduce, make_laptop, send
from .test_merge_flows import seed


def households() -> list[str]:
    return [h.id for h in Household.select(Household.id).order_by(Household.id)]


def test_a_lost_bundle_is_made_good_by_the_next_one(laptops, tmp_path):
    """The issue's field trial: the stick with the first bundle is lost, the office imports only
    the second, and still both changes arrive, with no --full from anyone."""
    office, worker = laptops("office", "worker")
    ids = seed(office)
    send(office, worker, tmp_path)
    send(worker, office, tmp_path)  # the office now knows what the worker holds
    worker.become()
    store.update(Household, ids["household"], note="老人独居，需每周探访")
    worker.export(tmp_path / "lost.bundle", to=[office])  # the stick is lost
    resident = store.create(Resident, household=ids["household"], name="王建国").id
    second = worker.export(tmp_path / "second.bundle", to=[office])
    got = office.import_(second)
    assert (got.new, got.updated, got.gaps) == (1, 1, [])
    office.become()
    assert Household.get_by_id(ids["household"]).note == "老人独居，需每周探访"
    assert Resident.get_by_id(resident).name == "王建国"
    late = office.import_(tmp_path / "lost.bundle")  # the stick turns up: nothing new, nothing lost
    assert (late.new, late.updated, late.gaps) == (0, 0, [])


def test_what_a_peer_acknowledged_is_not_sent_again(laptops, tmp_path):
    office, worker = laptops("office", "worker")
    seed(office)
    assert rows_for(office, worker, tmp_path / "1.bundle") == 6  # and the office's trust of the worker, audited
    assert rows_for(office, worker, tmp_path / "2.bundle") == 6  # nothing acknowledged: all again
    worker.import_(tmp_path / "1.bundle")
    send(worker, office, tmp_path)
    assert rows_for(office, worker, tmp_path / "3.bundle") == 0


def rows_for(src: Laptop, dst: Laptop, out: Path) -> int:
    src.become()
    return transfer.export_bundle(out, to=[dst.name]).rows


# -- a week in the field -------------------------------------------------------------------------

FATES = st.sampled_from(("arrives", "arrives", "lost", "twice", "late"))
DAY = st.tuples(st.lists(FATES, min_size=4, max_size=4), st.integers(0, 2**16))


class Week:
    """Two workers and the office; every evening each worker hands in a bundle and the office
    answers each; a bundle may be lost, arrive twice, or arrive days later in any order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.office, self.w1, self.w2 = (make_laptop(folder, n) for n in ("office", "w1", "w2"))
        introduce(self.office, self.w1, self.w2)
        seed(self.office)
        self.late: list[tuple[Path, Laptop]] = []
        self.made: set[str] = set()
        self.count = 0
        for worker in (self.w1, self.w2):
            send(self.office, worker, folder)

    def work(self, worker: Laptop, rng: random.Random, day: int) -> None:
        worker.become()
        name = f"{worker.name}-{day}"
        store.create(Resident, household=rng.choice(households()), name=name)
        self.made.add(name)
        store.update(Household, rng.choice(households()), note=f"{worker.name} 第{day}天")

    def carry(self, src: Laptop, dst: Laptop, fate: str, rng: random.Random) -> None:
        self.count += 1
        out = src.export(self.folder / f"{self.count}.bundle", to=[dst])
        if fate == "late":
            self.late.append((out, dst))
            return
        for _ in range({"arrives": 1, "twice": 2, "lost": 0}[fate]):
            assert dst.import_(out).gaps == []
        if rng.random() < 0.5 and self.late:  # something late turns up
            old, to = self.late.pop(rng.randrange(len(self.late)))
            assert to.import_(old).gaps == []

    def evening(self, fates: list[str], rng: random.Random, day: int) -> None:
        for worker in (self.w1, self.w2):
            self.work(worker, rng, day)
        self.carry(self.w1, self.office, fates[0], rng)
        self.carry(self.w2, self.office, fates[1], rng)
        self.carry(self.office, self.w1, fates[2], rng)
        self.carry(self.office, self.w2, fates[3], rng)

    def settle(self) -> list:
        """The week is over: every stick arrives for once, worker to office, office to worker."""
        rng = random.Random(0)
        rng.shuffle(self.late)
        for out, to in self.late:
            to.import_(out)
        for _ in range(2):
            for worker in (self.w1, self.w2):
                send(worker, self.office, self.folder)
            for worker in (self.w1, self.w2):
                send(self.office, worker, self.folder)
        states = []
        for laptop in (self.office, self.w1, self.w2):
            laptop.become()
            states.append((dump(), conflict_set()))
        return states


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(DAY, min_size=7, max_size=7))
@example([(["lost", "lost", "lost", "lost"], 0)] * 6 + [(["late", "twice", "late", "twice"], 1)])
def test_a_week_of_lost_repeated_and_late_bundles_loses_nothing(days):
    with tempfile.TemporaryDirectory() as tmp:
        week = Week(Path(tmp))
        for day, (fates, seed_) in enumerate(days):
            week.evening(fates, random.Random(seed_), day)
        states = week.settle()
        close_database()
    assert states[0] == states[1] == states[2]
    names = {row[3] for row in states[0][0]["Resident"] if not row[1]}
    assert week.made <= names  # every resident anyone registered, everywhere
    notes = {row[-1] for row in states[0][0]["Household"]}
    assert notes & {f"w{n} 第6天" for n in (1, 2)}  # the last day's notes won


# -- holes: a bundle cut against more than this laptop holds -------------------------------------


def test_a_hole_is_named_applied_around_and_filled_by_the_next_round_trip(laptops, tmp_path):
    """w1's sync bookkeeping says it holds less of the office's changes than the office was told
    (as after a bundle of w1's went astray and came back from a copy): the office's next bundle
    is cut against more than w1 vouches for. What came is applied, the hole is named, and the
    next round trip closes it."""
    office, w1 = laptops("office", "w1")
    ids = seed(office)
    send(office, w1, tmp_path)
    send(w1, office, tmp_path)
    w1.become()
    SyncPeer.update(received_seq=1).where(SyncPeer.device == office.id).execute()
    office.become()
    store.update(Household, ids["household"], note="新的备注")
    got = send(office, w1, tmp_path)
    assert (got.updated, got.gaps) == (1, [Gap(office.id, older_copy=False)])
    assert got.as_dict()["gaps"] == [{"sender": office.id, "older_copy": False}]  # as --json prints it
    for lang, words in (("en", ("office", "missing", "brings the rest")), ("zh", ("office", "缺了一部分"))):
        assert all(w in _in(lang, got) for w in words), _in(lang, got)
    w1.become()
    assert SyncPeer.get(SyncPeer.device == office.id).received_seq == 1  # not acknowledged past the hole
    send(w1, office, tmp_path)  # tells the office what it vouches for
    again = send(office, w1, tmp_path)
    assert again.gaps == [] and again.unchanged == 6  # sent again: every record after the first one
    # (the office's trust of w1 in the audit log first, then the seed, then w1's own trust back)
    w1.become()
    assert SyncPeer.get(SyncPeer.device == office.id).received_seq > 1


def test_a_laptop_put_back_to_an_old_copy_gets_back_what_it_lost(laptops, tmp_path):
    """w1 is restored from last week's copy: what it sent since and what it had received are
    gone from it. The office's next bundle finds it an older copy of itself (and says to give it
    a new identity), brings what came since, and the round trip brings back the rest; rows w1
    writes meanwhile reach the office."""
    office, w1 = laptops("office", "w1")
    ids = seed(office)
    send(office, w1, tmp_path)
    send(w1, office, tmp_path)
    close_database()
    shutil.copyfile(w1.path, tmp_path / "copy.db")
    w1.become()
    own = store.create(Resident, household=ids["household"], name="王芳").id
    send(w1, office, tmp_path)
    office.become()
    theirs = store.create(Resident, household=ids["household"], name="赵敏").id
    send(office, w1, tmp_path)
    send(w1, office, tmp_path)
    close_database()
    shutil.copyfile(tmp_path / "copy.db", w1.path)  # the laptop is put back to the old copy
    office.become()
    later = store.create(Resident, household=ids["household"], name="钱程").id
    got = send(office, w1, tmp_path)
    assert got.gaps == [Gap(office.id, older_copy=True)]
    assert "new-identity" in _in("en", got) and "new-identity" in _in("zh", got)
    w1.become()
    written = store.create(Resident, household=ids["household"], name="孙七").id  # numbered past the office's
    send(w1, office, tmp_path)
    send(office, w1, tmp_path)
    for laptop in (office, w1):
        laptop.become()
        assert {own, theirs, later, written} <= {r.id for r in Resident.select()}, laptop.name


def _in(lang: str, summary) -> str:
    from gridtui import i18n

    i18n.set_language(lang)
    try:
        return summary_line(summary).splitlines()[1]
    finally:
        i18n.set_language("en")


# -- equal stamps, different values --------------------------------------------------------------


def test_equal_stamps_with_different_values_settle_alike_everywhere(laptops, tmp_path):
    """A copy still writing as its original: one field, one stamp, two values. Every laptop keeps
    the same one, whatever order the bundles come in, and records the pair as one conflict."""
    office, a, b = laptops("office", "a", "b")
    ids = seed(office)
    send(office, a, tmp_path)
    close_database()
    twin = Laptop("a", tmp_path / "twin.db", a.id)
    shutil.copyfile(a.path, twin.path)
    shutil.copyfile(f"{a.path}.keys", f"{twin.path}.keys")
    ahead = hlc.pack(hlc.wall_ms() + 3600_000, 0)  # both clocks an hour fast: the same next stamp
    bundles = []
    for laptop, note in ((a, "甲写的"), (twin, "乙写的")):
        laptop.become()
        from gridtui.core.db import meta_set

        meta_set("clock", str(ahead))
        store.update(Household, ids["household"], note=note)
        bundles.append(laptop.export(tmp_path / f"{note}.bundle", to=[office, b], full=True))
    office.import_(*bundles)
    b.import_(bundles[1])
    b.import_(bundles[0])
    again = b.import_(*bundles)
    assert (again.new, again.updated, again.conflicts) == (0, 0, 0)
    found = []
    for laptop in (office, b):
        laptop.become()
        found.append((Household.get_by_id(ids["household"]).note, conflict_set()))
    assert found[0] == found[1]
    assert found[0][0] == "甲写的"  # the greater UTF-8 bytes: 甲 is E7 94 B2, 乙 is E4 B9 99
    assert len(found[0][1]) == 1
