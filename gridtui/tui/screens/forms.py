"""A small form over the current screen, shared by the office's registry screens.

A form is a few labelled inputs and a ``save(values)`` callable that calls gridtui.domain and
returns the notice to show. The save goes through the app's writes (:mod:`gridtui.tui.writes`),
so another program's lock never freezes the screen. A refusal (any GridError: a bad date, a move
the domain does not allow) is shown inline under the form, in the user's language, with the
cursor on the field it names; nothing is written and the form stays open.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from gridtui.errors import GridError, ValidationError
from gridtui.i18n import t
from gridtui.tui.keys import bind
from gridtui.tui.screens.base import GridModal

Field = tuple[str, str, str]
"""(name, label, starting value); ``name`` matches the domain's field name (ValidationError.field)."""


class FormDialog(GridModal):
    """Labelled inputs; Enter moves on (saves from the last one), ctrl+s saves, Escape cancels."""

    BINDINGS = [
        bind("escape", "dismiss", "dialog.close"),
        bind("ctrl+s", "save", "registry.form_save"),
    ]

    def __init__(self, title: str, fields: list[Field], save: Callable[[dict[str, str]], str]) -> None:
        super().__init__()
        self.form_title, self.fields, self.save = title, fields, save

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(self.form_title, classes="dialog-title", markup=False)
            for name, label, value in self.fields:
                with Horizontal(classes="form-row"):
                    yield Label(label, classes="form-label", markup=False)
                    yield Input(value, id=f"form-{name}", classes="form-input")
            yield Static("", id="form-error", classes="item-error", markup=False)
            yield Static(t("registry.form.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#form-error", Static).display = False
        self.query(Input).first().focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input is self.query(Input).last():
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        values = {name: self.query_one(f"#form-{name}", Input).value.strip() for name, _, _ in self.fields}
        save, app = self.save, self.app
        try:
            app.writes.save(lambda: save(values), shown=app.notify)
        except GridError as exc:
            error = self.query_one("#form-error", Static)
            error.update(exc.message())
            error.display = True
            if isinstance(exc, ValidationError) and self.query(f"#form-{exc.field}"):
                self.query_one(f"#form-{exc.field}", Input).focus()
            return
        except Exception as exc:  # noqa: BLE001 - one sentence, never a traceback
            self.app.report(exc)
            return
        self.dismiss(True)


def required(values: dict[str, str], *names: str) -> None:
    """Refuse an empty field the domain would accept but the office needs (one inline sentence)."""
    for name in names:
        if not values.get(name):
            raise ValidationError(name, "validate.required")


class ChoiceDialog(GridModal):
    """A question with a few answers (end this volunteer: send their needs back, or keep them?).

    ``choices`` are (key, label); Enter on one runs ``save(key)`` through the app's writes and
    closes the dialog with the key; Escape closes it with nothing done. A refusal is shown under
    the question and the dialog stays open.
    """

    BINDINGS = [bind("escape", "dismiss", "dialog.close")]

    def __init__(self, title: str, question: str, choices: list[tuple[str, str]], save: Callable[[str], str]) -> None:
        super().__init__()
        self.form_title, self.question, self.choices, self.save = title, question, choices, save

    def compose(self) -> ComposeResult:
        from textual.widgets import OptionList
        from textual.widgets.option_list import Option

        with Vertical(classes="dialog wide"):
            yield Static(self.form_title, classes="dialog-title", markup=False)
            yield Static(self.question, markup=False)
            yield OptionList(*(Option(label, id=key) for key, label in self.choices), id="choice-list")
            yield Static("", id="form-error", classes="item-error", markup=False)
            yield Static(t("registry.choice.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#form-error", Static).display = False
        self.query_one("#choice-list").focus()

    def on_option_list_option_selected(self, event) -> None:
        event.stop()
        key, save, app = event.option.id, self.save, self.app
        try:
            app.writes.save(lambda: save(key), shown=app.notify)
        except GridError as exc:
            error = self.query_one("#form-error", Static)
            error.update(exc.message())
            error.display = True
            return
        except Exception as exc:  # noqa: BLE001 - one sentence, never a traceback
            self.app.report(exc)
            return
        self.dismiss(key)
