"""The Textual app. Importing this package costs nothing: GridApp is loaded on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gridtui.tui.app import GridApp

__all__ = ["GridApp"]


def __getattr__(name: str) -> Any:
    if name == "GridApp":
        from gridtui.tui.app import GridApp

        return GridApp
    raise AttributeError(name)
