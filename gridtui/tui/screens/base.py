"""What every gridtui screen shares: translated bindings, header and footer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import ModalScreen, Screen

from gridtui.tui.keys import Translated

if TYPE_CHECKING:
    from gridtui.tui.app import GridApp


class GridScreen(Translated, Screen):
    """A full screen of the app; ``self.app`` is the GridApp."""

    app: GridApp

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._translate_bindings()

    def save_typing(self) -> bool:
        """Save what is typed but not yet saved (the idle lock comes); False if it is bad."""
        return True


class GridModal(Translated, ModalScreen):
    """A dialog over the current screen; Escape closes it."""

    app: GridApp

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._translate_bindings()
