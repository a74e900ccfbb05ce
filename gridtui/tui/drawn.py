"""Removing widgets for good, the lines they drew included.

Textual keeps ``StylesCache.get_inner_outer`` in an ``lru_cache`` of 1,024 entries keyed by the
widget's styles cache itself, so a removed widget's cache, with every line the widget drew, stays
alive until 1,024 later entries push it out. A screen that mounts a new checklist for every
household (five widgets with their scrollbars) would keep some two hundred households' drawn
lines, ~230 kB each: emptying the caches of the widgets it removes leaves only the small shells.
Textual also keeps ``query_one``'s answers (up to 1,024 per node, keyed by the state of the tree),
so a removed widget once found that way from the holder or above it would outlive it too.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.widget import Widget

__all__ = ["forget_drawn", "remove_children"]


def _drawn_by(widget: Widget) -> Iterator[Widget]:
    """The widget, its descendants and their scrollbars (which are not among the children)."""
    for node in widget.walk_children(Widget, with_self=True):
        yield node
        yield from node._get_virtual_dom()


def _empty(nodes: list[Widget]) -> None:
    for node in nodes:
        node._styles_cache.clear()


def forget_drawn(screen: Widget) -> None:
    """Empty the lines every widget of a screen that is going drew: the same cache keeps a popped
    screen's widgets' lines as it keeps removed ones' (a visit of a long form: ~9,000 objects,
    which the collector's full passes went over again and again)."""
    _empty(list(_drawn_by(screen)))


async def remove_children(holder: Widget) -> None:
    """Remove ``holder``'s children, then empty the lines they and theirs drew and forget them
    where ``query_one`` found them."""
    gone = [node for child in holder.children for node in _drawn_by(child)]
    await holder.remove_children()
    _empty(gone)
    holder.call_after_refresh(_empty, gone)  # a frame already on its way may still draw them once
    for ancestor in holder.ancestors_with_self:
        cache = getattr(ancestor, "_query_one_cache", None)
        if cache is not None:
            cache.clear()
