"""An import's counts as the sentence the command line prints and the sync screen shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gridtui.i18n import t

if TYPE_CHECKING:
    from gridtui.sync.merge import Summary

__all__ = ["gap_sentence", "summary_line"]


def summary_line(summary: Summary, dry_run: bool = False) -> str:
    """The counts on one line, then one sentence per bundle that found something missing."""
    line = t("sync.summary", **{k: v for k, v in summary.as_dict().items() if k not in ("tables", "gaps")})
    if summary.duplicates:
        line += t("sync.summary_duplicates", duplicates=summary.duplicates)
    line = t("sync.dry_run_prefix") + line if dry_run else line
    return "\n".join([line, *map(gap_sentence, summary.gaps)])


def gap_sentence(gap: dict[str, Any]) -> str:
    """What a bundle assumed this laptop holds and it does not, and from whom it will come; a
    laptop missing its own changes is an older copy of itself, which wants a new identity."""
    from gridtui.sync import keys

    sender = keys.name_of(gap["sender"])
    return t("sync.gap_self" if gap["older_copy"] else "sync.gap", sender=sender)
