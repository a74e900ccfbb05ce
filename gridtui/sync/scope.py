"""Which grid a row belongs to: what a worker's laptop holds, receives and may change.

A household is in its building's grid, a resident in its household's, a visit in its
household's or shop's, an answer in its visit's, and so on down the references (the chain is
:data:`PARENTS`). Rows with no such reference at all (a need recorded for no household, an
hour of service for no need) are :data:`UNSCOPED`: every laptop may hold them. A household in a
building no grid has yet is in no grid (None): only the office holds it.

The same answer serves three ends, so it lives here once: the office's export to a worker
carries only that worker's grids (:class:`WorkerCut`), the office's import checks a worker's
rows against its grids (:mod:`gridtui.sync.authority`), and a worker's laptop forgets a grid
that went to someone else once its own work there is in (:func:`rows_by_grid`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from peewee import ForeignKeyField

from gridtui.core import stored
from gridtui.core.models import SYNCED_BY_TABLE, SYNCED_MODELS, database

UNSCOPED = "*"
"""The grid of a row that refers to no place or person of any grid (every laptop may hold it)."""
MISSING = "?"
"""The grid of a row whose parent is not in this database (the merge's reference check decides)."""

PARENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "household": (("building_id", "building"),),
    "resident": (("household_id", "household"),),
    "resident_event": (("resident_id", "resident"),),
    "register_entry": (("resident_id", "resident"), ("household_id", "household")),
    "visit": (("household_id", "household"), ("business_id", "business")),
    "answer": (("visit_id", "visit"),),
    "need": (("household_id", "household"), ("resident_id", "resident")),
    "need_event": (("need_id", "need"),),
    "pairing": (("household_id", "household"),),
    "assignment": (("need_id", "need"),),
    "service_log": (("need_id", "need"),),
}
"""Per table, the references that say its grid, the first one set deciding."""
DIRECT = {"building": "grid_id", "business": "grid_id"}
"""Tables that name their grid themselves."""
SCOPED = frozenset(PARENTS) | {"business"}
"""Tables a worker's laptop holds only for its own grids (buildings travel to everyone: places,
not people, and needs and collective issues point at them)."""
OFFICE_ONLY_READING = frozenset({"audit_log"})
"""Tables no worker's laptop receives: who saw what is for the office."""
WITHHELD = {"volunteer": ("id_number", "phone")}
"""Columns a worker's laptop receives blank: a volunteer's name and skills serve dispatch, their
ID number and phone stay in the office."""


class Grids:
    """The grid of rows in this database, table by table, read once when first asked (a fresh
    instance sees rows written since)."""

    def __init__(self) -> None:
        self._maps: dict[str, dict[str, Any]] = {}

    def of_ids(self, table: str) -> dict[str, Any]:
        """id -> grid (or None, UNSCOPED) of every row of a table that other tables point at."""
        found = self._maps.get(table)
        if found is None:
            found = self._maps[table] = self._read(table)
        return found

    def _read(self, table: str) -> dict[str, Any]:
        cursor = database.cursor()
        if table in DIRECT:
            return dict(cursor.execute(f'SELECT "id", "{DIRECT[table]}" FROM "{table}"'))
        links = PARENTS[table]
        columns = ", ".join(f'"{column}"' for column, _parent in links)
        return {
            row[0]: self._through(links, row[1:]) for row in cursor.execute(f'SELECT "id", {columns} FROM "{table}"')
        }

    def _through(self, links: tuple[tuple[str, str], ...], values: Iterable[Any]) -> Any:
        for (_column, parent), value in zip(links, values, strict=True):
            if value is not None:
                return self.of_ids(parent).get(value, MISSING)
        return UNSCOPED

    def of_row(self, table: str, row: dict[str, Any]) -> Any:
        """The grid of one row given as {column: stored value} (it need not be stored yet)."""
        if table in DIRECT:
            return row[DIRECT[table]]
        return self._through(PARENTS[table], [row[column] for column, _parent in PARENTS[table]])


class WorkerCut:
    """What a bundle to workers' laptops carries of each row: only their grids' rows, a
    reference to a row outside them left blank, withheld columns blank; nothing of the audit
    log, and conflicts only about rows in their grids. ``fresh`` grids (given to them since
    their last acknowledged bundle) are sent whole, however old their rows."""

    def __init__(self, grids: set[str], fresh: set[str]) -> None:
        self.grids, self.fresh = grids, fresh
        self.places = Grids()

    def keeps(self, grid: Any) -> bool:
        return grid == UNSCOPED or grid in self.grids

    def wants_old_rows(self, table: str) -> bool:
        """Rows the peer acknowledged long ago are read again only for grids new to it."""
        return bool(self.fresh) and table in SCOPED

    def cut(self, table: str, names: list[str], rows: list[tuple], old: list[bool] | None = None) -> list[tuple]:
        """The rows of one chunk as the workers may have them. ``old[i]``: row i was
        acknowledged already, so it goes only if its grid is fresh."""
        if table in OFFICE_ONLY_READING:
            return []
        if table == "conflict":
            return [r for r in rows if self._conflict_kept(dict(zip(names, r, strict=True)))]
        kept = []
        blanks = [names.index(c) for c in WITHHELD.get(table, ())]
        links = _scoped_links(table, names)
        for n, row in enumerate(rows):
            if table in SCOPED:
                grid = self.places.of_row(table, dict(zip(names, row, strict=True)))
                if not self.keeps(grid) or (old is not None and old[n] and grid not in self.fresh):
                    continue
            elif old is not None and old[n]:
                continue
            if blanks or links:
                values = list(row)
                for at in blanks:
                    values[at] = ""
                for at, parent in links:
                    if values[at] is not None and not self.keeps(self.places.of_ids(parent).get(values[at])):
                        values[at] = None
                row = tuple(values)
            kept.append(row)
        return kept

    def _conflict_kept(self, row: dict[str, Any]) -> bool:
        table = row["target_table"]
        if table not in SCOPED:
            return False
        found = database.cursor().execute(f'SELECT * FROM "{table}" WHERE "id" = ?', (row["target_id"],))
        names = [d[0] for d in found.description]
        target = found.fetchone()
        return target is not None and self.keeps(self.places.of_row(table, dict(zip(names, target, strict=True))))


def _scoped_links(table: str, names: list[str]) -> list[tuple[int, str]]:
    """Positions of a table's nullable references to rows that live in grids (blanked when the
    row they point at is outside the cut)."""
    model = SYNCED_BY_TABLE[table]
    return [
        (names.index(f.column_name), f.rel_model._meta.table_name)
        for f in model._meta.sorted_fields
        if isinstance(f, ForeignKeyField) and f.null and f.rel_model._meta.table_name in SCOPED
    ]


def rows_by_grid(grids: set[str]) -> dict[str, dict[str, list[str]]]:
    """For each of these grids, per scoped table, the ids of its rows here (what a laptop
    forgets of a grid), read in one pass over the scoped tables."""
    places = Grids()
    out: dict[str, dict[str, list[str]]] = {g: {} for g in grids}
    for model in SYNCED_MODELS:
        table = model._meta.table_name
        if table not in SCOPED:
            continue
        names = stored.columns(model)
        cursor = database.cursor().execute('SELECT {} FROM "{}"'.format(", ".join(f'"{c}"' for c in names), table))
        for row in cursor:
            grid = places.of_row(table, dict(zip(names, row, strict=True)))
            if grid in out:
                out[grid].setdefault(table, []).append(row[0])
    return out
