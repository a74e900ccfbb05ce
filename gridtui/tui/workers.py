"""Where the screens' database work runs, and how its results come back.

The rule
--------
On the UI thread, and nowhere else:

- a write of one row (or one small transaction) whose result the next frame must show: an
  answer, an outcome, a status; it goes through ``app.writes.save`` so another program's lock
  queues it instead of freezing the screen (:mod:`gridtui.tui.writes`);
- a read by id of the one row the key just pressed acts on (reveal an ID number, the active
  campaign's target), and the bundled catalogs, which are not in the database.

In a worker (:func:`db_work`): everything else. Lists, counts, searches, reports, imports and
exports, and every read that follows a write to redraw a list. A screen that reads the same
pages again at every key (search) runs its worker on a :class:`DbLane`, whose connection lives
as long as the screen.

One way back: a worker hands its results to the screen by posting a typed message from
:mod:`gridtui.tui.messages` (``self.post_message(HomeLoaded(data))``); the screen's
``on_<message>`` handler draws them. A worker never calls the screen through
``call_from_thread`` and never calls a callback it was given; a failure becomes one sentence
(``app.report``), which is safe from any thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial, wraps
from typing import Any, TypeVar

from textual import work

F = TypeVar("F", bound=Callable[..., Any])


class DbLane:
    """One thread for a screen's reads, keeping its connection (and page cache) from read to read
    while the screen is open; :meth:`close` when it goes.

    A worker's connection, and its cache, end with the worker. Search reads every resident at
    every key (~1,500 pages at full scale): from a new connection each time, that is every page
    from disk again, and on an encrypted database each is decrypted and its HMAC checked, which
    made a keystroke ~3x slower than on a plain file. Here they stay in memory between keys.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._thread: ThreadPoolExecutor | None = None

    async def run(self, call: Callable[[], Any]) -> Any:
        """``call()`` on the lane's thread, one at a time, in the order asked."""
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.name)
        return await asyncio.get_running_loop().run_in_executor(self._thread, call)

    def close(self) -> None:
        """Close the thread's connection once the read in flight is done, and end the thread."""
        thread, self._thread = self._thread, None
        if thread is not None:
            from gridtui.core.db import close_database

            thread.submit(close_database)
            thread.shutdown(wait=False)


def db_work(
    method: F | None = None,
    *,
    exclusive: bool = True,
    group: str = "db",
    load: bool = False,
    open_first: bool = True,
    lane: str | None = None,
) -> Any:
    """A thread worker that opens the database first and reports a failure as a notice.

    A GridError becomes its one sentence; anything else is a short generic sentence (and kept
    in ``app.errors`` for tests): no traceback reaches the screen. A screen's ``load`` (what its
    keys act on: the rows of a list, the household at the door) holds the keys typed meanwhile
    until it has been shown (:mod:`gridtui.tui.typeahead`). ``lane``: the name of the screen's
    :class:`DbLane` attribute to run on (its connection stays open) instead of a thread of its own.
    """

    def decorate(fn: F) -> F:
        def call(self, *args, **kwargs):
            app = self.app
            try:
                if open_first:  # the unlock screen's worker opens it itself, with the key
                    app.ensure_db()
                return fn(self, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - shown to the user as one sentence
                app.report(exc)
                return None

        if lane is None:

            @wraps(fn)
            def run(self, *args, **kwargs):
                try:
                    return call(self, *args, **kwargs)
                finally:
                    from gridtui.core.db import close_database

                    close_database()  # the worker's thread ends: free its connection and page cache

            start = work(thread=True, exclusive=exclusive, group=group, exit_on_error=False)(run)
        else:

            @wraps(fn)
            async def run_in_lane(self, *args, **kwargs):
                return await getattr(self, lane).run(partial(call, self, *args, **kwargs))

            start = work(exclusive=exclusive, group=group, exit_on_error=False)(run_in_lane)
        if not load:
            return start  # type: ignore[return-value]

        @wraps(fn)
        def start_load(self, *args, **kwargs):
            worker = start(self, *args, **kwargs)
            self.app.typeahead.hold(worker)
            return worker

        return start_load  # type: ignore[return-value]

    return decorate(method) if method is not None else decorate
