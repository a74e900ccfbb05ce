"""Property: whatever the edits and whatever order bundles travel in, every laptop converges.

Three laptops edit one small community (creates, field edits, deletions, concurrent edits of
one field, conflict resolutions), exchange incremental bundles in random pairs, re-import old
bundles, and finally sync all pairs. Every database must end in the same logical state with the
same conflict set; along the way every dry run predicts its import exactly and every replayed
bundle changes nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridtui.core import store
from gridtui.core.db import close_database
from gridtui.core.models import Building, Community, Compound, Grid, Household, Resident
from gridtui.sync import conflicts

from .conftest import conflict_set, dump, introduce, make_laptop

NOTES = ("", "独居", "漏水", "已修好")
DEVICE = st.integers(0, 2)
STEP = st.one_of(
    st.tuples(st.just("create"), DEVICE, st.integers(0, 1), st.sampled_from(("张伟", "王芳", "李娜"))),
    st.tuples(st.just("edit_household"), DEVICE, st.integers(0, 1),
              st.sampled_from(("note", "status")), st.integers(0, 3)),
    st.tuples(st.just("edit_resident"), DEVICE, st.integers(0, 5), st.sampled_from(NOTES)),
    st.tuples(st.just("delete"), DEVICE, st.integers(0, 5)),
    st.tuples(st.just("sync"), DEVICE, DEVICE),
    st.tuples(st.just("replay"), st.integers(0, 20)),
    st.tuples(st.just("resolve"), DEVICE, st.sampled_from(("mine", "theirs"))),
)


def live(model) -> list[str]:
    return [r.id for r in model.select(model.id).where(model.deleted == False).order_by(model.id)]  # noqa: E712


def apply(step, laptops, folder, sent) -> None:
    kind = step[0]
    if kind == "sync":
        src, dst = laptops[step[1]], laptops[step[2]]
        if src is dst:
            return
        out = folder / f"{len(sent)}.bundle"
        src.export(out, to=[dst])
        predicted = dst.import_(out, dry_run=True)
        assert dst.import_(out) == predicted  # a dry run tells exactly what the import does
        sent.append((out, dst))
        return
    if kind == "replay":
        if sent:
            out, dst = sent[step[1] % len(sent)]
            again = dst.import_(out)
            assert (again.new, again.updated, again.conflicts) == (0, 0, 0)
        return
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
            conflicts.resolve(open_[0]["id"], step[2])


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
@given(st.lists(STEP, min_size=4, max_size=12))
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
