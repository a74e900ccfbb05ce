"""An import's counts as the sentence the command line prints and the sync screen shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gridtui.i18n import t

if TYPE_CHECKING:
    from gridtui.sync.merge import Gap, Summary

__all__ = ["gap_sentence", "held_lines", "summary_line"]


def summary_line(summary: Summary, dry_run: bool = False) -> str:
    """The counts on one line, then one sentence per bundle that found something missing."""
    line = t("sync.summary", **{k: v for k, v in summary.as_dict().items() if k not in ("tables", "gaps")})
    if summary.duplicates:
        line += t("sync.summary_duplicates", duplicates=summary.duplicates)
    line = t("sync.dry_run_prefix") + line if dry_run else line
    return "\n".join([line, *map(gap_sentence, summary.gaps), *held_lines(summary)])


HELD_SHOWN = 20
"""Held rows named one by one under the summary; ``gridtui quarantine`` lists them all."""


def held_lines(summary: Summary) -> list[str]:
    """The rows held because their sender may not make that change here, each with why; then
    this laptop's role as the office gave it, and the grids it forgot or keeps for now."""
    from gridtui.sync import keys

    lines = [t(f"sync.held_reason.{reason}", count=count) for reason, count in sorted(summary.refused.items())]
    for row in summary.held[:HELD_SHOWN]:
        lines.append(
            t(
                "sync.held_line",
                table=row.table,
                id=row.id[:8],
                sender=keys.name_of(row.sender),
                reason=t(f"sync.held_why.{row.reason}"),
            )
        )
    if summary.refused:
        lines.append(t("sync.held_more", count=sum(summary.refused.values())))
    if summary.role:
        lines.append(t(f"sync.role_taken.{summary.role}"))
    if summary.purged:
        lines.append(t("sync.purged", grids="、".join(summary.purged)))
    if summary.waiting:
        lines.append(t("sync.purge_waits", grids="、".join(summary.waiting)))
    return lines


def gap_sentence(gap: Gap) -> str:
    """What a bundle assumed this laptop holds and it does not, and from whom it will come; a
    laptop missing its own changes is an older copy of itself, which wants a new identity."""
    from gridtui.sync import keys

    sender = keys.name_of(gap.sender)
    return t("sync.gap_self" if gap.older_copy else "sync.gap", sender=sender)
