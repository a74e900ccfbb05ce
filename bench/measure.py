"""The figures of the bench table, each next to its baseline, taken as medians of alternating runs.

A figure whose code has not landed yet is reported as "not built yet", never estimated. Runs
that start the app or the CLI happen in fresh processes (what a user waits for); domain calls
(search, walk list, dispatch) are timed in this process on a private copy of the community.
"""

from __future__ import annotations

import importlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.community import ROOT, make_demo, working_copy
from bench.table import NOT_BUILT, Budget, Row
from bench.tui_driver import WARM_UP

PAGE = 50
"""Rows in the first page of a list: more than a tall terminal shows."""

SEARCH_GROWTH = 3
"""How many times the community the second search line is typed into (a large community)."""

ENV = {
    **os.environ,
    "GRIDTUI_LANG": "en",
    "GRIDTUI_CONFIG": os.devnull,  # the user's own config.toml must not change the figures
}


class Missing(Exception):
    """The code this figure measures does not exist yet."""


def median_alternating(subject: Callable[[], float], baseline: Callable[[], float], runs: int) -> tuple[float, float]:
    """Median of ``runs`` each, interleaved (baseline, subject, baseline, ...) so drift hits both."""
    ours, theirs = [], []
    for _ in range(runs):
        theirs.append(baseline())
        ours.append(subject())
    return statistics.median(ours), statistics.median(theirs)


def require(module: str, *names: str):
    """Import ``module`` and check it has ``names``; Missing if it is not there yet."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            raise Missing(module) from exc
        raise
    for name in names:
        if not hasattr(mod, name):
            raise Missing(f"{module}.{name}")
    return mod


def has_command(name: str) -> bool:
    """Whether ``gridtui NAME`` exists (whichever module registers it)."""
    import argparse

    from gridtui.cli import build_parser

    parser = build_parser()
    return any(name in action.choices for action in parser._actions if isinstance(action, argparse._SubParsersAction))


def guarded(row: Row, measure: Callable[[Row], None]) -> Row:
    """Fill ``row`` by ``measure``; a missing piece or a failure is said in the row, not raised."""
    try:
        measure(row)
    except Missing:
        row.figure = row.baseline = None
        row.note = NOT_BUILT
    except Exception as exc:  # a figure that cannot be taken is reported, the rest still run
        row.figure = row.baseline = None
        row.note = f"failed: {type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
    return row


# -- fresh processes ------------------------------------------------------------------------------


STAGES = ("Python", "Textual and own imports, the app made", "first screen", "data")


def until_ready(kind: str, db: Path | None, env: dict[str, str] = ENV) -> tuple[float, int, list[float]]:
    """Seconds from process start to "home screen shows data", the peak RSS (KiB) once the app
    has settled, and the ms spent in each of STAGES (all from the driver's wall-clock stamps)."""
    cmd = [sys.executable, "-m", "bench.start_driver", kind]
    if db is not None:
        cmd += ["--db", str(db)]
    with tempfile.TemporaryFile("w+") as err:
        spawned = time.time()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, env=env, cwd=ROOT)
        line = proc.stdout.readline()
        proc.stdout.read()
        proc.wait(timeout=120)
        if not line.startswith("READY"):
            err.seek(0)
            raise RuntimeError(err.read().strip() or f"{kind} app exited {proc.returncode}")
    _, rss, *stamps = line.split()
    marks = [spawned, *map(float, stamps)]
    return marks[-1] - spawned, int(rss), [(b - a) * 1000 for a, b in zip(marks, marks[1:], strict=False)]


def driver_keys(mode: str, kind: str, db: Path | None, presses: int, env: dict[str, str] = ENV):
    """The JSON the driver prints for ``keypress`` (round trips by kind) or ``move`` (ms a move)."""
    cmd = [sys.executable, "-m", "bench.tui_driver", mode, kind, "--presses", str(presses)]
    if db is not None:
        cmd += ["--db", str(db)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() or f"driver exited {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def paint_times(db: Path, runs: int, env: dict[str, str] = ENV) -> dict[str, list[float]]:
    cmd = [sys.executable, "-m", "bench.tui_driver", "paint", "grid", "--db", str(db), "--runs", str(runs)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() or f"driver exited {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the rows -------------------------------------------------------------------------------------


def compiled() -> None:
    """gridtui (and the drivers) compiled, as a wheel install leaves them: an editable install
    compiles nothing, and where PYTHONDONTWRITEBYTECODE is set every fresh process would compile
    a changed module from source again, which no installed gridtui does (Textual, the baseline's
    only code, comes compiled)."""
    import compileall

    for package in ("gridtui", "bench"):
        compileall.compile_dir(ROOT / package, quiet=1)


class Bench:
    def __init__(self, community: Path, scale: float, seed: int, runs: int, work: Path, say=print) -> None:
        compiled()
        self.community = community
        self.scale = scale
        self.seed = seed
        self.runs = runs
        self.work = work
        self.say = say
        self._open: Path | None = None
        self.hub_counts: list[int] = [1, 5]
        """Communities in the street the hub imports, one set of lines each (``--hub-communities``)."""
        self.hub_scale = 0.2
        """Each community's scale for the hub lines (``--hub-scale``; 1.0 is the article's)."""

    def copy(self, name: str) -> Path:
        return working_copy(self.community, self.work, name)

    def open_copy(self) -> None:
        """Open a private copy of the community in this process for the domain timings."""
        if self._open is None:
            from gridtui.core.db import open_database

            self._open = self.copy("domain.db")
            open_database(self._open)

    def rows(self, only: list[str] | None = None) -> list[Row]:
        """Every step's rows, or only the steps named (their method names: hub, search, sync, ...)."""
        steps = [
            (self.cold_start_and_memory, "cold start and memory"),
            (self.keypress, "keypress that saves an answer"),
            (self.day, "a day's walk"),
            (self.first_paint, "first paint of long lists"),
            (self.search, "search per keystroke"),
            (self.demo, "gridtui demo"),
            (self.sync, "export and import"),
            (self.dispatch, "dispatch suggestions"),
            (self.office, "office reports and dashboard"),
            (self.cipher, "encrypted against plain"),
            (self.forms, "office forms: check, 300-item visit"),
            (self.hub, "the street office's hub on PostgreSQL"),
        ]
        unknown = set(only or ()) - {step.__name__ for step, _label in steps}
        if unknown:
            raise SystemExit(f"no such bench step: {', '.join(sorted(unknown))}")
        out: list[Row] = []
        for step, label in steps:
            if only and step.__name__ not in only:
                continue
            self.say(f"measuring {label}...")
            out += step()
        return out

    # 1 and 8 ------------------------------------------------------------------------------------
    def cold_start_and_memory(self) -> list[Row]:
        start = Row("cold start to home screen, data shown", "ms", Budget(1.2, True, text="<= 1.2x bare app"))
        first = Row(
            "cold start, no stored figures (first start of a day)",
            "ms",
            Budget(1.2, True, text="<= 1.2x bare app (issue 11)"),
        )
        memory = Row("peak memory, full community open", "MiB", Budget(1.5, True, text="<= 1.5x bare app"))

        def measure(_row: Row) -> None:
            require("gridtui.tui.app", "GridApp")
            db = self.copy("start.db")
            kinds = ("bare", "grid", "first")
            times: dict[str, list[float]] = {k: [] for k in kinds}
            rss: dict[str, list[int]] = {k: [] for k in kinds}
            stages: dict[str, list[list[float]]] = {k: [] for k in kinds}

            starts = max(self.runs, 9)  # a start is ~0.25 s: enough of them that one slow spell moves no median
            unopened = [self.copy(f"first{n}.db") for n in range(starts + 1)]
            os.sync()  # copied before the clock starts: their writing-back is no part of a start

            def run(kind: str) -> None:
                target = {"bare": None, "grid": db, "first": None}[kind]
                if kind == "first":  # a copy the app has never opened: nothing of it cached
                    target = unopened.pop()
                seconds, kib, parts = until_ready("bare" if kind == "bare" else "grid", target)
                times[kind].append(seconds * 1000)
                rss[kind].append(kib)
                stages[kind].append(parts)

            for kind in kinds:  # untimed warm-up: modules compiled and files in the OS cache, as
                run(kind)  # for an installed gridtui that has run before on this database
                for found in (times, rss, stages):
                    found[kind].clear()
            for _ in range(starts):  # interleaved, so drift hits every side alike
                for kind in kinds:
                    run(kind)

            def split(kind: str) -> str:
                return ", ".join(
                    f"{name} {statistics.median(run[i] for run in stages[kind]):.0f}" for i, name in enumerate(STAGES)
                )

            bare = statistics.median(times["bare"])
            start.figure, start.baseline = statistics.median(times["grid"]), bare
            first.figure, first.baseline = statistics.median(times["first"]), bare
            memory.figure = statistics.median(rss["grid"]) / 1024
            memory.baseline = statistics.median(rss["bare"]) / 1024
            start.note = (
                f"process start until the home screen's grid list shows the community's figures (bare app: its "
                f"Static mounted); headless, median of {starts} fresh processes a side, interleaved, after "
                f"one untimed start. Stages in ms, gridtui: {split('grid')}; bare app: {split('bare')}"
            )
            first.note = (
                f"the same on a copy of the database no app has opened yet: nothing the app keeps from its "
                f"last start, so home's figures come from the database itself; stages: {split('first')}"
            )
            memory.note = (
                "ru_maxrss of the same processes once the app has settled after showing home (its database "
                "workers done)"
            )

        guarded(start, measure)
        if start.figure is None:
            first.note = memory.note = start.note
        return [start, first, memory]

    # 2 ------------------------------------------------------------------------------------------
    def keypress(self) -> list[Row]:
        pilot = Row("keypress saving an answer (Pilot)", "ms", Budget(1.2, True, text="<= 1.2x bare keypress"))
        direct = Row("same keypress, key event to saved", "ms", Budget(None, True, text="- (information)"))

        def measure(_row: Row) -> None:
            require("gridtui.tui.screens.visit", "VisitScreen")
            presses = 10
            ours: dict[str, list[float]] = {"pilot": [], "direct": []}
            theirs: dict[str, list[float]] = {"pilot": [], "direct": []}
            for n in range(max(1, self.runs // 2)):
                for way, ms in driver_keys("keypress", "bare", None, presses).items():
                    theirs[way] += ms
                for way, ms in driver_keys("keypress", "grid", self.copy(f"keys{n}.db"), presses).items():
                    ours[way] += ms
            for row, way in ((pilot, "pilot"), (direct, "direct")):
                row.figure, row.baseline = statistics.median(ours[way]), statistics.median(theirs[way])
            pilot.note = (
                f"space on a yes/no item of an open visit until the row shows the value visits.answer "
                f"committed, vs a bare app's binding updating a Static; median of {len(ours['pilot'])} presses "
                f"in {max(1, self.runs // 2)} processes a side. Pilot's press waits for idle in 20 ms steps"
            )
            direct.note = (
                "the same presses sent as driver key events and timed to the widget's new state (no Pilot waits)"
            )

        guarded(pilot, measure)
        if pilot.figure is None:
            direct.note = pilot.note
        return [
            pilot,
            direct,
            guarded(
                Row("move between checklist items", "ms", Budget(None, True, text="- (information)")),
                self._checklist_moves,
            ),
        ]

    def _checklist_moves(self, row: Row) -> None:
        require("gridtui.tui.widgets.checklist", "Checklist")
        presses, ours, theirs = 30, [], []
        for n in range(max(1, self.runs // 2)):
            theirs += driver_keys("move", "bare", None, presses)
            ours += driver_keys("move", "grid", self.copy(f"moves{n}.db"), presses)
        row.figure, row.baseline = statistics.median(ours), statistics.median(theirs)
        row.note = (
            f"down (up at the end) on an open visit's checklist until the cursor is on the next item and the "
            f"screen has drawn it, vs the bare app's key until its Static is drawn; each key sent a frame "
            f"after the last update; median of {len(ours)} moves in {max(1, self.runs // 2)} processes a side"
        )

    def day(self) -> list[Row]:
        """Memory over a day of visits (issue 17): flat, not growing with every household."""
        households = 100
        row = Row(f"RSS growth per household over {households} households", "kB", Budget(30, False, text="<= 30 kB"))

        def measure(row: Row) -> None:
            require("gridtui.tui.typeahead", "TypeAhead")
            done = driver_keys("walk", "grid", self.copy("walk.db"), households)
            before, after = done["rss_kib"]
            row.figure = (after - before) * 1.024 / households  # KiB -> kB
            row.note = (
                f"VmRSS after {households} households, each answered by one burst of keys and left with ], "
                f"less VmRSS after {WARM_UP} households of warm-up, which fill the bounded caches (bench/tui_driver.py "
                f"WARM_UP) ({before / 1024:.1f} -> {after / 1024:.1f} MiB); "
                f"live widgets {done['widgets'][0]} -> {done['widgets'][1]}"
            )

        return [
            guarded(row, measure),
            guarded(
                Row(
                    "keypress saving an answer while another process imports",
                    "ms",
                    Budget(None, True, text="- (information)"),
                ),
                self._keys_during_import,
            ),
        ]

    def _keys_during_import(self, row: Row) -> None:
        """Issue 17: a save that meets an import's lock must not freeze the screen."""
        require("gridtui.tui.writes", "Writes")
        from bench.community import community
        from bench.sync_steps import gridtui

        work = self.work / "import-keys"
        other = working_copy(community(self.scale, self.seed + 1, self.say), work, "other.db")
        card, bundle = work / "other.card", work / "other.bundle"
        gridtui(ENV, "--db", other, "device", "card", "--out", card)
        gridtui(ENV, "--db", other, "export", "--full", "--insecure-plaintext", "--out", bundle)
        db = self.copy("import-keys.db")
        gridtui(ENV, "--db", db, "device", "trust", card, "--role", "office")
        cmd = [
            sys.executable,
            "-m",
            "bench.tui_driver",
            "import-keys",
            "grid",
            "--db",
            str(db),
            "--bundle",
            str(bundle),
            "--presses",
            "10",
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip() or f"driver exited {done.returncode}")
        times = json.loads(done.stdout.strip().splitlines()[-1])
        during = sorted(times["importing"])
        row.figure, row.baseline = statistics.median(during), statistics.median(times["alone"])
        row.note = (
            f"space on a yes/no item, key event until the row shows its new value, {len(during)} presses "
            f"50 ms apart while another process ran `gridtui import` of a different community's full "
            f"bundle into the same database, vs {len(times['alone'])} presses before it; p90 "
            f"{during[int(len(during) * 0.9)]:.1f} ms, worst {during[-1]:.1f} ms (a save that meets the "
            f"lock waits at most 50 ms, then queues)"
        )

    # 3 ------------------------------------------------------------------------------------------
    def first_paint(self) -> list[Row]:
        budget = Budget(100, False, text="<= 100 ms")
        grid = Row("walk list of the largest grid, first paint", "ms", budget)
        whole = Row("walk list of the whole community, first paint", "ms", budget)
        needs = Row("needs board, first paint", "ms", budget)
        residents = Row("all-residents list, first paint", "ms", budget)
        volunteers = Row("volunteers list, first paint", "ms", budget)

        def measure(_row: Row) -> None:
            require("gridtui.tui.screens.walk", "WalkScreen")
            walk = require("gridtui.domain.walk", "HOUSEHOLDS")
            times = paint_times(self.copy("paint.db"), self.runs)
            bare = statistics.median(times["bare"])
            for row, name in (
                (grid, "grid"),
                (whole, "all"),
                (needs, "needs"),
                (residents, "residents"),
                (volunteers, "volunteers"),
            ):
                if name in times:
                    row.figure, row.baseline = statistics.median(times[name]), bare
                else:
                    row.note = NOT_BUILT
            self.open_copy()
            grid_id, campaign = self._largest_grid()
            walk_ms = self._median_ms(lambda: walk.HOUSEHOLDS.page(campaign, grid_id=grid_id, limit=PAGE))
            grid.note = (
                f"push the screen until its paged list has painted rows fetched from SQLite (baseline: push "
                f"a bare Header/Static/Footer screen), median of {self.runs}; walk_page alone {walk_ms:.1f} ms"
            )
            whole.note = "the same, over every household of the community"
            if needs.figure is not None:
                needs_mod = require("gridtui.domain.needs", "list_needs", "count_needs")
                domain_ms = self._median_ms(lambda: (needs_mod.count_needs(), needs_mod.list_needs(limit=PAGE)))
                needs.note = f"the same, every need; count_needs + list_needs({PAGE}) alone {domain_ms:.1f} ms"
            if residents.figure is not None:
                people = require("gridtui.domain.households", "residents_page", "residents_count")
                domain_ms = self._median_ms(lambda: (people.residents_count(), people.residents_page(0, PAGE)))
                residents.note = (
                    f"the same, every present resident; residents_count + residents_page(0, {PAGE}) alone "
                    f"{domain_ms:.1f} ms"
                )
            if volunteers.figure is not None:
                volunteers.note = "the same, every volunteer (in-service party members, teams, others)"

        guarded(grid, measure)
        for row in (whole, needs, residents, volunteers):
            if grid.figure is None:
                row.note = grid.note

        return [grid, whole, needs, residents, volunteers]

    def _largest_grid(self) -> tuple[str, str]:
        """The grid with the most households, and the household campaign covering it."""
        from peewee import fn

        from gridtui.core.models import Building, Campaign, Household, live

        grid = (
            Household.select(Building.grid, fn.COUNT(Household.id).alias("n"))
            .join(Building, on=(Household.building == Building.id))
            .where(live(Household))
            .group_by(Building.grid)
            .order_by(fn.COUNT(Household.id).desc())
            .scalar()
        )
        campaign = (
            Campaign.select(Campaign.id)
            .where((Campaign.target == "household") & live(Campaign))
            .order_by(Campaign.starts.desc())
            .scalar()
        )
        return grid, campaign

    def _median_ms(self, call: Callable[[], object], times: int | None = None) -> float:
        call()  # the first call warms SQLite's page cache, as the app's own start does
        samples = []
        for _ in range(times or self.runs * 4):
            began = time.perf_counter()
            call()
            samples.append((time.perf_counter() - began) * 1000)
        return statistics.median(samples)

    # 4 ------------------------------------------------------------------------------------------
    def search(self) -> list[Row]:
        row = Row("search per keystroke, all residents", "ms", Budget(15, False, text="<= 15 ms"))

        def measure(row: Row) -> None:
            require("gridtui.domain.search", "search", "prepare")
            self.open_copy()
            queries = self._typed_queries()
            samples = sorted(self._keystrokes(queries, max(1, self.runs // 2)))
            row.figure = statistics.median(samples)
            p90 = samples[int(len(samples) * 0.9)]
            row.note = (
                f"{len(queries)} prefixes typed one character at a time (names, pinyin initials, "
                f"addresses, phone tails) on a connection readied as the search screen readies its own "
                f"(search.prepare); p90 {p90:.1f} ms, worst {samples[-1]:.1f} ms"
            )

        bigger = Row(
            f"search per keystroke, {SEARCH_GROWTH:g}x the community", "ms", Budget(15, False, text="<= 15 ms")
        )

        def measure_bigger(row: Row) -> None:
            """The same typing on a community SEARCH_GROWTH times as large: an index keeps it flat."""
            from bench.community import community
            from gridtui.core.db import close_database, open_database

            require("gridtui.domain.search", "search", "prepare")
            larger = working_copy(community(self.scale * SEARCH_GROWTH, self.seed, self.say), self.work, "larger.db")
            self.close()
            self._open = None
            open_database(larger)
            try:
                queries = self._typed_queries()
                samples = sorted(self._keystrokes(queries, max(1, self.runs // 2)))
            finally:
                close_database()
            row.figure = statistics.median(samples)
            row.note = (
                f"the line above on a demo community at scale {self.scale * SEARCH_GROWTH:g}; p90 "
                f"{samples[int(len(samples) * 0.9)]:.1f} ms, worst {samples[-1]:.1f} ms"
            )

        return [guarded(row, measure), guarded(bigger, measure_bigger)]

    def _keystrokes(self, queries: list[str], rounds: int) -> list[float]:
        """ms of each search as the search screen runs them: on one connection kept open, its
        page cache readied as the screen opens (search.prepare), one search a keystroke. The
        connection's cache goes back to the usual size afterwards, for the other domain timings."""
        from gridtui.core import dialect
        from gridtui.core.db import PRAGMAS
        from gridtui.core.models import database
        from gridtui.domain import search

        search.prepare()
        samples = []
        try:
            for _ in range(rounds):
                for query in queries:
                    began = time.perf_counter()
                    search.search(query)
                    samples.append((time.perf_counter() - began) * 1000)
        finally:
            if not dialect.hub():  # a server keeps its own cache
                database.execute_sql(f"PRAGMA cache_size = {PRAGMAS['cache_size']}")
        return samples

    def _typed_queries(self) -> list[str]:
        """Every prefix of a few real names, initials, addresses and phone tails, as typed."""
        from gridtui.core.models import Household, Resident, live

        rng = random.Random(self.seed)
        people = list(
            Resident.select(Resident.name, Resident.name_initials, Resident.phone, Household.address)
            .join(Household, on=(Resident.household == Household.id))
            .where(live(Resident))
            .order_by(Resident.id)
            .dicts()
        )
        words: list[str] = []
        for person in rng.sample(people, min(6, len(people))):
            words += [person["name"], person["name_initials"], person["address"]]
            if person["phone"]:
                words.append(person["phone"][-4:])
        return [word[:n] for word in words if word for n in range(1, len(word) + 1)]

    # 5 ------------------------------------------------------------------------------------------
    def demo(self) -> list[Row]:
        limit = 20 * self.scale
        row = Row(
            f"gridtui demo --scale {self.scale:g}, fresh file",
            "s",
            Budget(limit, False, text=f"<= {limit:g} s" + ("" if self.scale == 1 else " (20 s x scale)")),
        )

        def measure(row: Row) -> None:
            runs = 1 if self.scale >= 0.5 else 3
            samples = []
            for n in range(runs):
                path = self.work / f"demo{n}.db"
                began = time.perf_counter()
                make_demo(path, self.scale, self.seed)
                samples.append(time.perf_counter() - began)
            row.figure = statistics.median(samples)
            row.note = f"whole process, {os.cpu_count()} cores, median of {runs}"

        return [guarded(row, measure)]

    # 6 ------------------------------------------------------------------------------------------
    def sync(self) -> list[Row]:
        budget = Budget(0.5, True, at_least=True, text=">= 0.5x raw sqlite3")
        export = Row("full export", "rows/s", budget)
        import_ = Row("full import into an empty database", "rows/s", budget)
        runs = max(1, self.runs // 2 if self.scale >= 0.5 else self.runs - 2)
        state: dict[str, object] = {}

        def setup():
            if "bench" not in state:
                if not (has_command("export") and has_command("import")):
                    raise Missing("gridtui export / import")
                from bench.sync_steps import SyncBench

                state["bench"] = SyncBench(self.community, self.work / "sync", ENV)
            return state["bench"]

        def measure_export(row: Row) -> None:
            sync = setup()
            sync.export()  # learns the row count; also warms the OS file cache like the raw copy's reads
            row.figure, row.baseline = median_alternating(
                lambda: sync.rows / sync.export(), lambda: sync.rows / sync.raw(search=False), runs
            )
            row.note = (
                f"{sync.rows:,} rows; whole `gridtui export --full --insecure-plaintext` process vs a "
                f"process copying the same rows with executemany; median of {runs}"
            )

        def measure_import(row: Row) -> None:
            sync = setup()
            row.figure, row.baseline = median_alternating(
                lambda: sync.rows / sync.import_(), lambda: sync.rows / sync.raw(), runs
            )
            checking = min(sync.validation() for _ in range(runs))
            self._open = None  # validation opened (and closed) a copy of its own: the next timing reopens
            row.note = (
                f"{sync.rows:,} rows; whole `gridtui import` process into a new database that trusts the "
                f"sender vs the same raw copy (the same schema: indexes and the trigram search indexes "
                f"built after the rows); median of {runs}. Every row is held to the store's rules "
                f"(types, words, ranges, numbers, references): checking them alone takes "
                f"{checking:.2f} s, {checking * row.figure / sync.rows:.0%} of the import"
            )

        return [guarded(export, measure_export), guarded(import_, measure_import)]

    # office ------------------------------------------------------------------------------------
    def office(self) -> list[Row]:
        rows = [
            Row(f"report {kind} to Excel, whole community", "ms", Budget(None, True, text="- (information)"))
            for kind in ("registers", "visits")
        ]
        dash = Row("office dashboard numbers", "ms", Budget(None, False, text="- (information)"))
        runs = max(1, self.runs // 2 if self.scale >= 0.5 else self.runs - 2)

        def measure(row: Row, kind: str) -> None:
            if not has_command("report"):
                raise Missing("gridtui report")
            from bench.office_steps import cells_of, report, write_cells

            db = self.copy("office.db")
            out, cells = self.work / f"{kind}.xlsx", self.work / f"{kind}.cells"
            report(db, kind, out, ENV)
            lines = cells_of(out, cells)
            row.figure, row.baseline = median_alternating(
                lambda: report(db, kind, out, ENV) * 1000,
                lambda: write_cells(cells, self.work / "plain.xlsx") * 1000,
                runs,
            )
            row.note = (
                f"whole `gridtui report {kind}` process ({lines:,} rows) vs a process writing the same cells "
                f"with openpyxl (write-only); median of {runs}"
            )

        def measure_dashboard(row: Row) -> None:
            dashboard = require("gridtui.io.dashboard", "dashboard")
            self.open_copy()
            row.figure = self._median_ms(dashboard.dashboard)
            row.note = f"io.dashboard.dashboard() for the active campaign, median of {self.runs * 4} calls"

        for row, kind in zip(rows, ("registers", "visits"), strict=True):
            guarded(row, lambda r, kind=kind: measure(r, kind))
        return [*rows, guarded(dash, measure_dashboard)]

    # 7 ------------------------------------------------------------------------------------------
    def dispatch(self) -> list[Row]:
        row = Row("dispatch suggestions for one need", "ms", Budget(50, False, text="<= 50 ms (issue 4)"))

        def measure(row: Row) -> None:
            dispatch = require("gridtui.domain.dispatch", "suggest")
            self.open_copy()
            from gridtui.core.models import Need, live

            needs = [
                n.id
                for n in Need.select(Need.id).where((Need.status == "open") & live(Need)).order_by(Need.id).limit(10)
            ]
            if not needs:
                raise RuntimeError("the demo community has no open need")
            dispatch.suggest(needs[0])
            samples = []
            for _ in range(max(1, self.runs // 2)):
                for need in needs:
                    began = time.perf_counter()
                    dispatch.suggest(need)
                    samples.append((time.perf_counter() - began) * 1000)
            row.figure = statistics.median(samples)
            row.note = f"suggest() for {len(needs)} open needs, median of {len(samples)} calls"

        return [guarded(row, measure)]

    # encryption at rest (issue 14) --------------------------------------------------------------
    def cipher(self) -> list[Row]:
        """The same paths on an encrypted copy of the community and on the plain one."""
        budget = Budget(1.15, True, text="<= 1.15x plain")
        start = Row("encrypted: cold start to home, data shown", "ms", budget)
        keys = Row("encrypted: keypress saving an answer, key event to saved", "ms", budget)
        paint = Row("encrypted: walk list of the largest grid, first paint", "ms", budget)
        search = Row("encrypted: search per keystroke", "ms", budget)
        imports = Row(
            "encrypted: full import into an empty database",
            "rows/s",
            Budget(1 / 1.15, True, at_least=True, text=">= plain / 1.15"),
        )
        stretch = Row(
            "unlock: the passphrase stretched into the key", "ms", Budget(None, False, text="- (information)")
        )
        state: dict[str, object] = {}

        def sealed() -> tuple[Path, Path, dict[str, str]]:
            if "db" not in state:
                require("gridtui.core.unlock", "encrypt_file")
                from bench.sync_steps import gridtui

                phrase = self.work / "phrase.txt"
                phrase.write_text("bench passphrase, not a secret\n", encoding="utf-8")
                env = {**ENV, "GRIDTUI_PASSPHRASE_FILE": str(phrase)}
                db = self.copy("sealed.db")
                gridtui(env, "--db", db, "db", "encrypt")
                state.update(db=db, plain=self.copy("plain.db"), env=env)
            return state["plain"], state["db"], state["env"]

        def fresh(source: Path, name: str) -> Path:
            """A copy of ``source`` no app has opened (sealed.db and plain.db themselves never are)."""
            return working_copy(source, self.work / "cipher", name)

        def measure_start(row: Row) -> None:
            from gridtui.core import unlock

            plain, db, env = sealed()
            key = unlock.key_for(db, "bench passphrase, not a secret")  # its copies share the salt
            unstretched = {**env, "BENCH_STRETCHED": f"{key.salt.hex()}:{key.key.hex()}"}

            def start(source: Path, e: dict[str, str]) -> float:
                return until_ready("grid", fresh(source, "start.db"), e)[0] * 1000

            for target, e in ((plain, ENV), (db, unstretched)):  # untimed: modules compiled, files cached
                start(target, e)
            row.figure, row.baseline = median_alternating(
                lambda: start(db, unstretched), lambda: start(plain, ENV), self.runs
            )
            row.note = (
                f"the first start above (a copy no app has opened, so neither side has the figures home "
                f"keeps from its last start), encrypted copy opened by its passphrase file vs the plain "
                f"one; the passphrase's stretch, its own line, is left out by handing the process the "
                f"key it would derive (bench/start_driver.py), all else as a user's start; median of "
                f"{self.runs}"
            )

        def measure_keys(row: Row) -> None:
            plain, db, env = sealed()
            # many short processes rather than two long ones: a press is ~4 ms, and a process that
            # lands in a slow spell of the machine moved one side's median by 10-25% with only two
            processes, presses = max(4, self.runs), 10
            ours: list[float] = []
            theirs: list[float] = []
            for _ in range(processes):  # interleaved, fresh copies, so drift hits both sides alike
                theirs += driver_keys("keypress", "grid", fresh(plain, "keys.db"), presses)["direct"]
                ours += driver_keys("keypress", "grid", fresh(db, "keys.db"), presses, env)["direct"]
            row.figure, row.baseline = statistics.median(ours), statistics.median(theirs)
            row.note = (
                f"the key event to saved line above, on the encrypted copy vs the plain one; median of "
                f"{len(ours)} presses a side in {processes} processes each, interleaved"
            )

        def measure_paint(row: Row) -> None:
            plain, db, env = sealed()
            processes = max(2, self.runs // 2)
            ours: list[float] = []
            theirs: list[float] = []
            for _ in range(processes):  # interleaved, so drift hits both sides alike
                theirs += paint_times(fresh(plain, "paint.db"), self.runs)["grid"]
                ours += paint_times(fresh(db, "paint.db"), self.runs, env)["grid"]
            row.figure, row.baseline = statistics.median(ours), statistics.median(theirs)
            row.note = (
                f"the walk list's first paint above, encrypted vs plain; median of {len(ours)} paints a "
                f"side in {processes} processes each, interleaved"
            )

        def measure_search(row: Row) -> None:
            from gridtui.core import unlock
            from gridtui.core.db import close_database, open_database

            require("gridtui.domain.search", "search", "prepare")
            plain, db, env = sealed()
            self.open_copy()
            queries = self._typed_queries()
            key = unlock.key_for(db, "bench passphrase, not a secret")
            timed: dict[str, list[float]] = {"plain": [], "sealed": []}
            for _ in range(max(1, self.runs // 2)):  # interleaved, each side readied afresh
                for name, target, cipher in (("plain", plain, None), ("sealed", db, key)):
                    close_database()
                    open_database(fresh(target, f"search-{name}.db"), create=False, cipher=cipher)
                    timed[name] += self._keystrokes(queries, 1)
            close_database()
            self._open = None
            row.figure, row.baseline = statistics.median(timed["sealed"]), statistics.median(timed["plain"])
            row.note = (
                f"the search line above ({len(queries)} prefixes, each side's connection readied "
                f"afresh {max(1, self.runs // 2)} times, interleaved), on the encrypted copy vs the plain one"
            )

        def measure_import(row: Row) -> None:
            if not (has_command("export") and has_command("import")):
                raise Missing("gridtui export / import")
            from bench.sync_steps import SyncBench

            _, _, env = sealed()
            plain = SyncBench(self.community, self.work / "cipher-plain", ENV)
            sealed_sync = SyncBench(self.community, self.work / "cipher-sealed", env, sender=plain)
            plain.export()
            sealed_sync.bundle, sealed_sync.rows = plain.bundle, plain.rows
            runs = max(3, self.runs // 2)
            stretched: list[float] = []

            def encrypted() -> float:
                seconds = sealed_sync.import_()
                stretched.append(sealed_sync.stretched)
                return sealed_sync.rows / (seconds - sealed_sync.stretched)

            row.figure, row.baseline = median_alternating(encrypted, lambda: plain.rows / plain.import_(), runs)
            row.note = (
                f"`gridtui import` of the full bundle into a new encrypted database vs a new plain one "
                f"({plain.rows:,} rows), the encrypted process less the time it spent stretching its "
                f"passphrase (median {statistics.median(stretched) * 1000:.0f} ms, the unlock line); "
                f"median of {runs}"
            )

        def stretch_ms() -> float:
            if "stretch" not in state:
                from gridtui.core import unlock

                state["stretch"] = self._median_ms(
                    lambda: unlock.stretch("bench passphrase", b"0123456789abcdef"), times=3
                )
            return state["stretch"]

        def measure_stretch(row: Row) -> None:
            row.figure = stretch_ms()
            row.note = (
                "PBKDF2-HMAC-SHA512, 256,000 rounds (SQLCipher 4's own), once per process at unlock; "
                "every connection after it is keyed with the raw key"
            )

        return [
            guarded(start, measure_start),
            guarded(keys, measure_keys),
            guarded(paint, measure_paint),
            guarded(search, measure_search),
            guarded(imports, measure_import),
            guarded(stretch, measure_stretch),
        ]

    # issue 11 -----------------------------------------------------------------------------------
    def forms(self) -> list[Row]:
        check = Row("form check, 300 questions and 5,000 choices", "s", Budget(2, False, text="<= 2 s (issue 11)"))
        first = Row("visit of a 300-item form, first paint", "ms", Budget(100, False, text="<= 100 ms"))
        cold = Row("same, first visit of the process (form built)", "ms", Budget(None, False, text="- (information)"))
        answer = Row("300-item form: skip logic after an answer", "ms", Budget(5, False, text="<= 5 ms"))
        state: dict[str, object] = {}

        def setup() -> tuple[Path, Path]:
            if "db" not in state:
                if not has_command("campaign"):
                    raise Missing("gridtui campaign")
                from bench.forms_steps import form_campaign

                state["db"], state["form"] = form_campaign(self.community, self.work, ENV)
            return state["db"], state["form"]  # type: ignore[return-value]

        def measure_check(row: Row) -> None:
            from bench.forms_steps import time_process

            _db, form = setup()
            runs = max(1, self.runs // 2 if self.scale >= 0.5 else self.runs - 2)
            row.figure, row.baseline = median_alternating(
                lambda: time_process(["-m", "gridtui", "form", "check", str(form)], ENV),
                lambda: time_process(
                    ["-c", f"import openpyxl; openpyxl.load_workbook({str(form)!r}, read_only=True)"], ENV
                ),
                runs,
            )
            row.note = (
                f"the whole `gridtui form check` process on the bench's own workbook (300 questions in 30 groups "
                f"with skip rules, 5,000 choices), pyxform's import included, vs a process that only opens the "
                f"workbook with openpyxl; median of {runs}"
            )

        def measure_visit(row: Row) -> None:
            db, _form = setup()
            done = subprocess.run(
                [sys.executable, "-m", "bench.tui_driver", "form", "grid", "--db", str(db), "--runs", str(self.runs)],
                capture_output=True,
                text=True,
                env=ENV,
                cwd=ROOT,
                timeout=600,
            )
            if done.returncode != 0:
                raise RuntimeError(done.stderr.strip() or "driver failed")
            times = json.loads(done.stdout.strip().splitlines()[-1])
            bare = statistics.median(times["bare"])
            first.figure, first.baseline = statistics.median(times["visit"]), bare
            cold.figure, cold.baseline = times["first"][0], bare
            answers = sorted(times["answer"])
            answer.figure = statistics.median(answers)
            first.note = (
                f"opening a visit of the 300-item form until its checklist is drawn (the form already built in "
                f"the process), vs pushing a bare screen; median of {self.runs} households"
            )
            cold.note = "the first visit of the app's life: the form read from the database and built first"
            answer.note = (
                f"every question answered once ({len(answers)}): the new value to the skip logic evaluated again "
                f"and the checklist's lines laid out, before the write and the redraw; median, worst "
                f"{answers[-1]:.2f} ms (an answer that opens or closes every later part)"
            )

        guarded(check, measure_check)
        guarded(first, measure_visit)
        for row in (cold, answer):
            if first.figure is None:
                row.note = first.note
        return [check, first, cold, answer]

    # the street office's hub ------------------------------------------------------------------
    def hub(self) -> list[Row]:
        """Per street size: the import into PostgreSQL against raw executemany on the same server,
        the street-wide coverage of a campaign made at the hub, and one grid's first walk-list page."""
        rows: list[Row] = []
        state: dict[str, object] = {}

        def server():
            if "server" not in state:
                sys.path.insert(0, str(ROOT / "tests"))
                from hub_server import INSTALL_HINT, Server, find_bin

                bin_dir = find_bin()
                if bin_dir is None:
                    raise Missing(INSTALL_HINT)
                state["server"] = Server(bin_dir).start()
            return state["server"]

        try:
            for count in self.hub_counts:
                rows += self._hub_lines(count, server)
        finally:
            if "server" in state:
                state["server"].stop()
        _growth(rows, self.hub_counts)
        return rows

    def _hub_lines(self, count: int, server) -> list[Row]:
        label = f"{count} communit{'y' if count == 1 else 'ies'} at scale {self.hub_scale:g}"
        imported = Row(
            f"hub: import {label}", "rows/s", Budget(0.5, True, at_least=True, text=">= 0.5x raw executemany")
        )
        street = Row(f"hub: street-wide coverage, {label}", "ms", Budget(None, False, text="information"))
        report = Row(f"hub: street-wide coverage report, {label}", "ms", Budget(None, False, text="information"))
        grid = Row(f"hub: one grid's walk list page, {label}", "ms", Budget(100, False, text="<= 100 ms"))
        typed = Row(f"hub: search per keystroke, {label}", "ms", Budget(15, False, text="<= 15 ms"))
        runs = 1 if count > 1 else max(1, self.runs // 2)
        state: dict[str, object] = {}

        def measure_import(row: Row) -> None:
            from bench.hub_steps import HubBench

            hub = state["hub"] = HubBench(server(), self.work / f"hub-{count}", ENV, count, self.hub_scale, self.seed)
            row.figure, row.baseline = median_alternating(
                lambda: hub.rows / hub.import_(), lambda: hub.rows / hub.raw(), runs
            )
            row.note = (
                f"{hub.rows:,} rows from {count} offices' bundles; one `gridtui import` process into a new hub "
                f"database vs a process copying the same rows into the same schema with psycopg executemany "
                f"(indexes dropped, then built); median of {runs}"
            )

        def measure_queries(row_street: Row, row_grid: Row) -> None:
            from datetime import date

            from gridtui.core.db import close_database, open_database
            from gridtui.core.models import Campaign, Grid
            from gridtui.domain import campaigns as campaign_rules
            from gridtui.domain import walk

            hub = state["hub"]
            open_database(hub.last_hub)
            try:
                from gridtui.domain import campaigns
                from gridtui.forms import builtin

                district = Campaign.get_by_id(
                    campaigns.create_from_workbook(
                        builtin.workbook("drowning_prevention"), name="暑期防溺水", starts=date.today(), activate=True
                    )
                )
                campaign_rules.coverage(district.id)
                row_street.figure = self._median_ms(lambda: campaign_rules.coverage(district.id))
                row_street.note = (
                    f"coverage of a campaign made at the hub over all {count} communities' households, in-process"
                )
                first = Grid.select().order_by(Grid.community, Grid.code).first()
                row_grid.figure = self._median_ms(
                    lambda: walk.HOUSEHOLDS.page(district.id, grid_id=first.id, limit=PAGE)
                )
                row_grid.note = f"the first {PAGE} rows of one grid's walk list in the district campaign, in-process"
                from gridtui.io.reports import build

                report.figure = self._median_ms(lambda: build("coverage", campaign=district.id), max(3, self.runs))
                report.note = (
                    "`report coverage` of the district campaign: every community's buildings, a line "
                    "each, built in-process (the file's writing aside)"
                )
                queries = self._typed_queries()
                samples = sorted(self._keystrokes(queries, 1))
                typed.figure = statistics.median(samples)
                typed.note = (
                    f"the search line's typing over all {count} communities' residents, in-process; p90 "
                    f"{samples[int(len(samples) * 0.9)]:.1f} ms, worst {samples[-1]:.1f} ms"
                )
            finally:
                close_database()

        guarded(imported, measure_import)
        if "hub" in state and state["hub"].last_hub:
            guarded(street, lambda r: measure_queries(r, grid))
        if typed.figure is None:
            typed.note = street.note or imported.note
        return [imported, street, report, grid, typed]

    def close(self) -> None:
        if self._open is not None:
            from gridtui.core.db import close_database

            close_database()


def _growth(rows: list[Row], counts: list[int]) -> None:
    """Each hub line's figure against the same line for the smallest street, in its note: how it
    grows from 1 to 5 to 20 communities (rows of the same kind, by what comes before the size)."""
    if len(counts) < 2:
        return
    first: dict[str, Row] = {}
    for row in rows:
        kind = row.what.split(",")[0] if "," in row.what else row.what.rsplit(" ", 5)[0]
        if kind not in first:
            first[kind] = row
            continue
        smallest = first[kind]
        if row.figure is not None and smallest.figure:
            row.note = (
                f"{row.figure / smallest.figure:.2g}x the line for {min(counts)} "
                f"communit{'y' if min(counts) == 1 else 'ies'}; " + row.note
            )
