"""Rows of fixed-width columns, measured in terminal cells (a Chinese character takes two)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from rich.text import Text


def fit(value: object, width: int, align: str = "left") -> str:
    """``value`` padded or cut to exactly ``width`` cells."""
    text = str(value)
    if align == "right" and cell_len(text) < width:
        return " " * (width - cell_len(text)) + text
    return set_cell_size(text, width)


def row(cells: Sequence[tuple[object, int] | tuple[object, int, str] | Text], gap: int = 1) -> Text:
    """One line of columns: each cell is ``(value, width[, style])`` or a ready Text (last column)."""
    out = Text(no_wrap=True, overflow="crop")
    for i, cell in enumerate(cells):
        if i:
            out.append(" " * gap)
        if isinstance(cell, Text):
            out.append_text(cell)
            continue
        value, width, *style = cell
        align = "right" if isinstance(value, int | float) else "left"
        out.append(fit(value, width, align), style=style[0] if style else "")
    return out


def badges(labels: Sequence[tuple[str, str]]) -> Text:
    """Short coloured tags, e.g. 独居 残 党 需: ``(label, style)`` pairs."""
    out = Text(no_wrap=True, overflow="crop")
    for label, style in labels:
        out.append(f" {label} ", style=style)
        out.append(" ")
    return out


def bar(done: int, total: int, width: int = 20) -> Text:
    """A coverage bar: filled cells for the share done."""
    filled = 0 if not total else round(width * done / total)
    out = Text(no_wrap=True)
    out.append("█" * filled, style="green")
    out.append("░" * (width - filled), style="dim")
    return out
