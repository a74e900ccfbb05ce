"""One row of the bench table and how it is printed: figure, baseline, ratio, budget, verdict."""

from __future__ import annotations

from dataclasses import dataclass

NOT_BUILT = "not built yet"


@dataclass
class Budget:
    """A limit from docs/design.md §5: on the ratio to the baseline, or on the figure itself."""

    limit: float | None  # None: shown for information, no budget in docs/design.md
    on_ratio: bool
    at_least: bool = False  # throughput: the figure must reach the limit, not stay under it
    text: str = ""

    def met(self, figure: float, ratio: float | None) -> bool:
        value = ratio if self.on_ratio else figure
        if value is None or self.limit is None:
            return False
        return value >= self.limit if self.at_least else value <= self.limit


@dataclass
class Row:
    what: str
    unit: str  # "ms", "s", "MiB", "rows/s"
    budget: Budget
    figure: float | None = None
    baseline: float | None = None
    note: str = ""  # why there is no figure ("not built yet", an error), or how it was taken

    @property
    def ratio(self) -> float | None:
        if self.figure is None or not self.baseline:
            return None
        return self.figure / self.baseline

    @property
    def verdict(self) -> str:
        if self.figure is None:
            return NOT_BUILT if self.note in ("", NOT_BUILT) else "failed (see notes)"
        if self.budget.limit is None:
            return "info"
        return "within" if self.budget.met(self.figure, self.ratio) else "OVER"


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "rows/s":
        return f"{value:,.0f} {unit}"
    if unit == "ms" and value < 10:
        return f"{value:.2f} {unit}"
    if unit in ("ms", "MiB"):
        return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{value:.2f} {unit}"


def render(rows: list[Row], header: str) -> str:
    """Plain aligned text: one line per figure, notes underneath."""
    lines = [["what", "figure", "baseline", "ratio", "budget", "verdict"]]
    for row in rows:
        ratio = row.ratio
        lines.append(
            [
                row.what,
                _num(row.figure, row.unit) if row.figure is not None else "-",
                _num(row.baseline, row.unit),
                f"{ratio:.2f}x" if ratio is not None else "-",
                row.budget.text,
                row.verdict,
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = [header, ""]
    for n, line in enumerate(lines):
        out.append(
            "  ".join(
                cell.ljust(w) if i in (0, 4, 5) else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
        )
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    notes = [f"  {row.what}: {row.note}" for row in rows if row.note and row.note != NOT_BUILT]
    if notes:
        out += ["", "notes:", *notes]
    return "\n".join(out)
