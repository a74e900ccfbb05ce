"""gridtui: a keyboard-driven terminal workbench for community grid workers (网格员).

The package is kept import-light: nothing here pulls in Textual, so the CLI's headless
commands start fast. The TUI lives in :mod:`gridtui.tui`.
"""

__version__ = "0.1.0"
