"""Property: whatever the edits and whatever happens to the bundles, every laptop converges.

Three laptops edit one small community (creates, field edits, deletions, concurrent edits of
one field, conflict resolutions) and exchange bundles in random pairs; bundles are lost, imported
again, imported late and out of order; a twin of a laptop writes a different value under a stamp
that laptop already used (an equal-stamp tie); a laptop sends a bundle with a row that breaks a
rule, which must be refused without a trace. Finally all pairs sync. Every database must end in
the same logical state with the same conflict set; along the way every dry run predicts its
import exactly and every replayed bundle changes nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gridtui.core import store
from gridtui.core.db import close_database
from gridtui.core.models import Building, Community, Compound, Grid, Household, Resident, database
from gridtui.core.stored import columns
from gridtui.errors import GridError
from gridtui.sync import conflicts, keys

from .conftest import conflict_set, dump, introduce, make_laptop
from .forge import forge, line

NOTES = ("", "独居", "漏水", "已修好")
DEVICE = st.integers(0, 2)
STEP = st.one_of(
    st.tuples(st.just("create"), DEVICE, st.integers(0, 1), st.sampled_from(("张伟", "王芳", "李娜"))),
    st.tuples(
        st.just("edit_household"), DEVICE, st.integers(0, 1), st.sampled_from(("note", "status")), st.integers(0, 3)
    ),
    st.tuples(st.just("edit_resident"), DEVICE, st.integers(0, 5), st.sampled_from(NOTES)),
    st.tuples(st.just("delete"), DEVICE, st.integers(0, 5)),
    st.tuples(st.just("sync"), DEVICE, DEVICE),
    st.tuples(st.just("lost"), DEVICE, DEVICE),
    st.tuples(st.just("replay"), st.integers(0, 20)),
    st.tuples(st.just("resolve"), DEVICE, st.sampled_from(("mine", "theirs"))),
    st.tuples(st.just("tie"), DEVICE, DEVICE, st.integers(0, 1), st.sampled_from(("甲", "乙", "丙"))),
    st.tuples(st.just("malformed"), DEVICE, DEVICE, st.sampled_from(("floor", "status", "deleted"))),
)
BAD = {"floor": 999, "status": "demolished", "deleted": [1]}


def live(model) -> list[str]:
    return [r.id for r in model.select(model.id).where(~model.deleted).order_by(model.id)]


def stored_row(model, row_id: str) -> dict:
    names = columns(model)
    sql = 'SELECT {} FROM "{}" WHERE "id" = ?'.format(", ".join(f'"{n}"' for n in names), model._meta.table_name)
    return dict(zip(names, database.cursor().execute(sql, (row_id,)).fetchone(), strict=True))


def signed_by(src, dst, folder: Path, chunks: list[dict]) -> Path:
    """A bundle made by hand with src's real key, for dst."""
    import json

    src.become()
    identity = keys.load_identity()
    recipient = json.loads(dst.card.read_text())["age_recipient"]
    out = folder / f"hand-{len(list(folder.glob('hand-*')))}.bundle"
    out.write_bytes(forge(identity.signing, identity.device.id, chunks, recipient=recipient))
    return out


def apply(step, laptops, folder, sent) -> None:
    kind = step[0]
    if kind in ("sync", "lost"):
        src, dst = laptops[step[1]], laptops[step[2]]
        if src is dst:
            return
        out = folder / f"{len(sent)}.bundle"
        src.export(out, to=[dst])
        sent.append((out, dst))
        if kind == "sync":
            predicted = dst.import_(out, dry_run=True)
            assert dst.import_(out) == predicted  # a dry run tells exactly what the import does
        return
    if kind == "replay":  # a repeated, late or out-of-order bundle (or one lost before)
        if sent:
            out, dst = sent[step[1] % len(sent)]
            dst.import_(out)
            again = dst.import_(out)
            assert (again.new, again.updated, again.conflicts) == (0, 0, 0)
        return
    if kind == "tie":
        return twin_writes(laptops[step[1]], laptops[step[2]], step[3], step[4], folder)
    if kind == "malformed":
        return refused(laptops[step[1]], laptops[step[2]], step[3], folder)
    edit(step, laptops)


def edit(step, laptops) -> None:
    kind = step[0]
    laptops[step[1]].become()
    if kind == "create":
        households = live(Household)
        store.create(Resident, household=households[step[2] % len(households)], name=step[3])
    elif kind == "edit_household":
        households = live(Household)
        value = NOTES[step[4]] if step[3] == "note" else ("active", "vacant", "moved_away", "active")[step[4]]
        store.update(Household, households[step[2] % len(households)], **{step[3]: value})
    elif kind in ("edit_resident", "delete"):
        residents = live(Resident)
        if residents:
            target = residents[step[2] % len(residents)]
            if kind == "delete":
                store.delete(Resident, target)
            else:
                store.update(Resident, target, note=step[3])
    elif kind == "resolve":
        open_ = conflicts.open_conflicts()
        if open_:
            conflicts.resolve(open_[0].id, step[2])


def twin_writes(src, dst, which: int, word: str, folder: Path) -> None:
    """src's twin (a copy still using src's id and key) wrote another note under the very stamp
    src's note has; dst gets the twin's row."""
    if src is dst:
        return
    src.become()
    households = live(Household)
    row = stored_row(Household, households[which % len(households)])
    row["note"] = f"{row['note']}{word}"
    dst.import_(signed_by(src, dst, folder, [line("household", [row])]))


def refused(src, dst, column: str, folder: Path) -> None:
    """A row that breaks a rule: the whole bundle is refused and dst is as it was."""
    if src is dst:
        return
    src.become()
    row = stored_row(Household, live(Household)[0])
    row[column] = BAD[column]
    path = signed_by(src, dst, folder, [line("household", [row])])
    dst.become()
    before = (dump(), conflict_set())
    with pytest.raises(GridError):
        dst.import_(path)
    assert (dump(), conflict_set()) == before


def seed(office) -> None:
    office.become()
    with store.transaction():
        community = store.create(Community, name="湖光社区")
        grid = store.create(Grid, community=community.id, code="01", name="第1网格")
        compound = store.create(Compound, community=community.id, name="凤飞园")
        building = store.create(Building, compound=compound.id, grid=grid.id, number="3")
        for door in ("501", "502"):
            store.create(Household, building=building.id, unit=2, floor=5, door=door)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(STEP, min_size=4, max_size=14))
@example(
    [
        ("tie", 1, 2, 0, "甲"),
        ("tie", 1, 0, 0, "乙"),
        ("sync", 2, 0),
        ("lost", 0, 1),
        ("malformed", 0, 2, "status"),
        ("edit_household", 2, 0, "note", 1),
        ("replay", 0),
    ]
)
@example(
    [
        ("edit_household", 1, 0, "note", 1),
        ("edit_household", 2, 0, "note", 2),
        ("lost", 1, 0),
        ("sync", 2, 0),
        ("replay", 0),
        ("tie", 0, 1, 0, "丙"),
        ("resolve", 0, "theirs"),
    ]
)
def test_every_laptop_converges_to_the_same_state(steps):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        laptops = [make_laptop(folder, f"d{i}") for i in range(3)]
        introduce(*laptops)
        seed(laptops[0])
        sent: list = []
        for other in laptops[1:]:
            apply(("sync", 0, laptops.index(other)), laptops, folder, sent)
        for step in steps:
            apply(step, laptops, folder, sent)
        for _ in range(2):  # all pairs: the first round spreads every edit, the second the conflicts
            for src in range(3):
                for dst in range(3):
                    apply(("sync", src, dst), laptops, folder, sent)
        states = []
        for laptop in laptops:
            laptop.become()
            states.append((dump(), conflict_set()))
        close_database()
        assert states[0] == states[1] == states[2]
