"""Terminal cell width of text: a Chinese character takes two cells, so align by width, not len()."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


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


def table(rows: Sequence[Sequence[object]], aligns: str = "", gap: int = 2) -> list[str]:
    """Lines of a plain aligned table; ``aligns`` holds one ``l`` or ``r`` per column (default l)."""
    if not rows:
        return []
    columns = max(len(r) for r in rows)
    widths = [max(display_width(str(r[i])) for r in rows if i < len(r)) for i in range(columns)]
    lines = []
    for row in rows:
        cells = [pad(cell, widths[i], "right" if aligns[i : i + 1] == "r" else "left") for i, cell in enumerate(row)]
        lines.append((" " * gap).join(cells).rstrip())
    return lines


NO_LINE_START = frozenset("，。、；：！？）》」』】〕〉”’…—～·,.;:!?)]}%")
"""Closing punctuation: a line never begins with it (it stays on the line of what it closes)."""
NO_LINE_END = frozenset("（《「『【〔〈“‘([{")
"""Opening punctuation: a line never ends with it (it goes down with what it opens)."""
NO_BREAK_SPACE = "\u00a0"


def _is_space(ch: str) -> bool:
    return ch.isspace() and ch != NO_BREAK_SPACE


def _can_break(before: str, after: str) -> bool:
    """Whether a line may end between ``before`` and ``after``: after a space, or next to a wide
    character (Chinese has no spaces between words), unless punctuation or a no-break space
    holds the two together."""
    if _is_space(after):
        return False
    if _is_space(before):
        return True
    if NO_BREAK_SPACE in (before, after) or after in NO_LINE_START or before in NO_LINE_END:
        return False
    return char_width(before) == 2 or char_width(after) == 2


def wrap_spans(text: str, width: int, first: int | None = None) -> list[tuple[int, int]]:
    """Where ``text`` breaks into lines of at most ``width`` cells (``first`` for the first line):
    ``(start, end)`` indexes of each line, without the spaces at the break.

    Lines break at spaces and between Chinese characters, never inside a Latin word unless the
    word is longer than a whole line (then it is cut by cells); ``\\n`` always breaks.
    """
    spans: list[tuple[int, int]] = []
    start, size, limit = 0, len(text), first if first is not None else width
    while start < size:
        cells, end, last_break = 0, start, None
        while end < size and text[end] != "\n":
            if end > start and _can_break(text[end - 1], text[end]):
                last_break = end
            cells += char_width(text[end])
            if cells > max(1, limit) and not _is_space(text[end]) and end > start:
                break
            end += 1
        else:  # the rest fits (up to a newline or the end of the text)
            spans.append((start, _trimmed(text, start, end)))
            start = end + 1 if end < size else end
            if end == size - 1:  # a text ending in a newline ends with an empty line
                spans.append((start, start))
            limit = width
            continue
        cut = last_break if last_break is not None else end
        spans.append((start, _trimmed(text, start, cut)))
        start, limit = cut, width
        while start < size and _is_space(text[start]) and text[start] != "\n":
            start += 1
    return spans or [(0, 0)]


def _trimmed(text: str, start: int, end: int) -> int:
    """``end`` moved back over the spaces before it (spaces at a break are not shown)."""
    while end > start and _is_space(text[end - 1]):
        end -= 1
    return end
