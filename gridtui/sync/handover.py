"""A grid that leaves a worker's laptop: forgotten there only once the worker's work in it is in.

When the office gives a grid to another worker, its next bundle brings the grid's row with the
new worker's device. The old laptop then holds rows it is no longer to hold (residents' ID
numbers and phones among them), but it may also hold work it did there that the office has not
got yet: a visit that evening, a corrected phone. So it keeps the grid, sends that work with its
next bundle, and forgets the grid when a bundle from the office acknowledges holding all of it.
Nothing is deleted: the rows stay in the office and on the new worker's laptop; this laptop's
copy goes (:func:`gridtui.core.store.forget`), and nothing of that travels.
"""

from __future__ import annotations

from peewee import ForeignKeyField

from gridtui.core import store
from gridtui.core.models import (
    SYNCED_BY_TABLE,
    SYNCED_MODELS,
    Device,
    Grid,
    SyncPeer,
    database,
    live,
)
from gridtui.sync import authority, scope


def settle() -> tuple[list[str], list[str]]:
    """On a worker's laptop, forget each grid gone to someone else whose work here the office
    holds; returns the codes of the grids forgotten and of those kept until it does."""
    me = Device.get_or_none(Device.is_self == True)  # noqa: E712
    offices = authority.offices()
    if me is None or not offices or authority.my_role() != "worker":
        return [], []
    acked = min((p.acked_seq for p in SyncPeer.select().where(SyncPeer.device.in_(offices))), default=0)
    if SyncPeer.select().where(SyncPeer.device.in_(offices)).count() < len(offices):
        acked = 0
    forgotten, waiting = [], []
    others = dict(Grid.select(Grid.id, Grid.code).where(live(Grid) & (Grid.worker_device != me.id)).tuples())
    for grid_id, rows in scope.rows_by_grid(set(others)).items():
        code = others[grid_id]
        if not any(rows.values()):
            continue
        if _pending(rows, me.id, acked):
            waiting.append(code)
        else:
            _forget(rows)
            forgotten.append(code)
    return sorted(forgotten), sorted(waiting)


def _pending(rows: dict[str, list[str]], me: str, acked: int) -> bool:
    """Whether any of these rows holds a change made here that the office has not acknowledged."""
    cursor = database.cursor()
    for table, ids in rows.items():
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ", ".join("?" * len(chunk))
            found = cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE "id" IN ({marks}) AND "seq" > ? '
                f'AND ("stamp" LIKE ? OR "stamps" LIKE ?) LIMIT 1',
                (*chunk, acked, f"%-{me}", f'%-{me}"%'),
            ).fetchone()
            if found is not None:
                return True
    return False


def _forget(rows: dict[str, list[str]]) -> None:
    """The grid's rows, children first; references to them from rows kept here blanked."""
    gone = {table for table, ids in rows.items() if ids}
    for model in reversed(SYNCED_MODELS):
        table = model._meta.table_name
        if not rows.get(table):
            continue
        unlink = [
            (other, f.column_name)
            for other in SYNCED_MODELS
            if other._meta.table_name not in gone
            for f in other._meta.sorted_fields
            if isinstance(f, ForeignKeyField) and f.null and f.rel_model is SYNCED_BY_TABLE[table]
        ]
        store.forget(model, rows[table], unlink)
