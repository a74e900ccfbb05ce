"""A virtual list over a database query: only the visible rows are rendered.

Modelled on Toolong's ``LogLines(ScrollView)``: the list knows how many rows there are (a count
callable) and asks its data source for one page of ~100 rows at a time when a line that is not
cached comes into view; pages live in a small LRU, so scrolling through 6,000 households keeps
a few hundred rows in memory and the first paint reads one page. A page is one indexed query of
a few milliseconds, so it is fetched in place rather than in a worker: the row under the cursor
is then always real, which keeps keyboard navigation and tests simple.

The needs board, search results and every other long list reuse it: give it
``fetch(offset, limit) -> rows``, ``count() -> int`` and ``render(row) -> Text`` (or :data:`Cells`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from gridtui.tui.keys import Translated, bind

Fetch = Callable[[int, int], Sequence[Any]]
Cells = Sequence[tuple[str, Style | None]]
"""A row as pieces of text already cut to their columns, each with its style (or None): what a
``render`` may return instead of a Text, to paint without Rich laying the Text out (about half
the cost, which counts where many rows are drawn at start-up)."""


class PagedList(Translated, ScrollView, can_focus=True):
    """Rows paged from a data source; a cursor moves with arrows or j/k, Enter selects."""

    COMPONENT_CLASSES = {"paged-list--cursor", "paged-list--empty"}
    BINDINGS = [
        bind("up,k", "move(-1)", "list.up", show=False),
        bind("down,j", "move(1)", "list.down", show=False),
        bind("pageup", "page(-1)", "list.page_up", show=False),
        bind("pagedown", "page(1)", "list.page_down", show=False),
        bind("home,g", "jump(0)", "list.first", show=False),
        bind("end,G", "jump(-1)", "list.last", show=False),
        bind("enter", "select", "list.select"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        def __init__(self, paged_list: PagedList, index: int, row: Any) -> None:
            super().__init__()
            self.paged_list, self.index, self.row = paged_list, index, row

        @property
        def control(self) -> PagedList:
            return self.paged_list

    class Selected(Highlighted):
        """Enter (or a click) on a row."""

    def __init__(
        self,
        fetch: Fetch | None = None,
        count: Callable[[], int] | None = None,
        render: Callable[[Any], Text | Cells] | None = None,
        *,
        empty: str = "",
        page_size: int = 100,
        cached_pages: int = 16,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._translate_bindings()
        self._fetch = fetch or (lambda offset, limit: [])
        self._count_rows = count or (lambda: 0)
        self._render_row = render or (lambda row: Text(str(row)))
        self.empty = empty
        self.page_size = page_size
        self.cached_pages = cached_pages
        self._pages: OrderedDict[int, Sequence[Any]] = OrderedDict()
        self._line_style: Style | None = None
        self.count = 0

    # -- data ----------------------------------------------------------------------------------
    def set_source(
        self, fetch: Fetch, count: Callable[[], int], render: Callable[[Any], Text | Cells] | None = None
    ) -> None:
        self._fetch, self._count_rows = fetch, count
        if render is not None:
            self._render_row = render
        self.reload(keep_cursor=False)

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show an in-memory list (search hits, a few grids) with the same keys and look."""
        rows = list(rows)
        self.set_source(lambda offset, limit: rows[offset : offset + limit], lambda: len(rows))

    def reload(self, keep_cursor: bool = True) -> None:
        """Count again and drop cached pages (after a write, a filter or a campaign change)."""
        self._pages.clear()
        self.count = self._count_rows()
        self.virtual_size = Size(self.size.width, self.count)
        target = min(self.cursor, self.count - 1) if keep_cursor else 0
        self.cursor = max(0, target)
        if not keep_cursor:
            self.scroll_to(y=0, animate=False)
        self.refresh()

    def row(self, index: int) -> Any:
        """The row at ``index``, reading its page from the source if it is not cached."""
        if not 0 <= index < self.count:
            return None
        number, within = divmod(index, self.page_size)
        page = self._pages.get(number)
        if page is None:
            page = self._fetch(number * self.page_size, self.page_size)
            self._pages[number] = page
            while len(self._pages) > self.cached_pages:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page[within] if within < len(page) else None

    @property
    def current(self) -> Any:
        return self.row(self.cursor)

    # -- rendering -----------------------------------------------------------------------------
    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.count)

    def render_lines(self, crop: Region) -> list[Strip]:
        """Work out the list's own style once for all the lines drawn now, not once a line:
        ``rich_style`` combines the styles of every ancestor up to the app each time."""
        self._line_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._line_style = None

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.size.width
        line_style = self._line_style
        base = self.rich_style if line_style is None else line_style
        if self.count == 0:
            if y == 0 and self.empty:
                style = base + self.get_component_rich_style("paged-list--empty")
                return Strip([Segment(self.empty, style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        row = self.row(index)
        if row is None:
            return Strip.blank(width, base)
        made = self._render_row(row)
        cells: Iterable[tuple[str, Style | None] | Segment]
        if isinstance(made, Text):
            made.no_wrap = True
            cells = made.render(self.app.console, end="")
        else:
            cells = made
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("paged-list--cursor")
        if index == self.cursor:  # the cursor's colours win over a cell's own
            over = Style(bgcolor=self.get_component_rich_style("paged-list--cursor").bgcolor)
            segments = [Segment(text, (style + own if own else style) + over) for text, own, *_ in cells]
        else:
            segments = [Segment(text, style + own if own else style) for text, own, *_ in cells]
        return Strip(segments).crop_extend(0, width, style)

    # -- cursor --------------------------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self.count - 1)) if self.count else 0

    def watch_cursor(self, old: int, new: int) -> None:
        width = self.size.width
        self.refresh(Region(0, old - self.scroll_offset.y, width, 1))
        self.refresh(Region(0, new - self.scroll_offset.y, width, 1))
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True)
        if self.count:
            self.post_message(self.Highlighted(self, new, self.row(new)))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, step: int) -> None:
        self.cursor += step

    def action_page(self, step: int) -> None:
        self.cursor += step * max(1, self.size.height - 1)

    def action_jump(self, index: int) -> None:
        self.cursor = index if index >= 0 else self.count - 1

    def action_select(self) -> None:
        if self.count:
            self.post_message(self.Selected(self, self.cursor, self.row(self.cursor)))

    def on_click(self, event: Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < self.count:
            self.cursor = index
            if event.chain > 1:
                self.action_select()
