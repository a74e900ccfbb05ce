"""The checklist of a visit: one item per line, answered from the keyboard.

A row does not write anything itself: it hands an :class:`Answered` (the value, or the typed
text) to the checklist's ``save`` callable and the visit screen saves it through ``visits.answer`` at once, then tells the row what
was stored (:meth:`ItemRow.show_value`) or why not (:meth:`ItemRow.show_error`). Bad input keeps
the focus where it is and writes nothing.

Moving between items must cost no more than any other key. A focus change in Textual repaints the
whole screen and restyles the widgets it leaves and enters, so the rows take no focus: the
:class:`Checklist` keeps it, holds every checklist key, and draws its cursor as the background of
the current item's question line (two lines repainted a move, no layout, no restyle). Only a
number, date or text line being typed into hands the focus to its input.

Typing on a number, date or text line that is not being edited yet, like a spreadsheet cell
whose letter keys stay commands: a key that can begin the line's answer starts typing it, with
that key in it. On a number line that is a digit, ``-`` or ``.``; on a date line a digit (a
letter can never begin either, so letters there are always keys); on a text line any key that is
not one of the screen's keys (the ``?`` key map lists them, as remapped): Chinese from the input
method, digits, punctuation, unbound letters. Enter or space starts typing with nothing in it,
so a text beginning with a key letter (``n`` a need, ``D`` done, ``j``/``k`` move...) starts
with Enter. The screen's keys are never stolen for an answer: ``n`` and ``D`` work on every line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Static

from gridtui.i18n import pick, t
from gridtui.tui.keys import Translated, bind
from gridtui.tui.widgets.flow import Flow

TYPED = ("number", "text", "date")
"""Item types answered by typing into an input; the others by single keys."""

KEYED_ACTIONS = frozenset({"pick", "clear"})
"""The checklist's actions for yes/no and choice lines; off on a typed line, so its keys type."""


def choice_label(choice: dict) -> str:
    return pick(choice.get("zh"), choice.get("en"))


def unit_label(spec: dict) -> str:
    unit = spec.get("unit") or {}
    return pick(unit.get("zh"), unit.get("en"))


class AnswerInput(Input):
    """A typed answer's field. The visit screen outlives every household's checklist, and an
    Input subscribes itself to its screen's text-selection signal without ever leaving it: the
    subscription would keep each household's fields alive all day."""

    def on_unmount(self) -> None:
        self.screen.text_selection_started_signal.unsubscribe(self)


class Answered:
    """A row's new value (or, for typed items, the raw text) for the screen to save."""

    def __init__(self, row: ItemRow, value: Any, move: int = 0) -> None:
        self.row, self.value, self.move = row, value, move
        """move: rows to move the cursor once the value is saved (typed items: Enter, arrows)."""


class ItemRow(Widget):
    """One checklist item: its question, its answer, and a line for a validation message."""

    def __init__(self, item, value: Any, number: int) -> None:
        super().__init__(classes=f"item-row item-{item.type}")
        self.item, self.value, self.number = item, value, number
        self.heading = Static(self.question(), classes="item-question")
        """The question's line, where the checklist draws its cursor."""

    @property
    def checklist(self) -> Checklist:
        return self.parent  # type: ignore[return-value]

    def question(self) -> Flow:
        """``NN. `` and the question; a long one wraps under its first word, not under the number."""
        body = Content.styled(pick(self.item.zh, self.item.en), "bold")
        if self.item.required:
            body += Content.styled("\u00a0*", "ansi_red")  # the mark stays with the last word
        return Flow.one(Content.styled(f"{self.number:>2}. ", "dim"), body)

    def focus(self, scroll_visible: bool = True) -> ItemRow:
        """Put the checklist's cursor on this row (the checklist keeps the focus)."""
        checklist = self.checklist
        checklist.move_to(self)
        if not checklist.has_focus:
            checklist.focus(scroll_visible=False)
        return self

    def on_click(self) -> None:
        self.focus()

    def answered(self, answer: Answered) -> None:
        """Hand the value to the checklist's ``save`` now, not through the message queue: the
        answer is written before the next key (``]``, ``D``) is handled, whatever the typing speed."""
        self.checklist.save(answer)

    def show_value(self, value: Any) -> None:
        self.value = value
        self.show_error("")
        self.refresh_answer()

    def show_error(self, message: str) -> None:
        error = self.query_one(".item-error", Static)
        if error.display or message:  # most answers have no message to clear: skip the layout
            error.update(message)
            error.display = bool(message)

    def refresh_answer(self) -> None:
        """Redraw the answer part after the value changed."""

    def action_move(self, step: int) -> None:
        """Leave this row up or down (a typed item saves first, and stays if the text is bad)."""
        self.checklist.move_from(self, step)


class KeyedRow(ItemRow):
    """yes/no, single and multiple choice: space/enter toggles, digits pick, 0 clears."""

    def compose(self) -> ComposeResult:
        yield self.heading
        yield Static(self.answer_text(), classes="item-answer")
        yield Static("", classes="item-error", markup=False)

    def on_mount(self) -> None:
        self.show_error("")

    def answer_text(self) -> Flow:
        """Yes and no, or the numbered choices: a choice too long for the line wraps under its label."""
        if self.item.type == "yesno":
            return Flow([
                (Content(), Content.styled(f" {label} ", "reverse bold" if self.value is on else "dim"))
                for label, on in ((t("tui.answer.yes"), True), (t("tui.answer.no"), False))
            ], gap=1)
        chosen = self.value if isinstance(self.value, list) else [self.value]
        return Flow([
            (Content.styled(f"{n}.", "bold ansi_cyan"),
             Content.styled(choice_label(choice), "reverse bold" if choice["key"] in chosen else ""))
            for n, choice in enumerate(self.item.spec.get("choices", []), 1)
        ])

    def refresh_answer(self) -> None:
        # The same choices, only highlighted differently: no new layout needed (a keypress saves).
        self.query_one(".item-answer", Static).update(self.answer_text(), layout=False)

    def action_toggle(self) -> None:
        if self.item.type == "yesno":
            self.answered(Answered(self, not self.value if self.value is not None else True))
        else:
            self.action_pick(1 if self.value in (None, []) else 0)

    def action_pick(self, n: int) -> None:
        choices = [c["key"] for c in self.item.spec.get("choices", [])]
        if self.item.type == "yesno":
            if n in (1, 2):
                self.answered(Answered(self, n == 1))
            return
        if not 1 <= n <= len(choices):
            self.show_error(t("tui.checklist.no_such_choice", n=n, count=len(choices)))
            return
        key = choices[n - 1]
        if self.item.type == "multi":
            current = list(self.value or [])
            current = [k for k in current if k != key] if key in current else [*current, key]
            self.answered(Answered(self, current))
        else:
            self.answered(Answered(self, key))

    def action_clear(self) -> None:
        self.answered(Answered(self, None))


class TypedRow(ItemRow):
    """number, text and date. A key that can begin the answer (the module's rule), Enter or space
    starts typing; Enter or leaving the line saves; Escape puts it back.

    The input takes the focus only while editing, so the visit's single-letter keys (D, N, ]...)
    keep working on the line and show in the footer.
    """

    def compose(self) -> ComposeResult:
        yield self.heading
        placeholder = unit_label(self.item.spec) if self.item.type == "number" else (
            "2026-07-14" if self.item.type == "date" else "")
        field = AnswerInput(self.raw_value(), placeholder=placeholder, select_on_focus=False, classes="item-input")
        field.can_focus = False
        yield field
        yield Static("", classes="item-error", markup=False)

    def on_mount(self) -> None:
        self.show_error("")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def editing(self) -> bool:
        return self.input.has_focus

    def starts_typing(self, character: str) -> bool:
        """Whether ``character`` can begin this line's answer (the screen's keys aside)."""
        if self.item.type == "text":
            return True
        return character.isdecimal() or (self.item.type == "number" and character in "-.")

    def raw_value(self) -> str:
        if self.value is None:
            return ""
        if self.item.type == "number" and float(self.value).is_integer():
            return str(int(self.value))
        return str(self.value)

    def dirty(self) -> bool:
        return self.input.value.strip() != self.raw_value()

    def refresh_answer(self) -> None:
        if self.dirty():
            self.input.value = self.raw_value()

    def action_edit(self, first: str = "") -> None:
        """Give the input the focus, with ``first`` (the key that started it) typed in."""
        field = self.input
        field.can_focus = True
        field.focus()  # the keys typed after this one wait until it has the focus (typeahead)
        if first:
            field.value = first
        field.cursor_position = len(field.value)

    def stop_editing(self) -> None:
        if self.editing:
            self.focus()
        self.input.can_focus = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() != self.raw_value():  # the text as it was when Enter was pressed
            self.answered(Answered(self, event.value, move=1))
        else:
            self.stop_editing()
            self.action_move(1)

    def action_move(self, step: int) -> None:
        if self.dirty():
            self.answered(Answered(self, self.input.value, move=step))
            return  # the screen moves on once it is saved
        self.stop_editing()
        super().action_move(step)

    def action_revert(self) -> None:
        self.input.value = self.raw_value()
        self.show_error("")
        self.stop_editing()

    def on_descendant_blur(self) -> None:
        if self.dirty() and self.app.is_running:
            self.answered(Answered(self, self.input.value))
        else:
            self.input.can_focus = False


class Checklist(Translated, VerticalScroll, can_focus=True):
    """The rows of one visit's checklist, in template order, and the cursor that moves over them.

    Every checklist key is bound here and acts on the current row; :meth:`check_action` turns
    off the keys the current row has no use for, so the footer and the ``?`` key map show the
    row's own keys, and on a typed line its digits type instead of picking a choice.
    """

    COMPONENT_CLASSES = {"checklist--cursor"}

    BINDINGS = [
        bind("up,k", "move(-1)", "checklist.up", show=False),
        bind("down,j", "move(1)", "checklist.down", show=False),
        bind("space,enter", "answer", "checklist.toggle"),
        *(bind(str(n), f"pick({n})", f"checklist.pick{n}", show=False) for n in range(1, 10)),
        bind("0,backspace,delete", "clear", "checklist.clear", show=False),
        bind("escape", "revert", "checklist.revert", show=False),
    ]

    def __init__(self, items: list, answers: dict[str, Any], save: Callable[[Answered], None], **kwargs) -> None:
        super().__init__(**kwargs)
        self._translate_bindings()
        self.items, self.answers, self.save = items, answers, save
        self.rows: list[ItemRow] = [
            (TypedRow if item.type in TYPED else KeyedRow)(item, answers.get(item.id), n)
            for n, item in enumerate(items, 1)
        ]
        self.cursor = 0
        self._drawn: ItemRow | None = None
        """The row showing the cursor: the current one while the checklist (or its input) has focus."""

    def compose(self) -> ComposeResult:
        yield from self.rows

    @property
    def current(self) -> ItemRow | None:
        return self.rows[self.cursor] if self.rows else None

    # -- the cursor ---------------------------------------------------------------------------
    def move_to(self, row: ItemRow) -> None:
        """Put the cursor on ``row``: two question lines repainted, no layout, no focus change."""
        before = self.current
        self.cursor = row.number - 1
        self._draw_cursor()
        if type(before) is not type(row) and self.has_focus:
            self.screen.refresh_bindings()  # a typed line has other keys than a yes/no line
        if not self.can_view_entire(row):
            self.call_later(self._scroll_to_cursor)

    def move_from(self, row: ItemRow, step: int) -> None:
        index = row.number - 1 + step
        if 0 <= index < len(self.rows):
            self.move_to(self.rows[index])

    def _draw_cursor(self) -> None:
        """An inline background on one question line: restyling a row by a class or a pseudo-class
        would match the stylesheet for it and its children, and repaint all its lines."""
        shown = self.current if self.has_focus_within else None
        if shown is self._drawn:
            return
        if self._drawn is not None:
            self._drawn.heading.styles.background = None
        if shown is not None:
            shown.heading.styles.background = self.get_component_styles("checklist--cursor").background
        self._drawn = shown

    def _scroll_to_cursor(self) -> None:
        """As Textual scrolls to a newly focused widget: centred, once laid out."""
        row = self.current
        if row is not None and not self.can_view_entire(row):
            self.scroll_to_center(row, animate=False, origin_visible=True)

    def on_resize(self) -> None:
        """A notice above the footer takes lines from the checklist: the cursor's row stays in view."""
        self.call_after_refresh(self._keep_cursor_in_view)

    def _keep_cursor_in_view(self) -> None:
        row = self.current
        if row is not None and not self.can_view_entire(row):
            self.scroll_to_widget(row, animate=False, immediate=True)  # laid out already

    def on_focus(self) -> None:
        self._draw_cursor()

    def on_blur(self) -> None:
        self._draw_cursor()

    def on_descendant_focus(self) -> None:
        self._draw_cursor()

    def on_descendant_blur(self) -> None:
        self._draw_cursor()

    # -- keys ---------------------------------------------------------------------------------
    def key_help(self) -> str:
        """The typing rule, under the ``?`` key map (which lists the keys that are not typed)."""
        return t("checklist.typing_rule")

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        row = self.current
        if action in KEYED_ACTIONS:
            return isinstance(row, KeyedRow)
        if action == "answer":  # toggles a yes/no or choice line, starts typing a typed one
            return isinstance(row, KeyedRow) or (isinstance(row, TypedRow) and not row.editing)
        if action == "revert":  # Escape puts back typed text only while typing; otherwise it leaves the screen
            return isinstance(row, TypedRow) and row.editing
        return True

    def on_key(self, event: events.Key) -> None:
        """On a typed line, a key that can begin its answer starts typing it (unless it is bound)."""
        row = self.current
        if not isinstance(row, TypedRow) or row.editing or not event.is_printable or not event.character:
            return
        if not row.starts_typing(event.character) or event.key in self.screen.active_bindings:
            return
        event.stop()
        event.prevent_default()
        row.action_edit(event.character)

    def on_paste(self, event: events.Paste) -> None:
        """Pasted text on a typed line becomes its answer, to check and save with Enter."""
        row = self.current
        if isinstance(row, TypedRow) and not row.editing and event.text.strip():
            event.stop()
            row.action_edit(event.text.strip())

    def action_move(self, step: int) -> None:
        if self.current is not None:
            self.current.action_move(step)

    def action_answer(self) -> None:
        """Space and Enter, one binding (a [keymap] remap of one key must not unbind the other)."""
        row = self.current
        if isinstance(row, TypedRow):
            row.action_edit()
        else:
            row.action_toggle()

    def action_pick(self, n: int) -> None:
        self.current.action_pick(n)

    def action_clear(self) -> None:
        self.current.action_clear()

    def action_revert(self) -> None:
        self.current.action_revert()
