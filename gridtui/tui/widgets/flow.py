"""Text that wraps as a reader expects in a narrow terminal, with a hanging indent.

Textual wraps only at spaces. A checklist question in Chinese has none, so at 60 columns
`` 3. 迁入迁出情况说明（姓名、时间、去向）`` became `` 3.`` alone on a line and the question
under it from the left edge. A :class:`Flow` is a line of pieces, each a prefix (an item's
number, a choice's digit) and a body: pieces follow one another while they fit, and a body too
long for one line wraps between words or Chinese characters
(:func:`gridtui.textwidth.wrap_spans`), its continuation indented under the body, not under the
prefix.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from gridtui.textwidth import wrap_spans

Piece = tuple[Content, Content]
"""A prefix that stays on the piece's first line, and the body that wraps after it."""


class Flow(Visual):
    """Pieces laid out left to right, ``gap`` cells apart; a piece that does not fit on the
    line begins the next, and one longer than a line wraps with a hanging indent and ends it."""

    def __init__(self, pieces: Sequence[Piece], gap: int = 2) -> None:
        self.pieces, self.gap = list(pieces), gap
        self._laid_out: tuple[int, Content, int] | None = None

    @classmethod
    def one(cls, prefix: Content, body: Content) -> Flow:
        return cls([(prefix, body)])

    @property
    def plain(self) -> str:
        """The text on one line (what a test or a reader looks for)."""
        return (" " * self.gap).join(prefix.plain + body.plain for prefix, body in self.pieces)

    def lines(self, width: int) -> list[Content]:
        out: list[Content] = []
        line: Content | None = None
        for prefix, body in self.pieces:
            size = prefix.cell_length + body.cell_length
            if line is not None and line.cell_length + self.gap + size <= width:
                line = line + " " * self.gap + prefix + body
                continue
            if line is not None:
                out.append(line)
            wrapped = self._hanging(prefix, body, width)
            if len(wrapped) == 1:
                line = wrapped[0]
            else:
                out.extend(wrapped)
                line = None
        if line is not None or not out:
            out.append(line if line is not None else Content(""))
        return out

    @staticmethod
    def _hanging(prefix: Content, body: Content, width: int) -> list[Content]:
        indent = prefix.cell_length
        if indent + body.cell_length <= width:
            return [prefix + body]  # as it is, its own spaces too (a yes/no label's padding)
        spans = wrap_spans(body.plain, max(1, width - indent))
        first, *rest = spans
        return [prefix + body[first[0] : first[1]], *(" " * indent + body[a:b] for a, b in rest)]

    def _layout(self, width: int) -> tuple[Content, int]:
        if self._laid_out is None or self._laid_out[0] != width:
            lines = self.lines(width)
            self._laid_out = (width, Content("\n").join(lines), len(lines))
        return self._laid_out[1], self._laid_out[2]

    # -- the Visual protocol ----------------------------------------------------------------------
    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        content, _ = self._layout(width)
        return content.render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return sum(p.cell_length + b.cell_length for p, b in self.pieces) + self.gap * max(0, len(self.pieces) - 1)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._layout(width)[1]
