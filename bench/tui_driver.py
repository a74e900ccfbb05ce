"""Runs one app headless in a fresh process and reports when it is ready, for the bench.

``python -m bench.tui_driver start bare|grid [--db PATH]`` prints ``READY <max rss KiB>`` the
moment the home screen shows its data (for the bare app: when its Static is mounted); the
parent times process start to that line, so interpreter start and imports count for both.
``keypress bare|grid --db PATH --presses N`` prints one JSON list of key round trips in ms.

The bare app is the baseline of DESIGN.md §5: Header, Static, Footer and nothing else.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sqlite3
import sys
import time

from textual.app import App, ComposeResult
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
    from gridtui.tui import GridApp

    return GridApp(db_path=db)


def grid_ready(app: App) -> bool:
    """The home screen shows real data (the signal GridApp exposes for tests and the bench)."""
    return bool(getattr(app, "home_ready", False))


async def wait_for(pilot, done, limit: float = 60.0) -> None:
    give_up = time.perf_counter() + limit
    while not done():
        if time.perf_counter() > give_up:
            raise TimeoutError("the app never became ready")
        await pilot.pause()


async def start(kind: str, db: str | None) -> None:
    app = BareApp() if kind == "bare" else grid_app(db)
    ready = bare_ready if kind == "bare" else grid_ready
    async with app.run_test(headless=True, size=SIZE) as pilot:
        await wait_for(pilot, lambda: ready(app))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"READY {rss}", flush=True)


def answers(db: str) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM answer").fetchone()[0]
    finally:
        conn.close()


async def keypress(kind: str, db: str | None, presses: int) -> None:
    """Key round trips: press, then wait until the effect is visible (bare) or committed (grid)."""
    times: list[float] = []
    if kind == "bare":
        app = BareApp()
        async with app.run_test(headless=True, size=SIZE) as pilot:
            await wait_for(pilot, lambda: bare_ready(app))
            body = app.query_one("#body", Static)
            for n in range(1, presses + 1):
                began = time.perf_counter()
                await pilot.press("x")
                await wait_for(pilot, lambda n=n: str(body.render()) == str(n))
                times.append((time.perf_counter() - began) * 1000)
    else:
        from bench.visit_keys import answer_presses

        app = grid_app(db)
        async with app.run_test(headless=True, size=SIZE) as pilot:
            await wait_for(pilot, lambda: grid_ready(app))
            async for key in answer_presses(app, pilot, presses):
                before = answers(db)
                began = time.perf_counter()
                await pilot.press(key)
                await wait_for(pilot, lambda before=before: answers(db) > before)
                times.append((time.perf_counter() - began) * 1000)
    print(json.dumps(times), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("start", "keypress"))
    parser.add_argument("kind", choices=("bare", "grid"))
    parser.add_argument("--db")
    parser.add_argument("--presses", type=int, default=20)
    args = parser.parse_args()
    if args.mode == "start":
        asyncio.run(start(args.kind, args.db))
    else:
        asyncio.run(keypress(args.kind, args.db, args.presses))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
