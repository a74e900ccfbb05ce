"""Hand-run timing of the visit workflow's domain calls on a full-scale demo (not a test).

    .venv/bin/python -m gridtui demo --db /tmp/full.db        # once
    .venv/bin/python tests/domain/timing_check.py /tmp/full.db

Prints the median and worst of several runs in ms. Writes go to a copy of the database.
Budgets (docs/design.md): a walk-list page well under 50 ms, search <= 15 ms per keystroke.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from gridtui.core.db import close_database, open_database
from gridtui.core.models import Household, Resident, live
from gridtui.domain import campaigns, households, visits, walk
from gridtui.domain.search import search

RUNS = 15


def timed(label: str, call, runs: int = RUNS) -> None:
    call()  # warm the page cache, as the second keystroke would find it
    took = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        took.append((time.perf_counter() - start) * 1000)
    print(f"{label:48} median {statistics.median(took):6.2f} ms   worst {max(took):6.2f} ms")


def main(path: str) -> None:
    work = Path(tempfile.mkdtemp()) / "timing.db"
    shutil.copy(path, work)
    open_database(work)
    cid = campaigns.active_campaign_id()
    grid = max(visits.grids(), key=lambda g: walk.HOUSEHOLDS.count(cid, grid_id=g.id))
    total = walk.HOUSEHOLDS.count(cid, grid_id=grid.id)
    print(f"largest grid {grid.code}: {total} households; community: {walk.HOUSEHOLDS.count(cid)}")
    timed("walk_count (largest grid)", lambda: walk.HOUSEHOLDS.count(cid, grid_id=grid.id))
    timed("walk_page first 100 (largest grid)", lambda: walk.HOUSEHOLDS.page(cid, grid_id=grid.id))
    timed(
        "walk_page last 100 (largest grid)",
        lambda: walk.HOUSEHOLDS.page(cid, grid_id=grid.id, offset=max(0, total - 100)),
    )
    for name in visits.FILTERS:
        timed(f"walk_page filter={name}", lambda name=name: walk.HOUSEHOLDS.page(cid, grid_id=grid.id, filter=name))
    timed(
        "walk_page last 100 (whole community)",
        lambda: walk.HOUSEHOLDS.page(cid, offset=walk.HOUSEHOLDS.count(cid) - 100),
    )
    timed("walk_ids (largest grid)", lambda: walk.HOUSEHOLDS.ids(cid, grid_id=grid.id))
    if hasattr(visits, "coverage"):
        timed("coverage", lambda: campaigns.coverage(cid))
    timed("revisits_due (first 50)", lambda: walk.HOUSEHOLDS.revisits_due(limit=50))

    person = Resident.select().where(Resident.phone != "", live(Resident)).offset(700).first()
    home = Household.get_by_id(person.household_id)
    queries = {
        "name": person.name,
        "name part": person.name[1:],
        "full pinyin": person.name_pinyin,
        "pinyin prefix": person.name_pinyin[:5],
        "initials": person.name_initials,
        "common surname 张": "张",
        "address": home.address,
        "address key": home.addr_key,
        "compound + building": home.address.split("栋")[0] + "栋",
        "phone tail": person.phone[-4:],
        "ID tail": person.id_number[-6:],
    }
    for kind, query in queries.items():
        timed(f"search {kind} ({query})", lambda query=query: search(query))

    visit = visits.open_visit(cid, home.id)
    item = visits.checklist(cid)[0]
    values = iter(range(10**6))
    timed("answer (one committed transaction)", lambda: visits.answer(visit, item.id, next(values) % 20))
    timed("detail of a household", lambda: households.detail(home.id))
    close_database()
    shutil.rmtree(work.parent)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/full.db")
