"""Bindings with ids, translated descriptions and tooltips.

Every binding is made by :func:`bind`: its id (``visit.next``) is what a user names in the
``[keymap]`` table of config.toml, and the id also keys its description (``key.visit.next``)
and tooltip (``key.visit.next.tip``) in tui.json. Textual reads ``BINDINGS`` when a class is
defined, before the language is known, so each screen translates its own copy on creation
(:class:`Translated`).
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap

from gridtui.i18n import t


def bind(
    key: str, action: str, id: str, *, show: bool = True, priority: bool = False, label: str | None = None
) -> Binding:
    """A binding whose description is ``key.<id>`` (or ``label``) and tooltip ``key.<id>.tip``."""
    return Binding(key, action, label or f"key.{id}", show=show, priority=priority, tooltip=f"key.{id}.tip", id=id)


def translate(bindings: BindingsMap) -> BindingsMap:
    """A copy of ``bindings`` with descriptions and tooltips in the current language."""
    out = BindingsMap()
    for key, items in bindings.key_to_bindings.items():
        out.key_to_bindings[key] = [
            replace(b, description=t(b.description), tooltip=t(b.tooltip, default=""))
            if b.tooltip.startswith("key.")
            else b
            for b in items
        ]
    return out


class Translated:
    """Mixin for screens and widgets: their bindings speak the user's language."""

    _bindings: BindingsMap
    """Textual's own, set by the node this is mixed into."""

    def _translate_bindings(self) -> None:
        self._bindings = translate(self._bindings)
