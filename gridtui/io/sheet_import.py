"""Reading the office's lists from Excel or CSV: household rosters, volunteers, partner units, shops.

Offices keep their lists with their own headers, in any order, often under a title row. The
header row is the one among the first rows that names the most known columns (Chinese or
English, common variants). Every importer follows the same steps, given here once: read the file
(refusing what is not a spreadsheet in one sentence), find the header, check every row before
anything is written (a bad row is reported with the row number as Excel shows it, its column and
the reason), then write the good rows in ONE store transaction; a dry run runs the very same
import and rolls the transaction back, so its counts are exact.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar, overload

from gridtui.core import store
from gridtui.core.validate import fold
from gridtui.errors import GridError

HEADER_SCAN_ROWS = 10
"""Offices put a title (and sometimes a blank or a note) above the header: look this far down."""

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
LIST_SEPARATORS = re.compile(r"[、,，;；/／|]+")
"""How a cell lists several values (skills, projects, registers)."""

Rows = list[tuple[int, list[Any]]]
"""A sheet's rows as (row number as Excel shows it, cells)."""


norm = fold
"""A header or a name as it compares (:func:`gridtui.core.validate.fold`)."""


def header_index(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Every alias of every field, normalised, to the field it names."""
    return {norm(alias): name for name, aliases_ in aliases.items() for alias in aliases_}


def cell_text(value: Any) -> str:
    """A cell as text: Excel's 501.0 is "501", dates are ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def split_list(text: str) -> list[str]:
    """``家电维修、水电维修`` -> the two words; empty pieces dropped."""
    return [w.strip() for w in LIST_SEPARATORS.split(text or "") if w.strip()]


@dataclass
class Problem:
    row: int
    column: str
    field: str
    key: str
    reason: str


@dataclass
class ImportResult:
    """What an import found and did; ``created`` counts new rows by kind."""

    file: str
    sheet: str
    header_row: int
    mapping: dict[str, str]
    ignored_columns: list[str]
    rows: int = 0
    good_rows: int = 0
    created: dict[str, int] = field(default_factory=dict)
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["bad_rows"] = self.bad_rows
        return out


R = TypeVar("R", bound=ImportResult)


# -- reading the file ----------------------------------------------------------------------------


def read_table(path: Path) -> list[tuple[str, Rows]]:
    """Sheets of the file as (name, rows).

    Decides by content, not by name: an encrypted OLE file is a password-protected workbook, an
    old OLE file is .xls, a zip must be a workbook, anything else must be text (CSV).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise GridError("roster.missing", path=str(path)) from exc
    except OSError as exc:
        raise GridError("roster.unreadable", path=str(path), detail=exc.strerror or str(exc)) from exc
    if data.startswith(OLE_MAGIC):
        if any(marker in data for marker in ENCRYPTED_MARKERS):
            raise GridError("roster.encrypted", path=str(path))
        raise GridError("roster.old_xls", path=str(path))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, data)
    if path.suffix.lower() in (".xlsx", ".xlsm") or b"\x00" in data[:4096]:
        raise GridError("roster.not_spreadsheet", path=str(path))
    return [(path.stem, _read_csv(path, data))]


def _read_xlsx(path: Path, data: bytes) -> list[tuple[str, Rows]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, KeyError, InvalidFileException, XML errors: a foreign zip
        raise GridError("roster.not_spreadsheet", path=str(path)) from exc
    try:
        sheets = []
        order = [wb.active] + [ws for ws in wb.worksheets if ws is not wb.active]
        for ws in order:
            if ws is None:
                continue
            ws.reset_dimensions()  # some writers leave a wrong <dimension>; read every row there is
            sheets.append((ws.title, [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]))
        return sheets
    finally:
        wb.close()


def _read_csv(path: Path, data: bytes) -> Rows:
    """UTF-8 (with or without BOM) or GB18030, which is what Excel on Chinese Windows saves."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise GridError("roster.not_spreadsheet", path=str(path))
    head = text.splitlines()[:HEADER_SCAN_ROWS]
    delimiter = max(",\t;", key=lambda d: sum(line.count(d) for line in head))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(i, row) for i, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise GridError("roster.not_spreadsheet", path=str(path)) from exc


def find_header(
    rows: Rows, index: dict[str, str], *, key_field: str = "name", error: str = "roster.no_headers"
) -> tuple[int, dict[int, str], list[str]]:
    """The header among the first rows: the one naming the most distinct known columns.

    Returns (its index in ``rows``, column index -> field, header texts). The first column of a
    field wins when a file repeats it. A header must name ``key_field`` and one more column.
    """
    best: tuple[int, dict[int, str]] = (-1, {})
    for position, (_, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[int, str] = {}
        for col, cell in enumerate(cells):
            if isinstance(cell, str):
                name = index.get(norm(cell))
                if name and name not in found.values():
                    found[col] = name
        if len(found) > len(best[1]):
            best = (position, found)
    position, mapping = best
    if len(mapping) < 2 or key_field not in mapping.values():
        raise GridError(error)
    headers = ["" if c is None else str(c).strip() for c in rows[position][1]]
    return position, mapping, headers


@dataclass
class Table:
    """The sheet an import reads: its rows under the header, and how the header was read."""

    sheet: str
    rows: Rows
    header: int  # index in rows
    mapping: dict[int, str]  # column -> field
    headers: list[str]

    @overload
    def result(self, path: Path, dry_run: bool) -> ImportResult: ...
    @overload
    def result(self, path: Path, dry_run: bool, make: type[R]) -> R: ...
    def result(self, path: Path, dry_run: bool, make: type[ImportResult] = ImportResult) -> ImportResult:
        """An empty result of the kind asked for (a roster's counts more), for this table."""
        return make(
            file=str(path),
            sheet=self.sheet,
            header_row=self.rows[self.header][0],
            mapping={self.headers[col]: name for col, name in sorted(self.mapping.items())},
            ignored_columns=[h for col, h in enumerate(self.headers) if h and col not in self.mapping],
            dry_run=dry_run,
        )

    def data(self) -> Iterator[tuple[int, list[Any]]]:
        """The rows under the header that hold anything in a recognised column."""
        for number, cells in self.rows[self.header + 1 :]:
            if all(cell_text(cells[col]) == "" for col in self.mapping if col < len(cells)):
                continue  # blank, or only a pre-printed 序号 in an unrecognised column
            yield number, cells


def open_table(
    path: Path,
    index: dict[str, str],
    required: tuple[str, ...],
    *,
    key_field: str = "name",
    no_headers: str = "roster.no_headers_in",
    field_label: Callable[[str], str],
) -> Table:
    """The file's sheet whose header names the most known columns; refused in one sentence when
    no sheet has a header or a required column is missing."""
    chosen: Table | None = None
    for sheet_name, rows in read_table(path):
        try:
            position, mapping, headers = find_header(rows, index, key_field=key_field)
        except GridError:
            continue
        if chosen is None or len(mapping) > len(chosen.mapping):
            chosen = Table(sheet_name, rows, position, mapping, headers)
    if chosen is None:
        raise GridError(no_headers, path=str(path))
    missing = [name for name in required if name not in chosen.mapping.values()]
    if missing:
        raise GridError("roster.missing_columns", columns="、".join(field_label(m) for m in missing))
    return chosen


class RowCells:
    """One data row: its cells by field, and the problems found in it (with their column)."""

    def __init__(self, table: Table, number: int, cells: list[Any]) -> None:
        self.number, self.cells = number, cells
        self.columns = {name: col for col, name in table.mapping.items()}
        self.headers = table.headers
        self.problems: list[Problem] = []

    def raw(self, name: str) -> Any:
        col = self.columns.get(name)
        return self.cells[col] if col is not None and col < len(self.cells) else None

    def text(self, name: str) -> str:
        return cell_text(self.raw(name))

    def bad(self, name: str, error: GridError) -> None:
        header = self.headers[self.columns[name]] if name in self.columns else ""
        self.problems.append(Problem(self.number, header, name, error.key, error.message()))


class _DryRun(Exception):
    """Raised at the end of a dry run to roll the whole transaction back."""


def write_rows(
    good: list[tuple[int, dict[str, Any]]],
    place: Callable[[int, dict[str, Any]], object],
    *,
    dry_run: bool,
    before: Callable[[], None] | None = None,
    after: Callable[[], None] | None = None,
) -> None:
    """Write the good rows in one store transaction (rolled back on a dry run). A row the store
    refuses all the same (a rule the checks missed) refuses the whole import, naming its row."""
    try:
        with store.transaction():
            if before is not None:
                before()
            for number, values in good:
                try:
                    place(number, values)
                except GridError as exc:
                    if exc.key == "roster.row_failed":
                        raise
                    raise GridError("roster.row_failed", row=number, detail=exc.message()) from exc
            if after is not None:
                after()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
