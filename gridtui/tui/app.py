"""GridApp: the grid worker's all-day app.

Adding a screen
---------------
Top-level screens are listed once, in ``NAV``. Each entry is
``(name, key, label key, "module:factory")``; the app turns it into a binding with id
``app.<name>`` (remappable in config.toml), the label as its description (footer, ``?`` key map,
command palette), ``key.app.<name>.tip`` as its tooltip, and an ``action_nav("<name>")`` that
imports the module only when the key is first pressed. A later screen is one line, e.g.::

    ("needs", "b", "nav.needs", "gridtui.tui.screens.needs:NeedsBoard"),

The factory is called with no arguments and returns a ``Screen``; it reaches the app through
``self.app`` (``app.campaign_id``, ``app.settings``, ``app.today``).

Start-up
--------
Home is the default screen and is drawn at once; its data comes from a thread worker
(:func:`gridtui.tui.workers.db_work`) that opens the database on first use (:meth:`GridApp.ensure_db`) and posts a
typed message back. Nothing heavy is imported here: domain modules (peewee) are imported inside
the workers, pypinyin only when a name is written. Each worker closes its thread's connection
when it ends, so no page cache outlives the read it served; a screen that reads the same pages
again at every key (search) reads them on a thread of its own instead, whose connection lives
as long as the screen (:class:`gridtui.tui.workers.DbLane`).
"""

from __future__ import annotations

import gc
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.reactive import reactive
from textual.screen import Screen

from gridtui import config
from gridtui.errors import GridError
from gridtui.i18n import t
from gridtui.tui.drawn import forget_drawn
from gridtui.tui.keys import bind, translate
from gridtui.tui.messages import WritesStored, WriteStored
from gridtui.tui.typeahead import TypeAhead
from gridtui.tui.writes import Writes

NAV: list[tuple[str, str, str, str]] = [
    ("home", "h", "nav.home", "gridtui.tui.screens.home:HomeScreen"),
    ("search", "slash", "nav.search", "gridtui.tui.screens.search:SearchScreen"),
    ("campaigns", "c", "nav.campaigns", "gridtui.tui.screens.dialogs:CampaignPicker"),
    ("campaign_admin", "C", "nav.campaign_admin", "gridtui.tui.screens.campaigns:CampaignsScreen"),
    ("needs", "b", "nav.needs", "gridtui.tui.screens.needs:NeedsBoard"),
    ("dashboard", "D", "nav.dashboard", "gridtui.tui.screens.dashboard:DashboardScreen"),
    ("reports", "e", "nav.reports", "gridtui.tui.screens.reports:ReportsScreen"),
    ("sync", "y", "nav.sync", "gridtui.tui.screens.sync:SyncScreen"),
    ("residents", "P", "nav.residents", "gridtui.tui.screens.residents:ResidentsScreen"),
    ("volunteers", "V", "nav.volunteers", "gridtui.tui.screens.volunteers:VolunteersScreen"),
    ("collective", "I", "nav.collective", "gridtui.tui.screens.collective:CollectiveScreen"),
    ("resources", "O", "nav.resources", "gridtui.tui.screens.resources:ResourcesScreen"),
    ("audit", "A", "nav.audit", "gridtui.tui.screens.audit:AuditScreen"),
]
"""(name, key, label key, "module:factory") of every top-level screen: one line per screen."""

FOOTER_NAV = {"search", "campaigns", "needs", "sync"}
"""The screens a grid worker reaches for all day keep their key in the footer; the office's
screens (dashboard, reports, residents, volunteers...) are one `?` or ctrl+p away."""

IDLE_CHECK = 15.0
"""Seconds between looks at how long the keyboard has been idle (for the idle lock)."""


class ScreenActions(Provider):
    """Every action of the current screen and the app in the command palette (ctrl+p)."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.id or binding.id in seen or not active.enabled:
                continue
            seen.add(binding.id)
            label = f"{binding.description}  ({self.app.get_key_display(binding)})"
            yield label, binding.tooltip, partial(self.app.run_action, binding.action, active.node)

    async def discover(self) -> Hits:
        for label, help_text, command in self._commands():
            yield DiscoveryHit(label, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, command in self._commands():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), command, help=help_text)


OPENING_IMPORTS = (
    "sqlcipher3.dbapi2",
    "gridtui.core.db",
    "gridtui.domain.visits",
    "gridtui.domain.needs",
    "gridtui.domain.businesses",
)
"""What opening an encrypted database and home's first read import (:meth:`GridApp.unlock`)."""


def freeze_startup_objects() -> None:
    """Keep the imports' long-lived objects out of the collector's scans (README: the cold start)."""
    if not gc.get_freeze_count():
        gc.freeze()


STYLESHEET = Path(__file__).with_name("app.tcss")
HOME_RULES_END = "/* ==== Home's rules end here."
"""The line of app.tcss after which nothing is needed to draw home (see :meth:`GridApp.style_the_rest`)."""

REST_OF_STYLESHEET_AFTER = 0.25
"""Seconds after start at which the rules past home's are read, if no other screen needed them sooner."""


def stylesheet_parts() -> tuple[str, str]:
    """app.tcss cut where home's rules end: parsing the whole of it costs the first start ~5 ms.
    The rest keeps its line numbers (blank lines before it), so an error in it names its line."""
    text = STYLESHEET.read_text(encoding="utf-8")
    home, marker, rest = text.partition(HOME_RULES_END)
    return (home, "\n" * home.count("\n") + marker + rest) if marker else (text, "")


class Guard:
    """What :meth:`GridApp.guarded` yields: whether its block failed (and was reported)."""

    failed = False


class GridApp(App):
    """Home, walk list, visit, search, household detail and campaign picker over one database."""

    CSS_PATH = None
    """app.tcss, read in two parts: home's rules as the app is made, the rest when first needed."""
    TITLE = "gridtui"
    COMMANDS = App.COMMANDS | {ScreenActions}
    BINDINGS = [
        *(
            bind(key, f"nav('{name}')", f"app.{name}", show=name in FOOTER_NAV, label=label)
            for name, key, label, _ in NAV
        ),
        bind("question_mark", "keys", "app.keys"),
        bind("ctrl+p", "command_palette", "app.palette", show=False),
        bind("ctrl+q", "quit", "app.quit", priority=True),
    ]
    ENABLE_COMMAND_PALETTE = True
    COMMAND_PALETTE_BINDING = "ctrl+p"

    campaign_id: reactive[str] = reactive("", init=False)
    """The active campaign; screens watch it and reload when the picker changes it."""

    def __init__(
        self,
        db_path: str | Path | None = None,
        lang: str | None = None,
        config_path: str | Path | None = None,
        today: date | None = None,
        early: Any = None,
        passphrase_file: str | Path | None = None,
    ) -> None:
        from gridtui.tui import chosen_language

        self.settings = config.load_settings(Path(config_path) if config_path else None)
        self.lang = chosen_language(lang, self.settings)
        super().__init__()
        home_rules, self._rest_of_stylesheet = stylesheet_parts()
        self.stylesheet.add_source(home_rules, read_from=(str(STYLESHEET), ""), is_default_css=False)
        self._bindings = translate(self._bindings)
        self.db_path = config.resolve_db_path(db_path)
        self.today = today
        self.errors: list[Exception] = []
        self.passphrase_file = passphrase_file
        self.cipher: Any = None
        """An encrypted database's key, once its passphrase has opened it (core.unlock)."""
        self.at_rest = ""
        """How the database lies on disk: encrypted, demo or plain (core.db.at_rest)."""
        self._last_input = time.monotonic()
        self.typeahead = TypeAhead(self)
        self.writes = Writes(self)
        self.quitting = False
        """ctrl+q was pressed while writes waited for the database: quit once they are saved."""
        self._db_lock = threading.Lock()
        self._db_ready = False
        self.title = t("tui.app.title")
        self.set_keymap(self.settings.keymap)
        db = sys.modules.get("gridtui.core.db")  # not imported yet: no connection to worry about
        if db is not None:
            db.close_database()  # this thread's connection from an earlier app points at another file
        from gridtui.tui.home_cache import EarlyRead

        self.early_home = early if early is not None else EarlyRead(self)
        """Home's figures, read while the app is made (see home_cache.EarlyRead; gridtui.tui.launch
        starts it before Textual is imported)."""
        freeze_startup_objects()

    async def on_event(self, event: events.Event) -> None:
        """Keys (and pastes) one at a time, in the order typed: see :mod:`gridtui.tui.typeahead`."""
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self._last_input = time.monotonic()
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded and not self.typeahead.admit(event):
            return
        await super().on_event(event)

    # -- database ------------------------------------------------------------------------------
    read_only = False
    """The database could not be written when it was opened: home says so, writes refuse."""

    def ensure_db(self) -> None:
        """Open the database once (from whichever thread gets here first); never make one."""
        if self._db_ready:
            return
        with self._db_lock:
            if self._db_ready:
                return
            from gridtui.core.db import at_rest, open_database, read_only
            from gridtui.domain import campaigns

            open_database(self.db_path, create=False, cipher=self.cipher)
            self.read_only = read_only()
            self.at_rest = at_rest()
            # Set without firing watchers: the screen that asked is about to read it anyway.
            self.set_reactive(GridApp.campaign_id, campaigns.active_campaign_id() or "")
            self._db_ready = True

    def get_default_screen(self) -> Screen:
        """Home is the first screen itself: no blank screen is drawn before it."""
        from gridtui.tui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        """An encrypted database: the passphrase screen over home, before home reads anything."""
        self.set_timer(REST_OF_STYLESHEET_AFTER, self.style_the_rest, name="rest of the stylesheet")
        if self.locked:
            from gridtui.core import unlock
            from gridtui.tui.screens.unlock import UnlockScreen

            self.push_screen(UnlockScreen(passphrase=unlock.passphrase_from_file(self.passphrase_file)))

    @property
    def locked(self) -> bool:
        """An encrypted database not opened yet: nothing may read it before its passphrase.
        The passphrase file's will do once the early read has opened the file with it: its key
        becomes the app's here, so ask this before anything opens the database."""
        if self.cipher is not None or self._db_ready:
            return False
        early = self.early_home
        if early.done.is_set():
            if early.plain:
                return False
            self.cipher = early.opened_with
            if self.cipher is not None:
                return False
        from gridtui.core import unlock

        return unlock.encrypted(self.db_path)

    # -- encryption at rest -------------------------------------------------------------------
    def unlock(self, passphrase: str) -> None:
        """Open the encrypted database with ``passphrase`` (in a worker: stretching takes time).

        The stretch lets go of the GIL, so it runs on a thread of its own while this one imports
        what opening the database and home's first read need (~40 ms that would otherwise
        follow it)."""
        from gridtui.core import unlock

        def key() -> unlock.CipherKey:  # the early read's, if it stretched this same passphrase
            return self.early_home.key_for(passphrase) or unlock.key_for(self.db_path, passphrase)

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gridtui-stretch") as side:
            stretched = side.submit(key)
            for module in OPENING_IMPORTS:
                import_module(module)
            self.cipher = stretched.result()
        try:
            self.ensure_db()
        except Exception:
            self.cipher = None
            raise

    def check_passphrase(self, passphrase: str) -> None:
        """The idle lock: the passphrase must be the one that opened the database."""
        from gridtui.core import unlock

        if self.cipher is None or unlock.key_for(self.db_path, passphrase).key != self.cipher.key:
            raise GridError("unlock.wrong", path=str(self.db_path))

    def unlocked(self, screen: Screen) -> None:
        """The passphrase was right: home at start, or back to the screen the lock covered."""
        self.pop_screen()  # home reads the database as it comes back into view
        if not getattr(screen, "locking", False):
            self._last_input = time.monotonic()
            self.set_interval(IDLE_CHECK, self.lock_if_idle)

    def lock_if_idle(self, now: float | None = None) -> None:
        """The idle lock: after `lock_minutes` with no key or mouse, the passphrase screen
        covers everything until the passphrase is given again."""
        from gridtui.tui.screens.unlock import UnlockScreen

        minutes = self.settings.lock_minutes
        idle = (now or time.monotonic()) - self._last_input
        if minutes and idle >= minutes * 60 and not isinstance(self.screen, UnlockScreen):
            save_typing = getattr(self.screen, "save_typing", None)
            if save_typing is not None:
                save_typing()  # a killed process while locked must not lose it
            self.push_screen(UnlockScreen(locking=True))

    def on_unmount(self) -> None:
        from gridtui.core.db import close_database

        close_database()

    # -- errors --------------------------------------------------------------------------------
    def report(self, exc: Exception) -> None:
        """Show a failure as one sentence (safe from any thread): the database's own troubles
        (locked, read-only, full, damaged) in the same words as the CLI."""
        exc = self._database_trouble(exc) or exc
        if isinstance(exc, GridError):
            message = exc.message()
        else:
            self.errors.append(exc)
            self.log.error(repr(exc))
            message = t("tui.app.unexpected", detail=type(exc).__name__)
        self.notify(message, severity="error")  # Textual's notify is safe from any thread

    def _database_trouble(self, exc: Exception) -> GridError | None:
        peewee = sys.modules.get("peewee")
        if peewee is None or not isinstance(exc, peewee.DatabaseError | sqlite3.DatabaseError):
            return None
        from gridtui.core.db import translate_operational

        return translate_operational(exc, self.db_path)

    async def action_quit(self) -> None:
        """Quit, unless answers still wait for another program's lock: then quit once they are
        saved (and say so); a second ctrl+q quits at once."""
        if self.writes.waiting and not self.quitting:
            self.quitting = True
            self.notify(t("tui.writes.quit_waits", count=self.writes.waiting), severity="warning", timeout=10)
            return
        await super().action_quit()

    def on_write_stored(self, message: WriteStored) -> None:
        message.shown(message.result)

    def on_writes_stored(self, _message: WritesStored) -> None:
        self.writes.all_saved()

    def notify(self, message: str, *, markup: bool = False, **kwargs: Any) -> None:
        """Notices carry names and typed text, never markup: ``[`` in a name must not break them."""
        super().notify(message, markup=False, **kwargs)

    @contextmanager
    def guarded(self) -> Iterator[Guard]:
        """Around work on the main thread: a failure becomes a notice (one sentence) instead of
        a crash. The block stops at the failure, so code after it must not use what the block
        would have set: ``with app.guarded() as guard: ...`` then ``if guard.failed: return``."""
        guard = Guard()
        try:
            yield guard
        except Exception as exc:  # noqa: BLE001 - shown to the user as one sentence
            guard.failed = True
            self.report(exc)

    # -- who may do what -----------------------------------------------------------------------
    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        """A key that is the office's (gridtui.sync.authority.KEYS) is refused on a worker's
        laptop with one sentence, whichever screen or widget it belongs to."""
        refused = self._office_key(action, default_namespace)
        if refused is not None:
            self.report(GridError("authority.office_only", what=t(f"key.{refused}")))
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def _office_key(self, action: Any, namespace: Any) -> str | None:
        """The binding id of ``action`` on ``namespace`` when it is the office's and this is a
        worker's laptop; else None."""
        if not isinstance(action, str) or not self._db_ready:
            return None
        from gridtui.sync import authority

        owner = namespace if namespace is not None else self
        for klass in type(owner).__mro__:
            for binding in klass.__dict__.get("BINDINGS", []):
                if getattr(binding, "action", None) == action and getattr(binding, "id", None):
                    if authority.office_only_key(binding.id):
                        return binding.id if authority.is_worker_laptop() else None
                    return None
        return None

    # -- navigation ----------------------------------------------------------------------------
    def action_nav(self, name: str) -> None:
        target = next((path for entry, _key, _label, path in NAV if entry == name), None)
        if target is None:
            return
        if name == "home":
            while len(self.screen_stack) > 1:
                self.pop_screen()
            return
        module, _, factory = target.partition(":")
        screen = getattr(import_module(module), factory)()
        if type(self.screen) is type(screen):
            return
        self.push_screen(screen)

    def action_keys(self) -> None:
        from gridtui.tui.screens.dialogs import KeymapScreen

        if not isinstance(self.screen, KeymapScreen):
            self.push_screen(KeymapScreen(self.screen))

    def style_the_rest(self) -> None:
        """The stylesheet's rules past home's, added once: before any other screen (or dialog) is
        shown, else a moment after start, when nobody waits for them."""
        rest, self._rest_of_stylesheet = self._rest_of_stylesheet, ""
        if rest:
            self.stylesheet.add_source(rest, read_from=(str(STYLESHEET), "past home"), is_default_css=False)
            self.stylesheet.update(self)

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        """Textual's, with the whole stylesheet read first (:meth:`style_the_rest`)."""
        self.style_the_rest()
        return super().push_screen(*args, **kwargs)

    def pop_screen(self) -> Any:
        """The screen below; the lines the popped one's widgets drew are let go of at once
        (:func:`gridtui.tui.drawn.forget_drawn`), not when Textual's cache of them is full."""
        going = self.screen
        done = super().pop_screen()
        forget_drawn(going)
        return done

    def open_household(self, household_id: str) -> None:
        from gridtui.tui.screens.household import HouseholdScreen

        self.push_screen(HouseholdScreen(household_id))

    def open_visit(self, target_ids: list[str], index: int = 0, target: str = "household") -> None:
        """Visit households (or, with ``target="business"``, check shops) in the active campaign;
        a campaign that calls on the other kind says which to pick instead of a dead screen."""
        from gridtui.domain import campaigns
        from gridtui.tui.screens.visit import VisitScreen

        if not self.campaign_id:
            self.notify(t("campaigns.none_chosen"), severity="warning")
            return
        if self.read_only:  # a visit is recorded from its first moment: say why before it opens
            self.report(GridError("db.readonly", path=str(self.db_path)))
            return
        try:
            active = campaigns.campaign(self.campaign_id).target
        except Exception as exc:  # noqa: BLE001 - e.g. the campaign was deleted by an import
            self.report(exc)
            return
        if active != target:
            wrong = "businesses.needs_business_campaign" if target == "business" else "tui.walk.business_campaign"
            self.notify(t(wrong), severity="warning")
            return
        self.push_screen(VisitScreen(target_ids, index))
