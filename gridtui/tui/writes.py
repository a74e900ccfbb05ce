"""Saving from the screen without ever freezing it.

An answer is written at once, on the UI thread: one small transaction, committed before the
next key is handled, so the next frame shows what is stored. SQLite lets one program write at a
time. When another is writing (the office importing a bundle, a second gridtui), a write on the
UI thread waits at most :data:`BRIEF_WAIT_MS`; if the database is still busy, the write joins a
queue, the screen keeps what was typed, one sentence says another program is writing and the
answer will be saved, and a thread writes the queue, in order, as soon as the database is free,
then says so. While anything is queued, new writes queue behind it, so answers are stored in
the order they were given. Quitting waits for the queue (a second ctrl+q quits without it).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gridtui.i18n import t
from gridtui.tui.messages import WritesStored, WriteStored

if TYPE_CHECKING:
    from gridtui.tui.app import GridApp

BRIEF_WAIT_MS = 50
"""How long a write on the UI thread waits for another program's lock before it is queued."""


@dataclass
class Write:
    run: Callable[[], Any]
    shown: Callable[[Any], None] | None
    """Called on the UI thread with ``run``'s result once it is stored (from the queue, through
    a :class:`~gridtui.tui.messages.WriteStored` message)."""


class Writes:
    """The app's writes from the screen (see the module's docstring)."""

    def __init__(self, app: GridApp) -> None:
        self.app = app
        self.queue: deque[Write] = deque()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def waiting(self) -> int:
        """Writes queued behind another program's lock."""
        return len(self.queue)

    def join(self, timeout: float | None = None) -> None:
        """Until the queued writes are stored (tests; nothing on the UI thread may wait so)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def save(self, run: Callable[[], Any], shown: Callable[[Any], None] | None = None) -> bool:
        """Write now, or queue the write if another program is writing; True if written now.

        What ``run`` raises (a bad value, a read-only file) is raised here, except a busy database.
        """
        from gridtui.core.db import brief_busy_wait, is_busy

        with self._lock:
            written, result = False, None
            if not self.queue:
                try:
                    with brief_busy_wait(BRIEF_WAIT_MS):
                        result, written = run(), True
                except Exception as exc:
                    if not is_busy(exc):
                        raise
            if not written:
                self.queue.append(Write(run, shown))
                first = len(self.queue) == 1
        if written:
            if shown is not None:
                shown(result)
            return True
        if first:
            self.app.notify(t("tui.writes.queued"), severity="warning", timeout=8)
            self._thread = threading.Thread(target=self._write_queue, name="gridtui-writes", daemon=True)
            self._thread.start()
        return False

    def _write_queue(self) -> None:
        """The writes that met a lock, in order, each retried until the database is free."""
        from gridtui.core.db import close_database, is_busy

        try:
            while True:
                with self._lock:
                    if not self.queue:
                        break
                    write = self.queue[0]
                try:
                    result = write.run()  # waits out the usual busy timeout, then tries again
                except Exception as exc:  # noqa: BLE001 - a busy database is retried, others said once
                    if is_busy(exc):
                        continue
                    self.app.report(exc)
                    result = exc
                with self._lock:
                    self.queue.popleft()
                if write.shown is not None and not isinstance(result, Exception):
                    self.app.post_message(WriteStored(write.shown, result))  # shown on the UI thread
            self.app.post_message(WritesStored())
        finally:
            close_database()

    def all_saved(self) -> None:
        """The queue is empty: say so, and quit if ctrl+q waited for it."""
        self.app.notify(t("tui.writes.saved"), timeout=4)
        if self.app.quitting:
            self.app.exit()
