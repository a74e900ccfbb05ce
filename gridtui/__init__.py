"""gridtui: a keyboard-driven terminal workbench for community grid workers (网格员).

The package is kept import-light: nothing here pulls in Textual, so the CLI's headless
commands start fast. The TUI lives in :mod:`gridtui.tui`.
"""

from pathlib import Path

__version__ = "0.1.0"

DATA_DIR = Path(__file__).resolve().parent / "data"
"""Catalogs, checklists and strings, shipped inside the package (and the wheel). A plain path:
importlib.resources alone costs ~15 ms of start-up, and gridtui is never run from a zip."""
