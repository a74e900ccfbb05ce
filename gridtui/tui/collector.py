"""The collector held off while a screen is first drawn.

Python's cycle collector runs whenever enough objects have been made, and a screen's first
draw makes many (home's lists at start; a long form's checklist: ~300 items' lines). A full
pass over the app's objects then lands inside the draw (20-30 ms at full scale, in about a
third of a 300-item visit's opens). Held off, it runs once the screen is on view, when nobody
waits for it. A screen that holds it lets it go once drawn and as it goes, and sets a timer
(:data:`LIMIT`) where its draw waits on a read, so a read that fails does not keep it off.
"""

from __future__ import annotations

import gc

LIMIT = 1.0
"""Seconds at most the collector is held off."""


class CollectorPause:
    """Held off by :meth:`hold`, let go by :meth:`release` (safe to call more than once)."""

    def __init__(self) -> None:
        self.held = False

    def hold(self) -> None:
        if gc.isenabled():
            gc.disable()
            self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            gc.enable()
