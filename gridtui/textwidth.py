"""Terminal cell width of text: a Chinese character takes two cells, so align by width, not len()."""

from __future__ import annotations

import unicodedata


def char_width(ch: str) -> int:
    """Cells one character takes: 0 for combining marks, 2 for wide/fullwidth (CJK), else 1."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    return sum(char_width(ch) for ch in str(text))


def pad(text: object, width: int, align: str = "left") -> str:
    """``text`` filled with spaces to ``width`` cells (align ``left`` or ``right``); never cut."""
    text = str(text)
    fill = " " * max(0, width - display_width(text))
    return fill + text if align == "right" else text + fill


def table(rows: list[list[object]], aligns: str = "", gap: int = 2) -> list[str]:
    """Lines of a plain aligned table; ``aligns`` holds one ``l`` or ``r`` per column (default l)."""
    if not rows:
        return []
    columns = max(len(r) for r in rows)
    widths = [max(display_width(str(r[i])) for r in rows if i < len(r)) for i in range(columns)]
    lines = []
    for row in rows:
        cells = [
            pad(cell, widths[i], "right" if aligns[i : i + 1] == "r" else "left")
            for i, cell in enumerate(row)
        ]
        lines.append((" " * gap).join(cells).rstrip())
    return lines
