"""Reusable widgets: the paged list over SQLite, the checklist, column helpers."""
