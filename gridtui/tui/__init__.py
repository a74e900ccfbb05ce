"""The Textual app. Importing this package costs nothing: GridApp is loaded on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gridtui.tui.app import GridApp

__all__ = ["GridApp", "chosen_language", "launch"]


def chosen_language(lang: str | None, settings: Any) -> str:
    """The app's language: --lang, then GRIDTUI_LANG, then the config file, then the locale."""
    import os

    from gridtui import i18n

    chosen = (lang, os.environ.get("GRIDTUI_LANG"), settings.language)
    return i18n.set_language(next((c for c in chosen if i18n.normalize(c)), None))


def launch(
    db_path: Any = None,
    lang: str | None = None,
    config_path: Any = None,
    today: Any = None,
    passphrase_file: Any = None,
) -> GridApp:
    """The app, with home's figures already being read (a thread, plain sqlite3) while Textual
    and the screens are imported: on a big community they are ready by the first frame, kept
    from the last start or not. An encrypted database with a passphrase file is unlocked in
    that thread too (see home_cache.EarlyRead)."""
    from pathlib import Path
    from types import SimpleNamespace

    from gridtui import config
    from gridtui.tui.home_cache import EarlyRead

    settings = config.load_settings(Path(config_path) if config_path else None)
    early = EarlyRead(
        SimpleNamespace(
            db_path=config.resolve_db_path(db_path),
            settings=settings,
            today=today,
            lang=chosen_language(lang, settings),
            passphrase_file=passphrase_file,
        )
    )
    from gridtui.tui.app import GridApp

    return GridApp(
        db_path=db_path, lang=lang, config_path=config_path, today=today, early=early, passphrase_file=passphrase_file
    )


def __getattr__(name: str) -> Any:
    if name == "GridApp":
        from gridtui.tui.app import GridApp

        return GridApp
    raise AttributeError(name)
