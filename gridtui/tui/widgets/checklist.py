"""The checklist of a visit: the form drawn as lines in one widget, answered from the keyboard.

Why lines, not widgets: a form of 300 items mounted as a widget set per item took seconds to
appear. Like :class:`~gridtui.tui.widgets.paged_list.PagedList`, :class:`Checklist` keeps a
list of lines (a section title per group, a question and an answer line per item, a line for a
note, one for a validation message) and draws only the ones on screen. Items the skip logic
makes irrelevant have no lines, and calculations never have any; when an answer changes what is
relevant, the line list is laid out again (one pass over the form), otherwise only the lines of
the items whose state changed are repainted.

The checklist keeps the focus and holds every checklist key; its cursor is the background of
the current item's question line, so a move repaints two lines. Only a number, date or text
item being typed into hands the focus to the one :class:`AnswerInput`, laid over that item's
answer line.

Typing on a number, date or text line that is not being edited yet, like a spreadsheet cell
whose letter keys stay commands: a key that can begin the line's answer starts typing it, with
that key in it. On a number line that is a digit, ``-`` or ``.``; on a date line a digit (a
letter can never begin either, so letters there are always keys); on a text line any key that is
not one of the screen's keys (the ``?`` key map lists them, as remapped): Chinese from the input
method, digits, punctuation, unbound letters. Enter or space starts typing with nothing in it,
so a text beginning with a key letter (``n`` a need, ``D`` done, ``j``/``k`` move...) starts
with Enter. A single choice of more than nine is typed too: its number, then Enter.

A row does not write anything itself: it hands an :class:`Answered` to the checklist's ``save``
callable; the visit screen checks it against the form, saves it and tells the checklist what
changed (:meth:`Checklist.changed`) or why not (:meth:`Checklist.show_error`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeGuard
from weakref import WeakKeyDictionary

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Container
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input

from gridtui.forms.model import Choice, Form, FormState, Item, text
from gridtui.i18n import language, t
from gridtui.textwidth import wrap_spans
from gridtui.tui.keys import Translated, bind

__all__ = ["TYPED", "Answered", "AnswerInput", "Checklist"]

TYPED = ("integer", "decimal", "text", "date")
"""Item types answered by typing into the input; the others by single keys."""

KEYED_ACTIONS = frozenset({"pick", "clear"})
"""The checklist's actions for choice lines; off on a typed line, so its keys type."""

INDENT = 4
Breaks = list[list[int | tuple[int, int]]]
"""An item's answer lines: on each, its choices' numbers, or ``(number, piece)`` for a piece of
a label too long for one line."""

PICKED_BY_KEY = 9
"""A single choice of up to nine is picked by its digit; a longer list is typed (number, Enter)."""


class AnswerInput(Input):
    """The typed answer's field. The visit screen outlives every household's checklist, and an
    Input subscribes itself to its screen's text-selection signal without ever leaving it: the
    subscription would keep each household's field alive all day."""

    def on_unmount(self) -> None:
        self.screen.text_selection_started_signal.unsubscribe(self)


class Answered:
    """A new value for an item (for typed items, the raw text) for the screen to check and save."""

    def __init__(self, item: Item, value: Any, move: int = 0) -> None:
        self.item, self.value, self.move = item, value, move
        """move: items to move the cursor once the value is saved (typed items: Enter, arrows)."""


class _Lines(ScrollView, can_focus=False):
    """The checklist's lines, drawn one by one (the :class:`Checklist` decides what they are)."""

    COMPONENT_CLASSES = {
        "checklist--cursor",
        "checklist--section",
        "checklist--note",
        "checklist--error",
        "checklist--hint",
        "checklist--required",
        "checklist--dim",
        "checklist--picked",
        "checklist--number",
    }

    def __init__(self, checklist: Checklist) -> None:
        super().__init__()
        self.checklist = checklist
        self._base: Style | None = None
        self._styles: dict[str, Style] = {}
        self._drawn: dict[tuple, Strip] = {}
        """Lines drawn, by what they show: an answer that shows or hides a question shifts the
        lines below it, which are then found here rather than drawn again."""
        self._drawn_with: Style | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base = self.rich_style  # once for all the lines drawn now, as PagedList does
        self._styles = {}  # and each component's style (the stylesheet may have changed since)
        if self._base != self._drawn_with:
            self._drawn, self._drawn_with = {}, self._base
        try:
            return super().render_lines(crop)
        finally:
            self._base = None

    def forget(self, names: list[str] | None = None) -> None:
        """Draw these items' lines (all lines: None) again when next shown."""
        if names is None:
            self._drawn = {}
        else:
            wanted = set(names)
            self._drawn = {key: strip for key, strip in self._drawn.items() if key[1] not in wanted}

    def render_line(self, y: int) -> Strip:
        base = self.rich_style if self._base is None else self._base
        index = self.scroll_offset.y + y
        width = self.size.width
        line = self.checklist.lines[index] if 0 <= index < len(self.checklist.lines) else None
        if line is None:
            return Strip.blank(width, base)
        key = (*line, width, self.checklist.on_cursor(index))
        found = self._drawn.get(key)
        if found is None:
            found = self._drawn[key] = self._draw(index, width, base, key[-1])
        return found

    def _draw(self, index: int, width: int, base: Style, cursor: bool) -> Strip:
        text_line = self.checklist.line_text(index)
        if text_line is None:  # the lines changed under the view: drawn again on the next frame
            return Strip.blank(width, base)
        if cursor:
            base = base + Style(bgcolor=self.get_component_rich_style("checklist--cursor").bgcolor)
        text_line.truncate(width, overflow="ellipsis")
        segments = [
            Segment(s.text, base + s.style if s.style else base) for s in text_line.render(self.app.console, end="")
        ]
        return Strip(segments).crop_extend(0, width, base)

    def on_mount(self) -> None:
        lines = len(self.checklist.lines)  # laid out at the width the view will have
        self.fit(lines, shrink=True)
        self.checklist._sized_before_layout(lines)

    def fit(self, lines: int, shrink: bool = False) -> None:
        """Scroll as far as there are lines. An answer that hides questions leaves the height as
        it was: a changed height lays the whole screen out again (~10 ms a key), so it grows as
        questions appear and shrinks only when the screen is laid out anyway (a resize). The
        width stays 0: lines are laid out to the view's width and never scroll sideways, so the
        first size the view gets does not lay the screen out once more."""
        height = lines if shrink else max(lines, self.virtual_size.height)
        if height != self.virtual_size.height:
            self.virtual_size = Size(0, height)

    def style(self, name: str) -> Style:
        found = self._styles.get(name)
        if found is None:
            found = self._styles[name] = self.get_component_rich_style(f"checklist--{name}", partial=True)
        return found

    def on_resize(self) -> None:
        """Laid out again at the new size, the cursor kept in view (a notice that takes room)."""
        self.fit(len(self.checklist.lines), shrink=True)
        self.call_after_refresh(self.checklist._scroll_to_cursor)


class Checklist(Translated, Container, can_focus=True):
    """A visit's form as lines, with a cursor over its answerable items (see the module's
    docstring). ``state`` is the screen's :class:`FormState`: the checklist reads it to draw and
    never changes it; the screen updates it and calls :meth:`changed`."""

    BINDINGS = [
        bind("up,k", "move(-1)", "checklist.up", show=False),
        bind("down,j", "move(1)", "checklist.down", show=False),
        bind("space,enter", "answer", "checklist.toggle"),
        *(bind(str(n), f"pick({n})", f"checklist.pick{n}", show=False) for n in range(1, 10)),
        bind("0,backspace,delete", "clear", "checklist.clear", show=False),
        bind("escape", "revert", "checklist.revert", show=False),
    ]

    def __init__(self, form: Form, state: FormState, save: Callable[[Answered], None], **kwargs) -> None:
        super().__init__(**kwargs)
        self._translate_bindings()
        self.form, self.state, self.save = form, state, save
        answered = [i for i in form.items if i.answered]
        self.numbers = {item.name: n for n, item in enumerate(answered, 1)}
        self.errors: dict[str, str] = {}
        self._lines: list[tuple[str, str, int]] | None = None
        """(kind, name, part): section, question, answer (part: which of its lines), error, note;
        kind "" for a blank line. Laid out when first drawn, at the width there is then."""
        self._shared = _shared(form)
        self._breaks: dict[str, Breaks] = {}
        self._wrapped: dict[tuple[str, str], list[Text]] = {}
        """A question's, note's or message's lines at the current width: a long one wraps under
        its text, never cut (a narrow terminal, a long English question)."""
        """Which of an item's offered choices go on each of its answer lines at the current
        width (a long list wraps); worked out from text widths, the Texts drawn only when seen."""
        self._span: dict[str, tuple[int, int]] = {}
        self.width = 80
        self.rows: list[Item] = []
        """The items the cursor can be on: answerable and relevant now, in form order."""
        self._question_line: dict[str, int] = {}
        self.cursor = 0
        self.editing_item: Item | None = None
        self.view = _Lines(self)
        self._layout()

    def compose(self) -> ComposeResult:
        yield self.view
        field = AnswerInput(select_on_focus=False, classes="checklist-input")
        field.can_focus = False
        yield field

    @property
    def input(self) -> AnswerInput:
        return self.query_one(AnswerInput)

    @property
    def current(self) -> Item | None:
        return self.rows[self.cursor] if self.rows else None

    @property
    def editing(self) -> bool:
        return self.editing_item is not None and self.input.has_focus

    # -- lines ------------------------------------------------------------------------------------
    def _layout(self) -> None:
        """The items the cursor can be on now (one pass over the form); their lines are laid out
        again when next drawn."""
        current = self.current
        self.rows = [i for i in self.form.items if i.type != "note" and self.state.shown(i)]
        if current is not None and current in self.rows:
            self.cursor = self.rows.index(current)
        else:
            self.cursor = min(self.cursor, max(0, len(self.rows) - 1))
        self._lines = None
        if self.is_mounted:
            self.view.fit(len(self.lines))

    @property
    def lines(self) -> list[tuple[str, str, int]]:
        if self._lines is None:
            self._lay_out_lines()
        return self._lines  # type: ignore[return-value]

    def _lay_out_lines(self) -> None:
        """The lines of every item shown now, with a title where a group begins, at the width
        they are drawn at. Before the view's first layout, at the width it will have: laid out
        at a guess, they would be laid out again at the real width a frame later (~15 ms on a
        long form), the screen laid out once more for the height."""
        drawn = self.view.scrollable_content_region.width if self.view.is_mounted else 0
        if drawn:
            self._at_width(drawn)
            self._lines_now()
            return
        room, height, bar = self._room_to_come()
        self._at_width(room - bar)
        self._lines_now()
        if room and bar and len(self._lines or ()) <= height:  # they fit: no scrollbar after all
            self._at_width(room)
            self._lines_now()

    def _at_width(self, width: int) -> None:
        if width and max(20, width) != self.width:
            self.width = max(20, width)
            self._breaks.clear()
            self._wrapped.clear()

    def _lines_now(self) -> None:
        lines: list[tuple[str, str, int]] = []
        open_path: list[str] = []
        self._span = {}
        for item in self.form.items:
            if not self.state.shown(item):
                continue
            path = [g.name for g in self.form.sections(item)]
            shared = 0
            while shared < min(len(path), len(open_path)) and path[shared] == open_path[shared]:
                shared += 1
            for name in path[shared:]:
                if lines:
                    lines.append(("", "", 0))
                lines.append(("section", name, 0))
            open_path = path
            if item.type == "note":
                lines += [("note", item.name, part) for part in range(len(self.wrapped("note", item)))]
                continue
            first = len(lines)
            lines += [("question", item.name, part) for part in range(len(self.wrapped("question", item)))]
            lines += [("answer", item.name, part) for part in range(len(self.breaks(item)))]
            if self.errors.get(item.name):
                lines += [("error", item.name, part) for part in range(len(self.wrapped("error", item)))]
            self._span[item.name] = (first, len(lines) - first)
        self._lines = lines
        self._question_line = {name: first for name, (first, _count) in self._span.items()}

    def _room_to_come(self) -> tuple[int, int, int]:
        """Before the view's first layout: the width and height it will have, from the holder's
        (the checklist fills it), and the width of the scrollbar it shows when the lines are
        taller (overflow-y auto); zeros if the holder has no size yet."""
        holder, view = self.parent, self.view
        if not isinstance(holder, Widget) or not holder.size.width or not view.is_attached:
            return 0, 0, 0
        styles = view.styles
        bar = styles.scrollbar_size_vertical if styles.overflow_y == "auto" else 0
        return holder.size.width - styles.gutter.width, holder.size.height - styles.gutter.height, bar

    def _sized_before_layout(self, lines: int) -> None:
        """Give the checklist, and the view's scrollbar if the lines will not fit, the sizes the
        screen's layout is about to give them. A widget whose size changes in a layout asks for
        another layout (Textual's rule), so a checklist found new by the first one was drawn a
        frame later than it could be, and a scrollbar found needed after it a frame later still."""
        room, height, bar = self._room_to_come()
        if not room or not isinstance(self.parent, Widget):
            return
        self.set_reactive(Widget.virtual_size, self.parent.size)
        if bar and lines > height:
            self.view.show_vertical_scrollbar = True
            scrollbar = self.view.vertical_scrollbar
            scrollbar.display = True
            self.app.stylesheet.apply(scrollbar)
            scrollbar.set_reactive(Widget.virtual_size, Size(room, height))

    def span(self, name: str) -> tuple[int, int] | None:
        """(first line, lines) of an item shown now."""
        self.lines  # noqa: B018 - laid out if it is not
        return self._span.get(name)

    def cursor_line(self) -> int:
        """The line the cursor is drawn on (-1 while the checklist has no focus)."""
        if not self.has_focus_within or self.current is None:
            return -1
        self.lines  # noqa: B018 - laid out if it is not
        return self._question_line.get(self.current.name, -1)

    def on_cursor(self, index: int) -> bool:
        """Whether line ``index`` is drawn with the cursor: every line of the current question."""
        if self.cursor_line() < 0:
            return False
        kind, name, _part = self.lines[index]
        return kind == "question" and name == self.current.name  # type: ignore[union-attr]

    def line_text(self, index: int) -> Text | None:
        if not 0 <= index < len(self.lines):
            return None
        kind, name, part = self.lines[index]
        if not kind:
            return Text("")
        if kind == "section":
            return self._section(name)
        item = self.form.by_name[name]
        if kind in ("note", "question", "error"):
            found = self.wrapped(kind, item)
            return found[part] if part < len(found) else Text("")
        return self._answer(item, part)

    def wrapped(self, kind: str, item: Item) -> list[Text]:
        """The lines of an item's question (number, text, required mark, hint), note or message,
        wrapped at the width under their text."""
        found = self._wrapped.get((kind, item.name))
        if found is None:
            if kind == "question":
                number = f"{self.numbers.get(item.name, 0):>2}. "
                found = _wrap(Text(number, self._style("dim")), self._question(item), self.width)
            elif kind == "note":
                found = _wrap(Text(""), Text(self.state.words(item.label), self._style("note")), self.width)
            else:
                found = _wrap(
                    Text(" " * INDENT), Text(self.errors.get(item.name, ""), self._style("error")), self.width
                )
            if self.is_mounted:  # styled only once mounted: not kept before
                self._wrapped[(kind, item.name)] = found
        return found

    def _section(self, name: str) -> Text:
        depth, group = 0, self.form.groups[name]
        while group.parent:
            depth += 1
            group = self.form.groups[group.parent]
        words = self.state.words(self.form.groups[name].label) or name
        return Text("  " * depth + "■ " + words, self.view.style("section"))

    def _question(self, item: Item) -> Text:
        line = Text()
        line.append(self.state.words(item.label) or item.name, "bold")
        if self.state.required.get(item.name):
            line.append(" *", self._style("required"))
        hint = self.state.words(item.hint)
        if hint:
            line.append("  " + hint, self._style("hint"))
        return line

    def breaks(self, item: Item) -> Breaks:
        """The item's answer lines: one for a typed value, its choices wrapped to the width."""
        found = self._breaks.get(item.name)
        if found is None:
            found = self._breaks[item.name] = self._wrap(item)
        return found

    def _wrap(self, item: Item) -> Breaks:
        if self.typed(item):
            return [[]]
        offered = self.state.choices(item)
        key = (
            item.list,
            self.width,
            self.form.yes_no(item),
            language(),
            None if item.name not in self.state.offered else tuple(c.name for c in offered),
        )
        found = self._shared.breaks.get(key)
        if found is None:
            found = self._shared.breaks[key] = self._shared.wrap(item.list, offered, key[2], self.width)
        return found

    def _style(self, name: str) -> Style | str:
        return self.view.style(name) if self.is_mounted else ""

    def _answer(self, item: Item, part: int) -> Text:
        value = self.state.values.get(item.name)
        line = Text(" " * INDENT)
        if self.typed(item):
            if value is None:
                line.append("—", self._style("dim"))
            elif self._typed_choice(item):
                line.append(self.form.choice_label(item, str(value)), self._style("picked"))
            else:
                line.append(raw_value(item, value))
            return line
        chosen = value if isinstance(value, list) else [value]
        choices = self.state.choices(item)
        breaks = self.breaks(item)
        yes_no = self.form.yes_no(item)
        for k, n in enumerate(breaks[part] if part < len(breaks) else []):
            if isinstance(n, tuple):  # a piece of a label too long for one line
                n, piece = n
                label = self._shared.pieces(choices[n], len(str(n + 1)) + 1, self.width)[piece]
                picked_style = self._style("picked") if choices[n].name in chosen else ""
                line.append(f"{n + 1}." if piece == 0 else " " * (len(str(n + 1)) + 1), self._style("number"))
                line.append(label, picked_style)
                continue
            choice = choices[n]
            picked = choice.name in chosen
            if k:
                line.append("  ")
            if yes_no:
                line.append(f" {_label(choice)} ", self._style("picked") if picked else self._style("dim"))
            else:
                line.append(f"{n + 1}.", self._style("number"))
                line.append(_label(choice), self._style("picked") if picked else "")
        return line

    def _typed_choice(self, item: Item) -> bool:
        return item.type == "select_one" and len(self.state.choices(item)) > PICKED_BY_KEY

    def typed(self, item: Item | None) -> TypeGuard[Item]:
        """Whether the item is answered by typing (numbers, dates, text, a long single choice)."""
        return item is not None and (item.type in TYPED or self._typed_choice(item))

    # -- what the screen tells it ------------------------------------------------------------------
    def changed(self, names: list[str]) -> None:
        """The state of these items changed (their value, relevance, requiredness, choices):
        lay the lines out again if what is shown changed, else repaint their lines."""
        spans = {name: self.span(name) for name in names}
        for name in names:
            self._breaks.pop(name, None)
            self._wrapped.pop(("question", name), None)  # a question may have become required
            self._wrapped.pop(("note", name), None)  # or show another answer (${name} in its words)
        self.view.forget(names)
        shown = [i.name for i in self.rows]
        self._layout()
        moved = any(self.span(name) != span for name, span in spans.items())
        if moved or [i.name for i in self.rows] != shown or any(n in self.form.groups for n in names):
            self.view.refresh()
            return
        for name in names:
            self._repaint(name)

    def _repaint(self, name: str) -> None:
        span = self.span(name)
        if span is None or not self.is_mounted:
            return
        view = self.view
        view.refresh(Region(0, span[0] - view.scroll_offset.y, view.size.width, span[1]))

    def on_resize(self) -> None:
        if (
            self.view.scrollable_content_region.width
            and max(20, self.view.scrollable_content_region.width) != self.width
        ):
            self._wrapped.clear()
            self.view.forget()
            self._layout()
            self.view.refresh()

    def show_error(self, item: Item, message: str) -> None:
        """A message under the item's answer ("" clears it)."""
        if (self.errors.get(item.name) or "") == message:
            return
        if message:
            self.errors[item.name] = message
        else:
            self.errors.pop(item.name, None)
        self._wrapped.pop(("error", item.name), None)
        self.view.forget([item.name])
        self._layout()
        if self.is_mounted:
            self.view.refresh()

    # -- the cursor ---------------------------------------------------------------------------------
    def move_to(self, item: Item) -> None:
        """Put the cursor on ``item``: two question lines repainted, no layout, no focus change."""
        if item not in self.rows:
            return
        before = self.current
        self.cursor = self.rows.index(item)
        if before is not None:
            self._repaint(before.name)
        self._repaint(item.name)
        if self.typed(before) != self.typed(item) and self.has_focus:
            self.screen.refresh_bindings()  # a typed line has other keys than a choice line
        if self.view.size.height:
            self._scroll_to_cursor()
        else:
            self.call_after_refresh(self._scroll_to_cursor)

    def _scroll_to_cursor(self) -> None:
        """The current item's lines in view, with its section's title when it opens one."""
        item = self.current
        found = self.span(item.name) if item is not None else None
        if found is None:
            return
        first, count = found
        while first > 0 and self.lines[first - 1][0] in ("section", ""):
            first -= 1
            count += 1
        self.view.scroll_to_region(Region(0, first, 1, count), animate=False, force=True)

    def focus_item(self, item: Item) -> None:
        """The cursor on ``item`` and the focus on the checklist."""
        self.move_to(item)
        if not self.has_focus:
            self.focus(scroll_visible=False)

    def on_focus(self) -> None:
        self.view.refresh()

    def on_blur(self) -> None:
        if not self.has_focus_within:
            self.view.refresh()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        item = self.editing_item
        if item is not None and event.widget is self.input:
            if self.dirty() and self.app.is_running:
                self.save(Answered(item, self.input.value))
            if self.editing_item is item and not self.input.has_focus:
                self._hide_input()

    def on_click(self, event: events.Click) -> None:
        index = self.view.scroll_offset.y + event.y
        if 0 <= index < len(self.lines) and self.lines[index][0] in ("question", "answer", "error"):
            item = self.form.by_name[self.lines[index][1]]
            self.focus_item(item)

    # -- keys ---------------------------------------------------------------------------------------
    def key_help(self) -> str:
        """The typing rule, under the ``?`` key map (which lists the keys that are not typed)."""
        return t("checklist.typing_rule")

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        item = self.current
        if action in KEYED_ACTIONS:
            return item is not None and not self.typed(item)
        if action == "answer":  # toggles a choice line, starts typing a typed one
            return item is not None and (not self.typed(item) or not self.editing)
        if action == "revert":  # Escape puts back typed text only while typing; otherwise it leaves the screen
            return self.editing
        return True

    def starts_typing(self, item: Item, character: str) -> bool:
        """Whether ``character`` can begin this item's answer (the screen's keys aside)."""
        if item.type == "text":
            return True
        return character.isdecimal() or (item.type in ("integer", "decimal") and character in "-.")

    def on_key(self, event: events.Key) -> None:
        """On a typed line, a key that can begin its answer starts typing it (unless it is bound)."""
        item = self.current
        if not self.typed(item) or self.editing or not event.is_printable or not event.character:
            return
        if not self.starts_typing(item, event.character) or event.key in self.screen.active_bindings:
            return
        event.stop()
        event.prevent_default()
        self.edit(item, event.character)

    def on_paste(self, event: events.Paste) -> None:
        """Pasted text on a typed line becomes its answer, to check and save with Enter."""
        item = self.current
        if self.typed(item) and not self.editing and event.text.strip():
            event.stop()
            self.edit(item, event.text.strip())

    def action_move(self, step: int) -> None:
        item = self.current
        if item is None:
            return
        if self.editing_item is not None:
            if self.dirty():
                self.save(Answered(self.editing_item, self.input.value, move=step))
                return  # the screen moves on once it is saved
            self.stop_editing()
        self.move_by(step)

    def move_by(self, step: int) -> None:
        index = self.cursor + step
        if 0 <= index < len(self.rows):
            self.move_to(self.rows[index])

    def action_answer(self) -> None:
        """Space and Enter, one binding (a [keymap] remap of one key must not unbind the other)."""
        item = self.current
        if item is None:
            return
        if self.typed(item):
            self.edit(item)
        elif self.form.yes_no(item):
            value = self.state.values.get(item.name)
            self.save(Answered(item, "yes" if value in (None, "no") else "no"))
        else:
            self.action_pick(1 if self.state.values.get(item.name) in (None, []) else 0)

    def action_pick(self, n: int) -> None:
        item = self.current
        if item is None or self.typed(item):
            return
        choices = [c.name for c in self.state.choices(item)]
        if not 1 <= n <= len(choices):
            self.show_error(item, t("tui.checklist.no_such_choice", n=n, count=len(choices)))
            return
        name = choices[n - 1]
        if item.type == "select_multiple":
            current = list(self.state.values.get(item.name) or [])
            current = [k for k in current if k != name] if name in current else [*current, name]
            self.save(Answered(item, current))
        else:
            self.save(Answered(item, name))

    def action_clear(self) -> None:
        item = self.current
        if item is not None:
            self.save(Answered(item, None))

    def action_revert(self) -> None:
        item = self.editing_item
        if item is not None:
            self.input.value = self.raw(item)
            self.show_error(item, "")
            self.stop_editing()

    # -- typing -------------------------------------------------------------------------------------
    def raw(self, item: Item) -> str:
        """The item's answer as it is typed."""
        value = self.state.values.get(item.name)
        if value is None:
            return ""
        if self._typed_choice(item):
            names = [c.name for c in self.state.choices(item)]
            return str(names.index(value) + 1) if value in names else ""
        return raw_value(item, value)

    def dirty(self) -> bool:
        item = self.editing_item
        return item is not None and self.input.value.strip() != self.raw(item)

    def typed_value(self, item: Item, typed: str) -> Any:
        """What was typed, as the value to check: a long single choice's number is its name."""
        if self._typed_choice(item):
            choices = self.state.choices(item)
            number = typed.strip()
            if number.isdecimal() and 1 <= int(number) <= len(choices):
                return choices[int(number) - 1].name
            return number  # not a choice: the form says so
        return typed

    def edit(self, item: Item, first: str | None = None) -> None:
        """Lay the input over the item's answer line and give it the focus, with ``first`` (the
        key that started it) typed in, else the answer as it stands."""
        self.move_to(item)
        shown = self.span(item.name)
        if shown is None:  # not among the lines shown: nothing to lay the input over
            return
        self.editing_item = item
        field = self.input
        field.value = first if first is not None else self.raw(item)
        y = shown[0] + 1 - self.view.scroll_offset.y
        field.styles.offset = (INDENT, max(0, y))  # past the lines' own padding (1) and its own (1)
        field.styles.width = max(12, min(60, self.size.width - INDENT))
        field.placeholder = "2026-07-14" if item.type == "date" else ""
        field.display = True
        field.can_focus = True
        field.focus()  # the keys typed after this one wait until it has the focus (typeahead)
        field.cursor_position = len(field.value)

    def stop_editing(self) -> None:
        if self.input.has_focus:
            self.focus(scroll_visible=False)
        self._hide_input()

    def _hide_input(self) -> None:
        self.editing_item = None
        field = self.input
        field.can_focus = False
        field.display = False
        self.screen.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        item = self.editing_item
        if item is None:
            return
        if event.value.strip() != self.raw(item):  # the text as it was when Enter was pressed
            self.save(Answered(item, event.value, move=1))
        else:
            self.stop_editing()
            self.move_by(1)


def _wrap(lead: Text, body: Text, width: int) -> list[Text]:
    """``lead`` then ``body``; a body too long for the line goes on under itself, not under the
    lead (a question's text under its text, not under its number)."""
    indent = lead.cell_len
    if indent + body.cell_len <= width:
        return [lead + body]
    spans = wrap_spans(body.plain, max(1, width - indent))
    return [(lead if n == 0 else Text(" " * indent)) + body[start:end] for n, (start, end) in enumerate(spans)]


def _label(choice) -> str:
    """A choice's label that wraps as one word."""
    return (text(choice.label) or choice.name).replace(" ", "\u00a0")


class _Layout:
    """What every checklist of one form shares (its lists' label widths, how a list of choices
    wraps at a width): worked out for the first visit of the day, then found."""

    def __init__(self) -> None:
        self.widths: dict[tuple[str, str], dict[str, int]] = {}
        self.breaks: dict[tuple[Any, ...], Breaks] = {}
        self._pieces: dict[tuple, list[str]] = {}

    def pieces(self, choice, number: int, width: int) -> list[str]:
        """A label too long for a whole line, in the lines it takes under itself."""
        key = (choice.name, id(choice), language(), number, width)
        found = self._pieces.get(key)
        if found is None:
            label = text(choice.label) or choice.name
            room = max(1, width - INDENT - number)
            found = self._pieces[key] = [label[start:end] for start, end in wrap_spans(label, room)]
        return found

    def wrap(self, list_name: str, offered: Sequence[Choice], yes_no: bool, width: int) -> Breaks:
        """Which choices go on each line; a label longer than a line has lines of its own, each
        an ``(n, piece)``."""
        key = (list_name, language())
        widths = self.widths.get(key)
        if widths is None:
            widths = self.widths[key] = {}
        lines: Breaks = [[]]
        used = INDENT
        for n, choice in enumerate(offered):
            cells = widths.get(choice.name)
            if cells is None:
                cells = widths[choice.name] = cell_len(_label(choice))
            number = 2 if yes_no else len(str(n + 1)) + 1
            cells += number
            if not yes_no and INDENT + cells > width:
                if lines[-1]:
                    lines.append([])
                for piece in range(len(self.pieces(choice, number, width))):
                    if piece:
                        lines.append([])
                    lines[-1].append((n, piece))
                lines.append([])
                used = INDENT
                continue
            if lines[-1] and used + 2 + cells > width:
                lines.append([])
                used = INDENT
            used += cells + (2 if lines[-1] else 0)
            lines[-1].append(n)
        if len(lines) > 1 and not lines[-1]:
            lines.pop()
        return lines


_layouts: WeakKeyDictionary[Form, _Layout] = WeakKeyDictionary()


def _shared(form: Form) -> _Layout:
    found = _layouts.get(form)
    if found is None:
        found = _layouts[form] = _Layout()
    return found


def raw_value(item: Item, value: Any) -> str:
    """A stored answer as it is typed (no ``.0`` on a whole number)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
