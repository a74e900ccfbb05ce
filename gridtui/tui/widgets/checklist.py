"""The checklist of a visit: one item per line, answered from the keyboard.

A row does not write anything itself: it hands an :class:`Answered` (the value, or the typed
text) to the checklist's ``save`` callable and the visit screen saves it through ``visits.answer`` at once, then tells the row what
was stored (:meth:`ItemRow.show_value`) or why not (:meth:`ItemRow.show_error`). Bad input keeps
the focus where it is and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Static

from gridtui.i18n import pick, t
from gridtui.tui.keys import Translated, bind

TYPED = ("number", "text", "date")
"""Item types answered by typing into an input; the others by single keys."""


def choice_label(choice: dict) -> str:
    return pick(choice.get("zh"), choice.get("en"))


def unit_label(spec: dict) -> str:
    unit = spec.get("unit") or {}
    return pick(unit.get("zh"), unit.get("en"))


class Answered:
    """A row's new value (or, for typed items, the raw text) for the screen to save."""

    def __init__(self, row: ItemRow, value: Any, move: int = 0) -> None:
        self.row, self.value, self.move = row, value, move
        """move: rows to move the focus once the value is saved (typed items: Enter, arrows)."""


class ItemRow(Translated, Widget):
    """One checklist item: its question, its answer, and a line for a validation message."""

    BINDINGS = [
        bind("up,k", "move(-1)", "checklist.up", show=False),
        bind("down,j", "move(1)", "checklist.down", show=False),
    ]

    def __init__(self, item, value: Any, number: int) -> None:
        super().__init__(classes=f"item-row item-{item.type}")
        self._translate_bindings()
        self.item, self.value, self.number = item, value, number

    def question(self) -> Text:
        text = Text()
        text.append(f"{self.number:>2}. ", "dim")
        text.append(pick(self.item.zh, self.item.en), "bold")
        if self.item.required:
            text.append(" *", "red")
        return text

    def answered(self, answer: Answered) -> None:
        """Hand the value to the checklist's ``save`` now, not through the message queue: the
        answer is written before the next key (``]``, ``D``) is handled, whatever the typing speed."""
        checklist = next(a for a in self.ancestors if isinstance(a, Checklist))
        checklist.save(answer)

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
        rows = list(self.parent.query(ItemRow)) if self.parent else [self]
        index = rows.index(self) + step
        if 0 <= index < len(rows):
            rows[index].focus()


class KeyedRow(ItemRow, can_focus=True):
    """yes/no, single and multiple choice: space/enter toggles, digits pick, 0 clears."""

    BINDINGS = [
        bind("space,enter", "toggle", "checklist.toggle"),
        *(bind(str(n), f"pick({n})", f"checklist.pick{n}", show=False) for n in range(1, 10)),
        bind("0,backspace,delete", "clear", "checklist.clear", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static(self.question(), classes="item-question")
        yield Static(self.answer_text(), classes="item-answer")
        yield Static("", classes="item-error", markup=False)

    def on_mount(self) -> None:
        self.show_error("")

    def answer_text(self) -> Text:
        if self.item.type == "yesno":
            text = Text()
            for label, on in ((t("tui.answer.yes"), True), (t("tui.answer.no"), False)):
                text.append(f" {label} ", "reverse bold" if self.value is on else "dim")
                text.append(" ")
            return text
        chosen = self.value if isinstance(self.value, list) else [self.value]
        text = Text()
        for n, choice in enumerate(self.item.spec.get("choices", []), 1):
            picked = choice["key"] in chosen
            text.append(f"{n}.", "bold cyan")
            text.append(choice_label(choice).replace(" ", "\u00a0"), "reverse bold" if picked else "")
            text.append("  ")
        return text

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


class TypedRow(ItemRow, can_focus=True):
    """number, text and date. Typing on the line (a digit, a Chinese character from the input
    method, or Enter) starts editing; Enter or leaving the line saves; Escape puts it back.

    The input takes the focus only while editing, so the visit's single-letter keys (D, N, ]...)
    keep working on the line and show in the footer.
    """

    BINDINGS = [
        bind("enter", "edit", "checklist.edit"),
        bind("escape", "revert", "checklist.revert", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static(self.question(), classes="item-question")
        placeholder = unit_label(self.item.spec) if self.item.type == "number" else (
            "2026-07-14" if self.item.type == "date" else "")
        field = Input(self.raw_value(), placeholder=placeholder, select_on_focus=False, classes="item-input")
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
        field.focus()
        if first:
            field.value = first
        field.cursor_position = len(field.value)

    def stop_editing(self) -> None:
        if self.editing:
            self.focus()
        self.input.can_focus = False

    def on_key(self, event) -> None:
        """An unbound printable key on the line starts typing the answer."""
        if self.editing or not event.is_printable or event.key in self.screen.active_bindings:
            return
        event.stop()
        event.prevent_default()
        self.action_edit(event.character or "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.dirty():
            self.answered(Answered(self, self.input.value, move=1))
        else:
            self.stop_editing()
            self.action_move(1)

    def action_move(self, step: int) -> None:
        if self.dirty():
            self.answered(Answered(self, self.input.value, move=step))
            return  # the screen moves on once it is saved
        self.input.can_focus = False
        super().action_move(step)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Escape puts back typed text only while typing; otherwise it leaves the screen."""
        return self.editing if action == "revert" else True

    def action_revert(self) -> None:
        self.input.value = self.raw_value()
        self.show_error("")
        self.stop_editing()

    def on_descendant_blur(self) -> None:
        if self.dirty() and self.app.is_running:
            self.answered(Answered(self, self.input.value))
        else:
            self.input.can_focus = False


class Checklist(VerticalScroll, can_focus=False):
    """The rows of one visit's checklist, in template order."""

    def __init__(self, items: list, answers: dict[str, Any], save: Callable[[Answered], None], **kwargs) -> None:
        super().__init__(**kwargs)
        self.items, self.answers, self.save = items, answers, save

    def compose(self) -> ComposeResult:
        for n, item in enumerate(self.items, 1):
            row_type = TypedRow if item.type in TYPED else KeyedRow
            yield row_type(item, self.answers.get(item.id), n)
