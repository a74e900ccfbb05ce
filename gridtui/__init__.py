"""gridtui: a keyboard-driven terminal workbench for community grid workers (网格员).

The package is kept import-light: nothing here pulls in Textual, so the CLI's headless
commands start fast. The TUI lives in :mod:`gridtui.tui`.
"""

import sys
from pathlib import Path

__version__ = "0.1.0"


class _NoServerDriverInPeewee:
    """Peewee imports a PostgreSQL driver, if one is installed, as it is imported itself:
    psycopg costs ~90 ms and ~15 MiB on every start of a laptop that never meets a server.
    While peewee is being imported the driver is not found; the street hub hands it to peewee
    when it opens a server (:func:`gridtui.core.dialect.server_driver`)."""

    DRIVERS = ("psycopg", "psycopg2", "psycopg2cffi")

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] in self.DRIVERS:
            peewee = sys.modules.get("peewee")
            if peewee is not None and getattr(peewee.__spec__, "_initializing", False):
                raise ModuleNotFoundError(name, name=name)
        return None


if not any(isinstance(f, _NoServerDriverInPeewee) for f in sys.meta_path):
    sys.meta_path.insert(0, _NoServerDriverInPeewee())

DATA_DIR = Path(__file__).resolve().parent / "data"
"""Catalogs, checklists and strings, shipped inside the package (and the wheel). A plain path:
importlib.resources alone costs ~15 ms of start-up, and gridtui is never run from a zip."""
