"""`make bench`: gridtui's speed and memory against the budgets of docs/design.md §5.

Each figure is measured next to a baseline in the same run (a bare Textual app, raw sqlite3),
so a slow or busy machine moves both and the ratio stays put. Run with
``python -m bench --scale 1.0`` (``make bench``) or ``--scale 0.1`` (``make bench-quick``).
Kept free of imports so ``python -m bench.tui_driver`` starts as cheaply as the app it measures.
"""
