"""Sync from the TUI: import bundles with a progress bar, export one, and the conflict inbox.

The same :mod:`gridtui.sync.transfer` and :mod:`gridtui.sync.conflicts` functions as
``gridtui import``/``export``/``conflicts``: verify everything, then merge in one transaction;
a refusal is its one sentence in a notice. Work runs in thread workers that post messages back.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from gridtui.i18n import t
from gridtui.tui.keys import bind
from gridtui.tui.messages import InboxLoaded, SyncDone, SyncProgress
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader
from gridtui.tui.workers import db_work


def _row(label: str, widget) -> Horizontal:
    return Horizontal(Label(t(label), classes="form-label"), widget, classes="report-row")


class SyncScreen(GridScreen):
    """Import bundles (ctrl+o), export one (ctrl+s), open the conflict inbox (ctrl+r)."""

    BINDINGS = [
        bind("ctrl+o", "import_bundles", "sync.import"),
        bind("ctrl+s", "export_bundle", "sync.export"),
        bind("ctrl+r", "inbox", "sync.inbox"),
        bind("escape", "app.pop_screen", "sync.back"),
    ]

    def compose(self) -> ComposeResult:
        yield GridHeader()
        yield Static(t("sync.tui.title"), classes="screen-title")
        with Vertical(id="sync-form"):
            yield Static(t("sync.tui.import_heading"), classes="dialog-hint")
            yield _row("sync.tui.files", Input(placeholder="bundle.age …", id="sync-files", classes="form-input"))
            yield _row("sync.tui.passphrase", Input(id="sync-passphrase", classes="form-input"))
            yield Checkbox(t("sync.tui.dry_run"), id="sync-dry-run")
            yield ProgressBar(total=1, show_eta=False, id="sync-progress")
            yield Static(t("sync.tui.export_heading"), classes="dialog-hint")
            yield _row("sync.tui.out", Input(id="sync-out", classes="form-input"))
            yield _row("sync.tui.to", Input(id="sync-to", classes="form-input"))
            yield Checkbox(t("sync.tui.full"), id="sync-full")
            yield Static("", id="sync-result")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#sync-files", Input).focus()

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def action_import_bundles(self) -> None:
        try:
            files = [Path(f) for f in shlex.split(self._value("#sync-files"))]
        except ValueError:
            files = []
        if not files:
            self.notify(t("sync.tui.no_files"), severity="warning")
            return
        self.query_one("#sync-result", Static).update(t("sync.tui.working"))
        self.run_import(files, self._value("#sync-passphrase") or None, self.query_one("#sync-dry-run", Checkbox).value)

    @db_work
    def run_import(self, files: list[Path], passphrase_file: str | None, dry_run: bool) -> None:
        from gridtui.sync import transfer
        from gridtui.sync.summary import summary_line

        def progress(done: int, total: int, _what: str) -> None:
            self.post_message(SyncProgress(done, total))

        summary = transfer.import_bundles(
            files,
            dry_run=dry_run,
            passphrase=transfer.read_passphrase(passphrase_file),
            progress=progress,
        )
        self.post_message(SyncDone(summary_line(summary, dry_run)))

    def action_export_bundle(self) -> None:
        out = self._value("#sync-out")
        if not out:
            self.notify(t("sync.tui.no_out"), severity="warning")
            return
        self.run_export(
            Path(out),
            self._value("#sync-to").split(),
            self._value("#sync-passphrase") or None,
            self.query_one("#sync-full", Checkbox).value,
        )

    @db_work
    def run_export(self, out: Path, to: list[str], passphrase_file: str | None, full: bool) -> None:
        from gridtui.sync import transfer

        result = transfer.export_bundle(out, to=to, full=full, passphrase=transfer.read_passphrase(passphrase_file))
        self.post_message(SyncDone(t("sync.cli.exported", rows=result.rows, path=result.file)))

    def on_sync_progress(self, message: SyncProgress) -> None:
        self.query_one("#sync-progress", ProgressBar).update(total=message.total, progress=message.done)

    def on_sync_done(self, message: SyncDone) -> None:
        self.query_one("#sync-result", Static).update(message.text)
        self.notify(message.text)

    def action_inbox(self) -> None:
        self.app.push_screen(ConflictInbox())


class ConflictInbox(GridScreen):
    """Open conflicts and possible duplicates; m keeps mine, t takes theirs, e edits the value."""

    BINDINGS = [
        bind("m", "resolve('mine')", "sync.keep_mine"),
        bind("t", "resolve('theirs')", "sync.take_theirs"),
        bind("e", "edit", "sync.edit"),
        bind("escape", "app.pop_screen", "sync.back"),
    ]

    def compose(self) -> ComposeResult:
        yield GridHeader()
        yield Static(t("sync.tui.inbox_title"), classes="screen-title")
        yield OptionList(id="inbox-list")
        yield Static("", id="inbox-duplicates")
        yield Input(placeholder=t("sync.tui.edit_placeholder"), id="inbox-edit", classes="form-input")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#inbox-edit", Input).display = False
        self.load()

    @db_work(load=True)
    def load(self) -> None:
        from gridtui.sync import conflicts

        self.post_message(InboxLoaded(conflicts.open_conflicts(), conflicts.duplicates()))

    def on_inbox_loaded(self, message: InboxLoaded) -> None:
        if message.said:
            self.notify(message.said)
        listing = self.query_one("#inbox-list", OptionList)
        listing.clear_options()
        for c in message.conflicts:
            text = t(
                "sync.tui.conflict_line", table=c.table, row=c.row[:8], field=c.field, mine=c.mine, theirs=c.theirs
            )
            listing.add_option(Option(text, id=c.id))
        if not message.conflicts:
            listing.add_option(Option(t("sync.tui.no_conflicts"), disabled=True))
        lines = [
            t("sync.cli.duplicate", id_number=g.id_number, residents="、".join(r.name for r in g.residents))
            for g in message.duplicates
        ]
        self.query_one("#inbox-duplicates", Static).update("\n".join(lines))
        listing.focus()

    def _selected(self) -> str | None:
        listing = self.query_one("#inbox-list", OptionList)
        if listing.highlighted is None:
            return None
        option = listing.get_option_at_index(listing.highlighted)
        return None if option.disabled else option.id

    def action_resolve(self, how: str, value: str | None = None) -> None:
        conflict_id = self._selected()
        if conflict_id:
            self.resolve(conflict_id, how, value)

    @db_work
    def resolve(self, conflict_id: str, how: str, value: str | None) -> None:
        from gridtui.sync import conflicts

        done = conflicts.resolve(conflict_id, how, value)
        said = t("sync.cli.resolved", id=done.id[:8], status=t(f"sync.status.{done.status}"))
        self.post_message(InboxLoaded(conflicts.open_conflicts(), conflicts.duplicates(), said))

    def action_edit(self) -> None:
        if self._selected():
            edit = self.query_one("#inbox-edit", Input)
            edit.display = True
            edit.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.input.display = False
        self.action_resolve("edit", event.value)
        event.input.value = ""
