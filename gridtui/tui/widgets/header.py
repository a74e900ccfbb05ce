"""The title line of every screen: one widget that paints one line.

Textual's Header is four widgets (itself, an icon, the title, a clock's room) bound to the app's
title: about 5 ms of every screen's first paint, the first start's included. Worse, the app keeps
each Header's watchers until its title next changes, which in gridtui it never does, so every
screen opened in a day (a visit, a household from search) stayed alive with all it had drawn.
gridtui's title does not change while it runs: this header reads it as it paints and watches
nothing. It looks as Textual's does, and its icon opens the command palette as that one's does.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.strip import Strip
from textual.widget import Widget

from gridtui.i18n import t

ICON = "⭘"
ICON_WIDTH = 8
"""The icon's cells on the left, its padding included (as Textual's header)."""
RIGHT_WIDTH = 10
"""Cells kept free on the right (Textual's header keeps them for a clock): the title stays where
it was, centred between the two."""


def title_line(title: str, width: int) -> str:
    """The whole line: the icon, then ``title`` centred in the room between icon and right end
    (cut to fit, wide characters counted as two cells)."""
    room = max(0, width - ICON_WIDTH - RIGHT_WIDTH)
    if cell_len(title) > room:
        title = set_cell_size(title, max(0, room - 1)).rstrip() + "…" if room else ""
    left = (room - cell_len(title)) // 2
    return set_cell_size(f" {ICON}", ICON_WIDTH) + set_cell_size(" " * left + title, room + RIGHT_WIDTH)


class GridHeader(Widget, can_focus=False):
    """The app's title, and the command palette's icon."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    GridHeader {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def render_line(self, y: int) -> Strip:
        style = self.rich_style
        width = self.size.width
        if y:
            return Strip.blank(width, style)
        screen = self.screen
        title = screen.title or self.app.title
        if screen.sub_title or self.app.sub_title:
            title = f"{title} — {screen.sub_title or self.app.sub_title}"
        return Strip([Segment(title_line(title, width), style)]).crop_extend(0, width, style)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self.tooltip = t("tui.header.palette") if event.x < ICON_WIDTH else None

    async def on_click(self, event: events.Click) -> None:
        if event.x < ICON_WIDTH:
            event.stop()
            await self.run_action("app.command_palette")
