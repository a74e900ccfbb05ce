"""Sync throughput against raw sqlite3 executemany (docs/design.md §5); not a test, a script.

    .venv/bin/python tests/sync/bench_sync.py [SCALE]

Builds the demo community at SCALE on device A, then times ``export --full`` (to B's key) and
the import into B's empty database, each against raw ``sqlite3`` executemany inserting the
same rows into the same empty schema, measured in the same run. Prints ratios (>= 0.5 passes).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from gridtui.core import store
from gridtui.core.db import close_database, open_database
from gridtui.core.models import (
    SYNCED_MODELS,
    Answer,
    Campaign,
    Household,
    Need,
    NeedEvent,
    NeedItem,
    Visit,
)
from gridtui.domain import demo
from gridtui.sync import keys, transfer


def raw_insert_seconds(source: Path, empty: Path) -> tuple[float, int]:
    """Raw executemany of every synced row of ``source`` into a copy of an empty database."""
    rows_by_table = {}
    with sqlite3.connect(source) as conn:
        for model in SYNCED_MODELS:
            cols = [f.column_name for f in model._meta.sorted_fields]
            rows_by_table[model._meta.table_name] = (
                cols,
                conn.execute(
                    'SELECT {} FROM "{}"'.format(", ".join(f'"{c}"' for c in cols), model._meta.table_name)
                ).fetchall(),
            )
    target = empty.with_name("raw.db")
    shutil.copy(empty, target)
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("PRAGMA synchronous=1")
    start = time.perf_counter()
    with conn:
        for table, (cols, rows) in rows_by_table.items():
            conn.executemany(
                'INSERT INTO "{}" ({}) VALUES ({})'.format(
                    table, ", ".join(f'"{c}"' for c in cols), ", ".join("?" * len(cols))
                ),
                rows,
            )
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, sum(len(r) for _, r in rows_by_table.values())


def a_day_of_work() -> None:
    """About a day's work on one laptop: 60 visits with their answers, 20 needs with an event."""
    from gridtui.core.stored_forms import form_of_version

    campaign = Campaign.select().where(Campaign.target == "household").first()
    form = form_of_version(campaign.form_id)
    items = [f"{form.key}:{i.name}" for i in form.items if form.yes_no(i)]
    households = [h.id for h in Household.select(Household.id).limit(60)]
    need_item = NeedItem.select().first()
    now = datetime.now()
    with store.transaction():
        for household in households:
            visit = store.create(
                Visit,
                campaign=campaign.id,
                form=campaign.form_id,
                household=household,
                visited_at=now,
                outcome="done",
                worker="bench",
            )
            for item in items:
                store.create(Answer, visit=visit.id, item=item, value="yes", answered_at=now)
        for household in households[:20]:
            need = store.create(Need, household=household, item=need_item.key, opened_at=now)
            store.create(NeedEvent, need=need.id, to_status="open", at=now)


def main(scale: float, repeat: int = 3) -> dict:
    """Best of ``repeat`` for each measurement, so a noisy neighbour does not decide the ratio."""
    work = Path(tempfile.mkdtemp(prefix="gridtui-bench-sync-"))
    try:
        open_database(work / "b.db")
        card_b = keys.make_card(keys.ensure_identity())
        close_database()
        shutil.copy(work / "b.db", work / "empty.db")
        open_database(work / "a.db")
        demo.generate(seed=2026, scale=scale)
        (work / "b.card").write_text(json.dumps(card_b))
        keys.trust(work / "b.card", role="office")
        card_a = keys.make_card(keys.ensure_identity())
        export_s = []
        for _ in range(repeat):
            start = time.perf_counter()
            result = transfer.export_bundle(work / "full.bundle", to=[card_b["id"]], full=True)
            export_s.append(time.perf_counter() - start)
        close_database()
        shutil.copy(work / "a.db", work / "full.db")  # the raw baseline inserts these same rows
        open_database(work / "b.db")
        (work / "a.card").write_text(json.dumps(card_a))
        keys.trust(work / "a.card", role="office")
        close_database()
        shutil.copy(work / "b.db", work / "b-empty.db")
        import_s = []
        for _ in range(repeat):
            shutil.copy(work / "b-empty.db", work / "b.db")
            open_database(work / "b.db")
            start = time.perf_counter()
            summary = transfer.import_bundles([work / "full.bundle"])
            import_s.append(time.perf_counter() - start)
            close_database()
        open_database(work / "a.db")
        a_day_of_work()
        start = time.perf_counter()
        day = transfer.export_bundle(work / "day.bundle", to=[card_b["id"]])
        day_export_s = time.perf_counter() - start
        close_database()
        open_database(work / "b.db")
        start = time.perf_counter()
        day_summary = transfer.import_bundles([work / "day.bundle"])
        day_import_s = time.perf_counter() - start
        close_database()
        raw = [raw_insert_seconds(work / "full.db", work / "empty.db") for _ in range(repeat)]
        raw_s, rows = min(r[0] for r in raw), raw[0][1]
        assert summary.new == result.rows == rows, (summary.new, result.rows, rows)
        return {
            "rows": rows,
            "bytes": result.bytes,
            "raw_s": round(raw_s, 3),
            "export_s": round(min(export_s), 3),
            "import_s": round(min(import_s), 3),
            "export_ratio": round(raw_s / min(export_s), 2),
            "import_ratio": round(raw_s / min(import_s), 2),
            "day_rows": day.rows,
            "day_new": day_summary.new,
            "day_updated": day_summary.updated,
            "day_export_s": round(day_export_s, 3),
            "day_import_s": round(day_import_s, 3),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)))
