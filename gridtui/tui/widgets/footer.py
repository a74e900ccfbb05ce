"""The footer of every screen: its keys on one line, painted as text.

Textual's Footer is a container of one widget per key, rebuilt whenever the keys change (on a
visit, each time the cursor moves between a yes/no and a number line). Each rebuild left the old
key widgets alive, bound to the footer's ``compact`` setting, so a day of visits piled up
thousands of them. This footer is one widget: a change of keys is a repaint of one line, and
nothing is made or left behind.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

DIM = Style(dim=True)


class FooterKey(NamedTuple):
    key: str
    """The key to simulate when the entry is clicked."""
    display: str
    description: str
    tooltip: str
    enabled: bool


class KeyFooter(Widget, can_focus=False):
    """The current screen's shown keys, then (on the right) the command palette's."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
        & > .key-footer--description { color: $footer-description-foreground; background: $footer-description-background; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.keys: tuple[FooterKey, ...] = ()
        self.palette: FooterKey | None = None
        self._spans: list[tuple[int, int, FooterKey]] = []
        """Where each key was drawn (start and end cell), for clicks and tooltips."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        """Repaint only when the keys shown change (moving between two items of one kind does not)."""
        if screen is not self.screen:
            return
        keys, palette = self._read(screen)
        if (keys, palette) != (self.keys, self.palette):
            self.keys, self.palette = keys, palette
            self.refresh()

    def _read(self, screen: Screen) -> tuple[tuple[FooterKey, ...], FooterKey | None]:
        shown: dict[str, FooterKey] = {}
        palette = None
        for _node, binding, enabled, tooltip in screen.active_bindings.values():
            entry = FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                tooltip or binding.description,
                enabled,
            )
            if binding.key == self.app.COMMAND_PALETTE_BINDING and self.app.ENABLE_COMMAND_PALETTE:
                palette = entry
            elif binding.show:
                shown.setdefault(binding.action, entry)  # one entry per action, as Textual's footer
        return tuple(shown.values()), palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key", partial=True)
        text_style = self.get_component_rich_style("key-footer--description", partial=True)
        tail = Text()
        if self.palette is not None:
            tail = Text.assemble(("▏", "dim"), *self._entry(self.palette, key_style, text_style))
        room = self.size.width - tail.cell_len
        line, self._spans = Text(no_wrap=True, overflow="crop"), []
        for n, key in enumerate(self.keys):
            entry = Text.assemble(*self._entry(key, key_style, text_style))
            more = n + 1 < len(self.keys)
            if line.cell_len + entry.cell_len + (1 if more else 0) > room:
                line.append("…", "dim")  # the rest are under ? and ctrl+p
                break
            self._spans.append((line.cell_len, line.cell_len + entry.cell_len, key))
            line.append_text(entry)
        if self.palette is not None:
            start = max(line.cell_len, room)
            line.append(" " * (start - line.cell_len))
            self._spans.append((start, start + tail.cell_len, self.palette))
            line.append_text(tail)
        return line

    @staticmethod
    def _entry(key: FooterKey, key_style: Style, text_style: Style) -> list[tuple[str, Style]]:
        if not key.enabled:
            key_style, text_style = key_style + DIM, text_style + DIM
        return [(f" {key.display} ", key_style), (f"{key.description} ", text_style)]

    def _at(self, x: int) -> FooterKey | None:
        return next((key for start, end, key in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._at(event.x)
        self.tooltip = key.tooltip if key is not None else None

    def on_click(self, event: events.Click) -> None:
        key = self._at(event.x)
        if key is not None and key.enabled:
            self.app.simulate_key(key.key)
