"""Runs one app headless in a fresh process and reports when it is ready, for the bench.

``python -m bench.tui_driver start bare|grid [--db PATH]`` prints ``READY <max rss KiB> <stamps>``:
wall-clock stamps up to the moment the home screen shows its data (for the bare app: when its
Static is mounted), so the parent can time from process start (interpreter start and imports
count for both), and the peak memory once the app has settled after that.
``keypress bare|grid --db PATH --presses N`` prints one JSON list of key round trips in ms: for
GridApp, space on a yes/no item of an open visit until the screen shows the value
:func:`visits.answer` committed; for the bare app, a key whose binding updates a Static.
``paint grid --db PATH --runs N`` prints JSON ms from opening a long list to its first rows
painted: the walk list of the largest grid and of the whole community, the needs board, the
all-residents list, the volunteers list, and a bare Header/Static/Footer screen as the baseline.
``import-keys grid --db PATH --bundle FILE --presses N`` prints JSON key round trips (as
``keypress``'s direct way) with the database to itself, then while another process runs
``gridtui import FILE`` on it.
``walk grid --db PATH --presses N`` walks N households after thirty of warm-up, each answered by a
burst of keys as a practised worker types them, then ``]``; it prints JSON with the resident
memory (VmRSS, KiB) after the warm-up and after the walk, and the live widgets at both points.
``move bare|grid --db PATH --presses N`` prints one JSON list of ms from a key event to its effect
drawn: for GridApp, down on the visit's checklist until the cursor is on the next row and the
screen has drawn it (at the last row, up); for the bare app, its key until the Static is drawn.

The bare app is the baseline of docs/design.md §5: Header, Static, Footer and nothing else.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import resource
import sys
import time

from textual import events
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

SIZE = (120, 40)


class BareApp(App):
    """The baseline: what any Textual app costs before it does anything of its own."""

    BINDINGS = [("x", "bump", "Bump")]

    def __init__(self) -> None:
        super().__init__()
        self.presses = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("0", id="body")
        yield Footer()

    def action_bump(self) -> None:
        self.presses += 1
        self.query_one("#body", Static).update(str(self.presses))


def bare_ready(app: App) -> bool:
    return bool(app.query("#body")) and app.query_one("#body").is_mounted


def grid_app(db: str) -> App:
    """The app as ``gridtui`` opens it (an encrypted database: by GRIDTUI_PASSPHRASE_FILE)."""
    import os

    from gridtui.tui import GridApp

    return GridApp(db_path=db, passphrase_file=os.environ.get("GRIDTUI_PASSPHRASE_FILE"))


def time_the_stretch() -> list[float]:
    """Seconds spent stretching a passphrase in this process (an encrypted database's unlock)."""
    import os

    spent: list[float] = []
    if not os.environ.get("GRIDTUI_PASSPHRASE_FILE"):
        return spent
    from gridtui.core import unlock

    real = unlock.stretch

    def timed(*args, **kwargs):
        began = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - began)

    unlock.stretch = timed
    return spent


def grid_ready(app: App) -> bool:
    """The home screen shows real data: its grid list has been filled from the database."""
    from gridtui.tui.screens.home import HomeScreen

    screen = app.screen
    return (
        isinstance(screen, HomeScreen) and bool(screen.query("#grid-list")) and screen.query_one("#grid-list").count > 0
    )


async def wait_for(done, limit: float = 30.0, tick: float = 0.001) -> None:
    """Poll every ``tick`` s: Pilot's own waits sleep in 20 ms steps and would blur the figures.
    (tick=0 spins, for sub-millisecond work on the app's own thread only: a worker thread
    would wait for the GIL behind the spin.)"""
    give_up = time.perf_counter() + limit
    while not done():
        if time.perf_counter() > give_up:
            raise TimeoutError("the app never got there")
        await asyncio.sleep(tick)


CHARACTERS = {"space": " ", "enter": "\r", "right_square_bracket": "]"}


def send_key(app: App, key: str) -> None:
    """A key as the terminal driver delivers it (Pilot's press adds idle waits of its own)."""
    event = events.Key(key, CHARACTERS.get(key, key))
    event.set_sender(app)
    app._driver.send_message(event)


async def start(kind: str, db: str | None) -> None:
    """Wall-clock stamps of each stage, for the parent to split the cold start: this code running
    (interpreter and Textual imported), the app's own imports done, its first screen mounted,
    the home screen's data shown."""
    stamps = [time.time()]
    stretched = time_the_stretch()
    app = BareApp() if kind == "bare" else grid_app(db)
    ready = bare_ready if kind == "bare" else grid_ready
    stamps.append(time.time())
    async with app.run_test(headless=True, size=SIZE) as pilot:
        await wait_for(lambda: app.screen.is_mounted and app.screen.region.height > 0)
        stamps.append(time.time())
        await wait_for(lambda: ready(app))
        stamps.append(time.time() - sum(stretched))  # the passphrase's stretch is a line of its own
        # memory once the app has settled: the database open and home's own reads done
        await app.workers.wait_for_complete()
        await pilot.pause()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"READY {rss} " + " ".join(f"{s:.6f}" for s in stamps), flush=True)


async def open_visit(app: App, pilot):
    """Open the visit screen on a household not visited yet; return its checklist with the
    cursor on its first yes/no item."""
    from gridtui.domain import walk
    from gridtui.tui.screens.visit import VisitScreen
    from gridtui.tui.widgets.checklist import Checklist

    app.ensure_db()  # home may show its figures before the database is open in this thread
    household = walk.HOUSEHOLDS.ids(app.campaign_id, filter="not_visited")[0]
    app.open_visit([household])
    await wait_for(lambda: isinstance(app.screen, VisitScreen) and bool(app.screen.query(Checklist)))
    await pilot.pause()  # the screen focuses its first item once the checklist is mounted
    checklist = app.screen.query_one(Checklist)
    item = next((i for i in checklist.rows if checklist.form.yes_no(i)), checklist.rows[0])
    checklist.focus_item(item)  # the checklist keeps the focus and puts its cursor on the item
    await wait_for(lambda: app.focused is checklist and checklist.current is item)
    return checklist


async def keypress_during_import(db: str, bundle: str, presses: int) -> None:
    """Space on a yes/no item, key event until the row shows the new value, first with the
    database to itself, then while another process imports ``bundle`` into it (the office's
    evening, or a worker's laptop taking in the office's bundle while a visit is open)."""
    import subprocess

    app = grid_app(db)
    times: dict[str, list[float]] = {"alone": [], "importing": []}
    async with app.run_test(headless=True, size=SIZE) as pilot:
        await wait_for(lambda: grid_ready(app))
        checklist = await open_visit(app, pilot)
        item = checklist.current

        def shown():
            return checklist.state.values.get(item.name)

        async def press(into: list[float]) -> None:
            before = shown()
            began = time.perf_counter()
            send_key(app, "space")
            await wait_for(lambda: shown() != before, tick=0)
            into.append((time.perf_counter() - began) * 1000)
            await asyncio.sleep(0.05)  # a worker's pace, so the import gets the lock between keys

        for _ in range(presses):
            await press(times["alone"])
        importer = subprocess.Popen(
            [sys.executable, "-m", "gridtui", "--db", db, "import", bundle],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        while importer.poll() is None and len(times["importing"]) < presses * 20:
            await press(times["importing"])
        _, err = importer.communicate()
        if importer.returncode != 0:
            raise RuntimeError(f"the import failed: {err.strip()}")
        await asyncio.to_thread(app.writes.join, 60)
        if getattr(app, "errors", None):
            raise RuntimeError(f"the app reported {app.errors[0]!r}")
    print(json.dumps(times), flush=True)


async def keypress(kind: str, db: str | None, presses: int) -> None:
    """Key round trips, two ways, alternating: Pilot's press (what docs/design.md §5 names; its idle
    waits step in 20 ms) and the bare key event until the effect is visible in the widget."""
    times: dict[str, list[float]] = {"pilot": [], "direct": []}
    app = BareApp() if kind == "bare" else grid_app(db)
    async with app.run_test(headless=True, size=SIZE) as pilot:
        if kind == "bare":
            await wait_for(lambda: bare_ready(app))
            body = app.query_one("#body", Static)
            key, state = "x", lambda: str(body.content)
        else:
            await wait_for(lambda: grid_ready(app))
            checklist = await open_visit(app, pilot)
            item = checklist.current
            # the line shows a new value once it is checked and saved (or queued behind a lock)
            key, state = "space", lambda: checklist.state.values.get(item.name)
        for _ in range(presses):
            for way in ("pilot", "direct"):
                before = state()
                began = time.perf_counter()
                if way == "pilot":
                    await pilot.press(key)
                else:
                    send_key(app, key)
                await wait_for(lambda before=before: state() != before, tick=0)
                times[way].append((time.perf_counter() - began) * 1000)
                await pilot.pause()
        if getattr(app, "errors", None):
            raise RuntimeError(f"the app reported {app.errors[0]!r}")
    print(json.dumps(times), flush=True)


class Paints:
    """Counts the screen updates the app writes out, to time a key until its effect is drawn."""

    def __init__(self, app: App) -> None:
        self.count = 0
        self.last = time.perf_counter()
        display = app._display

        def counted(*args, **kwargs):
            self.count += 1
            self.last = time.perf_counter()
            return display(*args, **kwargs)

        app._display = counted

    async def next_frame(self) -> None:
        """Wait until a frame has passed since the last update: Textual draws at most once a frame
        (1/60 s), so a key sent sooner would also time the wait for the frame, not the app."""
        frame = 1 / 60 + 0.002
        while (wait := self.last + frame - time.perf_counter()) > 0:
            await asyncio.sleep(wait)

    def settled(self, screen: Screen, since: int) -> bool:
        """Drawn at least once since ``since`` and nothing left to lay out or draw."""
        return self.count > since and not (screen._layout_required or screen._repaint_required or screen._dirty_widgets)


async def move(kind: str, db: str | None, presses: int) -> None:
    """Moving between checklist items: down until the cursor is on the next row and the screen
    has drawn it (at the last row, up again); the bare app's key until its Static is drawn."""
    times: list[float] = []
    app = BareApp() if kind == "bare" else grid_app(db)
    async with app.run_test(headless=True, size=SIZE) as pilot:
        paints = Paints(app)
        if kind == "bare":
            await wait_for(lambda: bare_ready(app))
            body = app.query_one("#body", Static)
        else:
            await wait_for(lambda: grid_ready(app))
            checklist = await open_visit(app, pilot)
            rows = checklist.rows
            checklist.focus_item(rows[0])
            await wait_for(lambda: checklist.current is rows[0])
            step = 1
        await pilot.pause()
        for _ in range(presses):
            await paints.next_frame()
            since = paints.count
            if kind == "bare":
                before = str(body.content)
                key, done = "x", lambda before=before: str(body.content) != before
            else:
                if not 0 <= checklist.cursor + step < len(rows):
                    step = -step
                target = rows[checklist.cursor + step]
                key, done = ("down" if step > 0 else "up"), lambda target=target: checklist.current is target
            began = time.perf_counter()
            send_key(app, key)
            await wait_for(lambda done=done, since=since: done() and paints.settled(app.screen, since), tick=0)
            times.append((time.perf_counter() - began) * 1000)
            await pilot.pause()
        if getattr(app, "errors", None):
            raise RuntimeError(f"the app reported {app.errors[0]!r}")
    print(json.dumps(times), flush=True)


def resident_kib() -> int:
    """Memory the process holds now (VmRSS), unlike ru_maxrss which only ever grows."""
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def live_widgets() -> int:
    import gc

    from textual.widget import Widget

    gc.collect()
    return sum(isinstance(o, Widget) for o in gc.get_objects())


WARM_UP = 200
"""Households walked before the first reading: the first visits load modules and fill bounded
caches (Textual's and Rich's render caches, SQLite's page cache of 4 MiB a connection) that then
stay their size. Measured at full scale, RSS every 50 households: 56.0, 60.2, 62.1, 63.2, 63.9,
64.1, 64.1, 64.1, 64.3 MiB (households 0 to 400), Python's live objects flat from the 150th: what
the budget is about, growth with every household, shows only once the caches are full."""

ANSWER = ("3", "enter", "space", "j", "j", "1", "j", "2", "j", "1")
"""A household's answers as one burst: a number, yes/no, choices (the door-to-door checklist)."""


async def walk(db: str, households: int) -> None:
    """A day's walk: each household answered by a burst of keys, then ], memory read twice."""
    from gridtui.domain import walk
    from gridtui.tui.screens.visit import VisitScreen

    app = grid_app(db)
    readings: dict[str, list[int]] = {"rss_kib": [], "widgets": []}
    async with app.run_test(headless=True, size=SIZE) as pilot:
        await wait_for(lambda: grid_ready(app))
        app.ensure_db()
        ids = walk.HOUSEHOLDS.ids(app.campaign_id, filter="not_visited", today=app.today)[: WARM_UP + households + 1]
        if len(ids) < WARM_UP + households + 1:
            raise RuntimeError(f"only {len(ids)} households not visited yet: a bigger community is needed")
        app.open_visit(ids)
        await wait_for(lambda: isinstance(app.screen, VisitScreen) and app.screen.data is not None)
        screen = app.screen
        for n in range(WARM_UP + households):
            if n in (WARM_UP, WARM_UP + households - 1):
                await pilot.pause()
                readings["widgets"].append(live_widgets())
                readings["rss_kib"].append(resident_kib())
            for key in (*ANSWER, "right_square_bracket"):
                send_key(app, key)
            await wait_for(lambda n=n: screen.index == n + 1 and screen.data is not None and app.typeahead.idle)
        if getattr(app, "errors", None):
            raise RuntimeError(f"the app reported {app.errors[0]!r}")
    print(json.dumps(readings), flush=True)


class BareScreen(Screen):
    """The baseline screen to open: Header, Static, Footer. Its Header is the app's own, which
    is let go of when the screen goes: Textual's, pushed once a household, kept every one alive
    and the visits timed beside them paid for their collection."""

    def compose(self) -> ComposeResult:
        from gridtui.tui.widgets.header import GridHeader

        yield GridHeader()
        yield Static("bare", id="bare-body")
        yield Footer()


def painted(widget) -> bool:
    return widget.is_mounted and widget.region.height > 0


LATER_LISTS = (
    ("needs", "gridtui.tui.screens.needs", "NeedsBoard"),
    ("residents", "gridtui.tui.screens.residents", "ResidentsScreen"),
    ("volunteers", "gridtui.tui.screens.volunteers", "VolunteersScreen"),
)
"""(name, module, screen class) of the long lists beyond the walk list, taken when they exist."""


def list_screens(app: App) -> dict[str, object]:
    """The long lists to open, each a factory of a fresh screen; later lists once they exist."""
    from gridtui.domain import visits, walk
    from gridtui.tui.screens.walk import WalkScreen

    app.ensure_db()  # home may show its figures before the database is open in this thread
    largest = max(visits.grids(), key=lambda g: walk.HOUSEHOLDS.count(app.campaign_id, grid_id=g.id))
    screens = {
        "grid": lambda: WalkScreen(largest.id, None, "largest grid"),
        "all": lambda: WalkScreen(None, None, "whole community"),
    }
    for name, module, factory in LATER_LISTS:
        try:
            screens[name] = getattr(importlib.import_module(module), factory)
        except (ImportError, AttributeError):
            pass  # not built yet: the bench table says so
    return screens


async def paint(db: str, runs: int) -> None:
    """Open each long list, and a bare screen, timed from push_screen to its first rows painted
    (the paged list has fetched the rows it draws)."""
    from gridtui.tui.widgets.paged_list import PagedList

    app = grid_app(db)
    async with app.run_test(headless=True, size=SIZE) as pilot:
        await wait_for(lambda: grid_ready(app))
        screens = list_screens(app)
        out: dict[str, list[float]] = {name: [] for name in ("bare", *screens)}
        home = app.screen
        for _ in range(runs):
            for name in out:
                began = time.perf_counter()
                if name == "bare":
                    screen = BareScreen()
                    app.push_screen(screen)
                    await wait_for(lambda screen=screen: screen.is_mounted and painted(screen.query_one("#bare-body")))
                else:
                    screen = screens[name]()
                    app.push_screen(screen)

                    def shown(screen=screen) -> bool:
                        if not screen.is_mounted or not screen.query(PagedList):
                            return False
                        rows = screen.query_one(PagedList)
                        return painted(rows) and rows.count > 0 and bool(rows._pages)

                    await wait_for(shown)
                out[name].append((time.perf_counter() - began) * 1000)
                app.pop_screen()
                await wait_for(lambda: app.screen is home)
                await pilot.pause()
        if getattr(app, "errors", None):
            raise RuntimeError(f"the app reported {app.errors[0]!r}")
    print(json.dumps(out), flush=True)


async def form_visit(db: str, runs: int) -> None:
    """A visit of the campaign's large form: from opening it to its checklist drawn on screen
    (the first of the process reads and builds the form; the others find it built), against
    pushing a bare screen; then every question answered once, timed from the new value to the
    skip logic evaluated again and the checklist's lines laid out (what a keypress costs before
    Textual draws), without the database write."""
    from gridtui.domain import walk
    from gridtui.tui.screens.visit import VisitScreen
    from gridtui.tui.widgets.checklist import Checklist

    app = grid_app(db)
    async with app.run_test(headless=True, size=SIZE) as pilot:
        await wait_for(lambda: grid_ready(app))
        paints = Paints(app)
        app.ensure_db()
        ids = walk.HOUSEHOLDS.ids(app.campaign_id, filter="not_visited")
        home = app.screen
        out: dict[str, list[float]] = {"bare": [], "first": [], "visit": [], "answer": []}

        def drawn(screen, since: int) -> bool:
            """The screen's content on screen: the bare screen's Static, the visit's checklist."""
            if not screen.is_mounted:
                return False
            if isinstance(screen, VisitScreen):
                found = screen.query(Checklist)
                if not found or not painted(found.first().view):
                    return False
            return paints.settled(screen, since)

        async def timed(make) -> float:
            await paints.next_frame()
            since = paints.count
            began = time.perf_counter()
            screen = make()
            # not a spin: the visit is read by a worker thread, which a spinning loop starves of the
            # GIL (each of its SQLite calls waits out a switch interval: seconds, not milliseconds)
            await wait_for(lambda: drawn(screen, since))
            return (time.perf_counter() - began) * 1000

        def visit(n: int):
            app.open_visit([ids[n]])
            return app.screen

        def bare():
            screen = BareScreen()
            app.push_screen(screen)
            return screen

        for n in range(runs + 1):
            out["bare"].append(await timed(bare))
            app.pop_screen()
            await wait_for(lambda: app.screen is home)
            await pilot.pause()
            took = await timed(lambda n=n: visit(n))
            out["first" if n == 0 else "visit"].append(took)
            if n == runs:
                checklist = app.screen.query_one(Checklist)
                state = checklist.state
                for item in list(state.form.items):
                    if not item.answered or not state.shown(item):
                        continue
                    choices = state.choices(item)
                    value = {"integer": 5, "decimal": 2.5, "text": "ok", "date": "2026-08-01"}.get(
                        item.type, choices[1].name if item.type == "select_one" and len(choices) > 1 else None
                    )
                    if item.type == "select_multiple" and choices:
                        value = [choices[0].name]
                    if value is None:
                        continue
                    began = time.perf_counter()
                    checklist.changed(state.set(item.name, value))
                    out["answer"].append((time.perf_counter() - began) * 1000)
            app.pop_screen()
            await wait_for(lambda: app.screen is home)
            await pilot.pause()
        if getattr(app, "errors", None):
            raise RuntimeError(f"the app reported {app.errors[0]!r}")
    print(json.dumps(out), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("start", "keypress", "paint", "move", "walk", "import-keys", "form"))
    parser.add_argument("kind", choices=("bare", "grid"))
    parser.add_argument("--db")
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bundle", help="import-keys: the bundle another process imports meanwhile")
    args = parser.parse_args()
    if args.mode == "start":
        asyncio.run(start(args.kind, args.db))
    elif args.mode == "keypress":
        asyncio.run(keypress(args.kind, args.db, args.presses))
    elif args.mode == "move":
        asyncio.run(move(args.kind, args.db, args.presses))
    elif args.mode == "import-keys":
        asyncio.run(keypress_during_import(args.db, args.bundle, args.presses))
    elif args.mode == "walk":
        asyncio.run(walk(args.db, args.presses))
    elif args.mode == "form":
        asyncio.run(form_visit(args.db, args.runs))
    else:
        asyncio.run(paint(args.db, args.runs))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
