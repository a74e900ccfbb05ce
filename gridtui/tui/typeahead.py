"""Type-ahead: every key is handled after the one before it has finished, as in a terminal.

Textual hands a key to the focused widget the moment the key is read. A practised worker types
a number, Enter and the next answer within one frame: Enter moves the focus from the number's
field back to the checklist, but the keys after it were already handed to the field, and the
answer read ``1 jj``. Likewise ``]`` loads the next household in a worker, and the keys typed
before it arrives went to the household being left.

So the app lets a key through only when the one before it has *settled*: the app, the screen
and the focused widget have handled it and every message it set off (a focus change, a mount,
a row's answer), and no screen load that decides what the keys mean is still running
(:meth:`TypeAhead.hold`). Keys that come sooner wait here, in order, and each is sent on as the
one before it settles. A key that finds nothing in flight (no key, no load, no message waiting
on the screen) goes straight through, so keys typed at a human pace cost nothing.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import deque
from typing import TYPE_CHECKING

from textual import events
from textual.app import ScreenStackError
from textual.worker import Worker

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

HOLD_LIMIT = 10.0
"""Seconds a load may hold keys back; past it they go on (a load stuck on a lock must not take
the keyboard away; the busy timeout is 5 s)."""

HOLD_POLL = 0.002
"""How often a held queue looks again whether the load is done (seconds)."""

ROUND_CHECK = 0.5
"""How long to wait for a round before looking whether one of its widgets has closed (seconds)."""

TypedInput = events.Key | events.Paste


class TypeAhead:
    """The app's keys, one at a time (see the module's docstring)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.waiting: deque[TypedInput] = deque()
        self._released: TypedInput | None = None
        self._drain: asyncio.Task[None] | None = None
        self._holds: weakref.WeakKeyDictionary[Worker, float] = weakref.WeakKeyDictionary()
        """Loads holding keys, by when they began. Weak: a finished load is let go of with its
        screen, even if no key comes to look (a strong dict kept every visit screen opened
        without typing alive, ~10,000 objects each, and the collector's passes grew with them)."""

    def admit(self, event: TypedInput) -> bool:
        """Whether the app may handle ``event`` now; if not, it waits its turn here."""
        if event is self._released:
            self._released = None
            return True
        if self._drain is None and not self._holding() and not self._busy():
            self._drain = asyncio.create_task(self._send_on())
            return True  # nothing before it: at once, and the next one waits for it to settle
        self.waiting.append(event)
        if self._drain is None:
            self._drain = asyncio.create_task(self._send_on())
        return False

    def hold(self, worker: Worker) -> None:
        """Keys wait while ``worker`` (a screen's load) runs: they act on what it brings."""
        self._holds[worker] = time.monotonic()

    @property
    def idle(self) -> bool:
        """No key waiting or in flight (tests wait for this instead of sleeping)."""
        return self._drain is None and not self.waiting

    async def wait(self) -> None:
        """Until every key typed so far has been handled (for tests, instead of sleeping)."""
        while self._drain is not None:
            await self._drain

    async def _send_on(self) -> None:
        try:
            while True:
                await self._settled()
                if not self.waiting:
                    return
                self._released = self.waiting.popleft()
                self.app.post_message(self._released)
        except ScreenStackError:  # the app is closing: nothing is left to type into
            self.waiting.clear()
        finally:
            self._drain = None

    def _holding(self) -> bool:
        now = time.monotonic()
        for worker, since in list(self._holds.items()):
            if worker.is_finished or now - since > HOLD_LIMIT or not self._on_screen(worker):
                del self._holds[worker]
        return bool(self._holds)

    def _on_screen(self, worker: Worker) -> bool:
        node = worker.node
        try:
            return node is self.app or node.screen is self.app.screen
        except Exception:  # noqa: BLE001 - a node already taken down holds nothing
            return False

    async def _settled(self) -> None:
        """Until the last key and everything it set off have been handled."""
        while True:
            if self._holding():
                await asyncio.sleep(HOLD_POLL)
                continue
            await self._round(self._pumps())
            if not self._holding() and not self._busy():
                return

    def _busy(self) -> bool:
        """Messages still waiting somewhere on the screen (a load being shown, a focus change)."""
        return any(node.message_queue_size for node in self._nodes())

    def _nodes(self) -> list[MessagePump]:
        screen = self.app.screen
        return [self.app, *screen.walk_children(with_self=True)]

    def _pumps(self) -> list[MessagePump]:
        """The app, the screen, the focused widget and its parents, and whoever has messages:
        where a key's work can still be going on."""
        app, screen = self.app, self.app.screen
        focused = screen.focused
        chain = list(focused.ancestors_with_self) if focused is not None else []
        busy = [node for node in self._nodes() if node.message_queue_size]
        return list(dict.fromkeys([app, screen, *chain, *busy]))

    async def _round(self, pumps: list[MessagePump]) -> None:
        """Wait until each pump has handled everything it had when asked (as Pilot does)."""
        done = asyncio.Event()
        left = 0

        def one_done() -> None:
            nonlocal left
            left -= 1
            if left == 0:
                done.set()

        asked = [pump for pump in pumps if pump.call_later(one_done)]
        left = len(asked)
        while left and not done.is_set():
            try:
                await asyncio.wait_for(done.wait(), ROUND_CHECK)
            except TimeoutError:
                if not all(pump.is_running for pump in asked):
                    return  # a screen closed with our callback in its queue: it will not come
