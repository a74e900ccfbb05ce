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
exports, and every read that follows a write to redraw a list.

One way back: a worker hands its results to the screen by posting a typed message from
:mod:`gridtui.tui.messages` (``self.post_message(HomeLoaded(data))``); the screen's
``on_<message>`` handler draws them. A worker never calls the screen through
``call_from_thread`` and never calls a callback it was given; a failure becomes one sentence
(``app.report``), which is safe from any thread.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from textual import work

F = TypeVar("F", bound=Callable[..., Any])


def db_work(method: F | None = None, *, exclusive: bool = True, group: str = "db", load: bool = False,
            open_first: bool = True) -> Any:
    """A thread worker that opens the database first and reports a failure as a notice.

    A GridError becomes its one sentence; anything else is a short generic sentence (and kept
    in ``app.errors`` for tests): no traceback reaches the screen. A screen's ``load`` (what its
    keys act on: the rows of a list, the household at the door) holds the keys typed meanwhile
    until it has been shown (:mod:`gridtui.tui.typeahead`).
    """

    def decorate(fn: F) -> F:
        @wraps(fn)
        def run(self: Any, *args: Any, **kwargs: Any) -> Any:
            app = self.app
            try:
                if open_first:  # the unlock screen's worker opens it itself, with the key
                    app.ensure_db()
                return fn(self, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - shown to the user as one sentence
                app.report(exc)
                return None
            finally:
                from gridtui.core.db import close_database

                close_database()  # the worker's thread ends: free its connection and page cache

        start = work(thread=True, exclusive=exclusive, group=group, exit_on_error=False)(run)
        if not load:
            return start  # type: ignore[return-value]

        @wraps(fn)
        def start_load(self: Any, *args: Any, **kwargs: Any) -> Any:
            worker = start(self, *args, **kwargs)
            self.app.typeahead.hold(worker)
            return worker

        return start_load  # type: ignore[return-value]

    return decorate(method) if method is not None else decorate
