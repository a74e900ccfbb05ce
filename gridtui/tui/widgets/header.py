"""The title line of every screen: Textual's Header, let go of when its screen goes.

A Header watches the app's title and sub-title, and the app keeps each watcher until that title
next changes, which in gridtui it never does: every screen opened (a visit, a household from
search) kept its Header alive with everything it had drawn, ~2,000 objects each, and the
collector's full passes over them grew through the day (one in a 300-item visit's first paint
went from 20 to over 100 ms after a dozen visits). The header takes its watchers back as it goes.
"""

from __future__ import annotations

from textual.widgets import Header

WATCHED = ("title", "sub_title")


class GridHeader(Header):
    def on_unmount(self) -> None:
        for watched in (self.app, self.screen):
            watchers = getattr(watched, "__watchers", None) or {}
            for name in WATCHED:
                found = watchers.get(name)
                if found:
                    found[:] = [(node, callback) for node, callback in found if node is not self]
