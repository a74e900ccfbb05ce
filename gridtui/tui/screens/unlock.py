"""The passphrase screen of an encrypted database: at start (unlock) and after idle time (lock).

At start nothing of the database is read before the passphrase opens it; the key is stretched
in a worker (about half a second, on purpose) so the screen stays alive. The idle lock covers
the whole screen (a lost laptop left open shows nobody's data) and, once the passphrase is
given again, takes the worker back to exactly where they were: the screen below keeps its state.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from gridtui.errors import GridError
from gridtui.i18n import t
from gridtui.tui.keys import bind
from gridtui.tui.messages import Unlocked, UnlockRefused
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.workers import db_work


class UnlockScreen(GridScreen):
    """Ask for the passphrase; ``locking``: the idle lock over a screen in use."""

    BINDINGS = [bind("ctrl+q", "app.quit", "unlock.quit", priority=True)]

    def __init__(self, *, locking: bool = False, passphrase: str | None = None) -> None:
        super().__init__()
        self.locking, self.given = locking, passphrase

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="unlock"):
            title = "unlock.locked_title" if self.locking else "unlock.title"
            yield Static(t(title, path=self.app.db_path), classes="dialog-title", markup=False)
            yield Input(password=True, placeholder=t("unlock.placeholder"), id="unlock-passphrase")
            yield Static("", id="unlock-status", markup=False)
            yield Static(t("unlock.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.given:  # a passphrase file: open at once, nobody to ask
            self.try_passphrase(self.given)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value:
            self.try_passphrase(event.value)

    def try_passphrase(self, phrase: str) -> None:
        self.query_one("#unlock-status", Static).update(t("unlock.opening"))
        self.query_one(Input).disabled = True
        self.open_with(phrase)

    @db_work(load=True, open_first=False)
    def open_with(self, phrase: str) -> None:
        try:
            if self.locking:
                self.app.check_passphrase(phrase)
            else:
                self.app.unlock(phrase)
        except GridError as exc:
            self.post_message(UnlockRefused(exc.message()))
            return
        self.post_message(Unlocked())

    def on_unlock_refused(self, message: UnlockRefused) -> None:
        field = self.query_one(Input)
        field.disabled, field.value = False, ""
        field.focus()
        self.query_one("#unlock-status", Static).update(message.sentence)

    def on_unlocked(self, _message: Unlocked) -> None:
        self.app.unlocked(self)
