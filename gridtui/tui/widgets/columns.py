"""Rows of fixed-width columns, measured in terminal cells (a Chinese character takes two).

A list's columns at the width it has are a :class:`Columns`: in a narrow terminal the columns
that do not fit are left out whole, from the right, and the list's :class:`ColumnHeader` says
how many ("…另有3列" / "… +3 columns"), so a worker knows there is more to see.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from gridtui.i18n import t


def fit(value: object, width: int, align: str = "left") -> str:
    """``value`` padded or cut to exactly ``width`` cells."""
    text = str(value)
    if align == "right" and cell_len(text) < width:
        return " " * (width - cell_len(text)) + text
    return set_cell_size(text, width)


Cell = tuple[object, int] | tuple[object, int, str] | Text
"""A column's ``(value, width[, style])``, or a ready Text (the last column)."""


def row(cells: Sequence[Cell], gap: int = 1) -> Text:
    """One line of columns: each cell is ``(value, width[, style])`` or a ready Text (last column)."""
    out = Text(no_wrap=True, overflow="crop")
    for i, cell in enumerate(cells):
        if i:
            out.append(" " * gap)
        if isinstance(cell, Text):
            out.append_text(cell)
            continue
        value, width, *style = cell
        align = "right" if isinstance(value, int | float) else "left"
        out.append(fit(value, width, align), style=style[0] if style else "")
    return out


def badges(labels: Sequence[tuple[str, str]]) -> Text:
    """Short coloured tags, e.g. 独居 残 党 需: ``(label, style)`` pairs."""
    out = Text(no_wrap=True, overflow="crop")
    for label, style in labels:
        out.append(f" {label} ", style=style)
        out.append(" ")
    return out


def bar(done: int, total: int, width: int = 20) -> Text:
    """A coverage bar: filled cells for the share done."""
    filled = 0 if not total else round(width * done / total)
    out = Text(no_wrap=True)
    out.append("█" * filled, style="green")
    out.append("░" * (width - filled), style="dim")
    return out


ELASTIC_MIN = 6
"""Cells an elastic column (a coverage bar) keeps before it is left out."""
TAIL_MIN = 4
"""Cells the free-width last column (flags, registers) needs to be shown at all."""


def visible_width(paged_list: Widget) -> int:
    """Cells a list shows across, its scrollbar (when it has one) left out."""
    return paged_list.scrollable_content_region.width


class Fitted(NamedTuple):
    """What of a list's columns one width holds."""

    widths: tuple[int, ...]
    """The shown columns' widths, from the left (an elastic one may be narrower than asked)."""
    tail: bool
    """Whether the free-width last column is shown."""
    hidden: int
    """Columns left out."""
    mark: str
    """What the header says of them: "…另有3列", "…+3" where that would cover a name, or ""."""


class Columns:
    """A list's columns: ``heads`` are (name, width) of its fixed columns; ``tail`` names a last
    column of free width (None: there is none; "": one without a name, such as a mark on some
    rows, not counted); ``elastic`` is the index of a column that may narrow (home's bar).

    A column is shown whole or not at all: a number cut at the edge reads as another number.
    The header's mark goes at its right end, over the blank after the last column name; where
    it would cover that name it is said short, and where even that would, the column is left
    out too (``mark_in_header=False``: the mark has a line of its own, see
    :class:`ColumnHeader`'s title).
    """

    def __init__(
        self,
        heads: Sequence[tuple[str, int]],
        *,
        tail: str | None = None,
        elastic: int | None = None,
        mark_in_header: bool = True,
        gap: int = 1,
    ) -> None:
        self.heads, self.tail, self.elastic = list(heads), tail, elastic
        self.mark_in_header, self.gap = mark_in_header, gap
        self._fitted: dict[int, Fitted] = {}

    def fitted(self, width: int) -> Fitted:
        found = self._fitted.get(width)
        if found is None:
            found = self._fitted[width] = self._fit(width)
        return found

    def _fit(self, width: int) -> Fitted:
        widths: list[int] = []
        start = 0
        for i, (_, wanted) in enumerate(self.heads):
            room = width - start
            if wanted <= room:
                widths.append(wanted)
            elif i == self.elastic and room >= ELASTIC_MIN:
                widths.append(room)
                break
            else:
                break
            start += wanted + self.gap
        tail = self.tail is not None and len(widths) == len(self.heads) and width - start >= TAIL_MIN
        while True:
            hidden = len(self.heads) - len(widths) + (1 if self.tail and not tail else 0)
            mark = self._mark(widths, hidden, width)
            if mark is not None:
                return Fitted(tuple(widths), tail, hidden, mark)
            widths.pop()
            tail = False

    def _mark(self, widths: list[int], hidden: int, width: int) -> str | None:
        """The mark for ``hidden`` columns after ``widths``; None if no form of it fits."""
        if not hidden:
            return ""
        long = t("tui.list.more_columns", count=hidden)
        if not self.mark_in_header or not widths:
            return long
        last = len(widths) - 1
        name_end = sum(widths[:last]) + self.gap * last + min(cell_len(self.heads[last][0]), widths[last])
        short = t("tui.list.more_columns_short", count=hidden)
        return next((mark for mark in (long, short) if name_end + 1 <= width - cell_len(mark)), None)

    def mark(self, width: int) -> str:
        """ "…另有3列" when columns are left out at ``width``, else ""."""
        return self.fitted(width).mark

    def cut(self, cells: Sequence[Cell], width: int) -> list[Cell]:
        """A row's cells (as :func:`row` takes them, the tail last) for the columns shown."""
        fitted = self.fitted(width)
        shown = [_sized(cell, size) for cell, size in zip(cells, fitted.widths, strict=False)]
        return [*shown, *cells[len(self.heads) :]] if fitted.tail else shown

    def row(self, cells: Sequence[Cell], width: int) -> Text:
        return row(self.cut(cells, width), self.gap)

    def header(self, width: int, mark_style: Style | str = "") -> Text:
        """The shown columns' names; the mark at the right end when some are left out."""
        fitted = self.fitted(width)
        names: list[Cell] = [(name, size) for (name, _), size in zip(self.heads, fitted.widths, strict=False)]
        if fitted.tail and self.tail:
            names.append(Text(self.tail))
        line = row(names, self.gap)
        if self.mark_in_header and fitted.mark:
            line.truncate(max(0, width - cell_len(fitted.mark)), pad=True)
            line.append(fitted.mark, mark_style)
        return line


def _sized(cell: Cell, size: int) -> Cell:
    """A column's cell at the width it is shown at."""
    if isinstance(cell, Text):
        return cell
    if len(cell) == 3:
        return (cell[0], size, cell[2])
    return (cell[0], size)


class ColumnHeader(Widget):
    """The column names of the list under it (``over``), fitted to the width that list shows,
    so the columns named are the columns shown, with the count of those left out. With a
    ``title`` the title takes a line of its own, and the count goes there, at its right end."""

    COMPONENT_CLASSES = {"column-header--title", "column-header--mark"}
    DEFAULT_CSS = """
    ColumnHeader { height: 1; }
    ColumnHeader.-titled { height: 2; }
    """

    def __init__(
        self, columns: Columns, over: Widget, *, title: str = "", id: str | None = None, classes: str | None = None
    ) -> None:
        titled = "-titled" if title else ""  # a class set after __init__ would style the widget twice
        super().__init__(id=id, classes=" ".join(c for c in (classes, titled) if c) or None)
        self.columns, self.over, self.title = columns, over, title

    def on_mount(self) -> None:
        """The list's width changes with the terminal, and with a scrollbar that comes and goes."""
        self.watch(self.over, "virtual_size", self._list_changed, init=False)

    def _list_changed(self) -> None:
        self.refresh()

    def show(self, columns: Columns) -> None:
        """Name another set of columns (a walk list that turned from households to shops)."""
        self.columns = columns
        self.refresh()

    def render(self) -> Text:
        width = visible_width(self.over)
        mark_style = self.get_component_rich_style("column-header--mark")
        header = self.columns.header(width, mark_style)
        if not self.title:
            return header
        title = Text(self.title, self.get_component_rich_style("column-header--title"), no_wrap=True)
        mark = self.columns.mark(width)
        title.pad_right(max(1, width - title.cell_len - cell_len(mark)))
        title.append(mark, mark_style)
        title.truncate(width)
        return Text("\n", no_wrap=True).join([title, header])


def render_resident(r, revealed: dict[str, tuple[str, str]] | None = None, wide: bool = True) -> Text:
    """A resident on one line, ID and phone masked unless this screen revealed them."""
    id_number, phone = (revealed or {}).get(r.id, (r.id_masked, r.phone_masked))
    tags = badges([(reg.label, "black on #87afd7") for reg in r.registers])
    cells: list[Cell] = [
        (r.name, 8, "bold"),
        (t(f"tui.relation.{r.relation}", default=r.relation), 6),
        (r.age if r.age is not None else "", 3),
    ]
    if wide:
        cells.append((id_number, 18))
    return row([*cells, (phone, 13), tags])
