"""Where gridtui keeps its files, and the user's settings.

Paths follow platformdirs; GRIDTUI_DB, GRIDTUI_CONFIG and GRIDTUI_LANG override them. Settings
come from a TOML file (``config.toml`` in the user config dir) so an office can hand every
laptop the same one. Directories are created on first use, never at import.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP = "gridtui"


def data_dir() -> Path:
    return Path(user_data_dir(APP, appauthor=False))


def default_db_path() -> Path:
    """The database used when neither --db nor GRIDTUI_DB says otherwise."""
    return data_dir() / "gridtui.db"


URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(text: object) -> bool:
    """Whether ``--db`` names a server (``scheme://…``) rather than a file (here, not in the
    database layer, so that reading a path imports no database code)."""
    return isinstance(text, str) and bool(URL_SCHEME.match(text))


def resolve_db_path(explicit: str | os.PathLike | None = None) -> Path | str:
    """The database ``--db`` (or GRIDTUI_DB) names: a file's path, or a server's URL as given
    (``postgresql://…``: a street office's hub), never a URL taken for a folder and a file."""
    given = explicit or os.environ.get("GRIDTUI_DB")
    if isinstance(given, str) and is_url(given):
        return given
    if given:
        return Path(given).expanduser()
    return default_db_path()


def config_path() -> Path:
    env = os.environ.get("GRIDTUI_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(user_config_dir(APP, appauthor=False)) / "config.toml"


@dataclass
class Settings:
    """What a user may set in config.toml."""

    language: str | None = None
    """Interface language, ``zh`` or ``en``; empty means follow the system locale."""

    my_grids: list[str] = field(default_factory=list)
    """Grid codes or names this worker looks after; empty means all (the office)."""

    worker_name: str = ""
    """Who is recorded as the actor of visits and need events from this laptop."""

    due_hours: dict[str, int] = field(default_factory=lambda: {"urgent": 24, "high": 72, "normal": 168, "low": 336})
    """How long a need may stay open for each urgency before it is overdue."""

    revisit_days: int = 3
    """A visit that found nobody home is due again after this many days."""

    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys, e.g. ``"visit.next" = "ctrl+n"``: remaps any key in the app."""

    lock_minutes: int = 10
    """An encrypted database's screen locks after this many idle minutes; 0: never."""


def load_settings(path: Path | None = None) -> Settings:
    """Read the config file; a missing or empty file gives the defaults. The TOML parser is
    imported only when there is TOML to read: it costs ~1.3 ms of the app's start."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
        if not text.strip():
            return Settings()
        import tomllib

        raw = tomllib.loads(text)
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:  # tomllib.TOMLDecodeError and UnicodeDecodeError are ValueErrors
        from gridtui.errors import GridError

        raise GridError("config.unreadable", path=str(path), detail=str(exc)) from exc
    settings = Settings()
    general = raw.get("general", raw)
    if isinstance(general.get("language"), str):
        settings.language = general["language"]
    if isinstance(general.get("my_grids"), list):
        settings.my_grids = [str(g) for g in general["my_grids"]]
    if isinstance(general.get("worker_name"), str):
        settings.worker_name = general["worker_name"]
    if isinstance(general.get("revisit_days"), int):
        settings.revisit_days = general["revisit_days"]
    if isinstance(general.get("lock_minutes"), int | float) and general["lock_minutes"] >= 0:
        settings.lock_minutes = general["lock_minutes"]
    due = raw.get("due_hours")
    if isinstance(due, dict):
        settings.due_hours.update({k: int(v) for k, v in due.items() if isinstance(v, int)})
    keymap = raw.get("keymap")
    if isinstance(keymap, dict):
        settings.keymap = {str(k): str(v) for k, v in keymap.items()}
    return settings
