"""Errors the user may see: each carries a string-catalog key, never a traceback.

Anything raised to the user is a :class:`GridError`; the CLI prints its one sentence in the
user's language and exits 1, the TUI shows it as a notification.
"""

from __future__ import annotations

import unicodedata
from typing import Any

SHOWN_LIMIT = 240


def shown(value: object, limit: int = SHOWN_LIMIT) -> str:
    """A value as it may appear inside a sentence (a name from a bundle, a typed word): one
    printable line, not too long. Control characters, line breaks, lone surrogates and
    unassigned code points become U+FFFD; spaces (a full-width one too) stay."""
    text = str(value)
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return "".join(c if c.isprintable() or unicodedata.category(c) == "Zs" else "\ufffd" for c in text)


def _shown_params(params: dict[str, object], lang: str | None) -> dict[str, Any]:
    """Numbers as they are (a plural rule reads them), a nested error as its own sentence in the
    same language, anything else shown()."""
    return {
        k: v.message(lang) if isinstance(v, GridError) else v if isinstance(v, int | float) else shown(v)
        for k, v in params.items()
    }


class GridError(Exception):
    """A failure with one clear, translated sentence for the user."""

    exit_code = 1

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: str | None = None) -> str:
        from gridtui.i18n import t

        return t(self.key, lang=lang, **_shown_params(self.params, lang))

    def __str__(self) -> str:
        return self.message()


class ValidationError(GridError):
    """A bad value for one field: names the field, never writes anything."""

    def __init__(self, field: str, key: str, **params: object) -> None:
        super().__init__(key, field=field, **params)
        self.field = field

    def message(self, lang: str | None = None) -> str:
        from gridtui.i18n import t

        label = t(f"field.{self.field}", lang=lang, default=self.field)
        return t(self.key, lang=lang, **{**_shown_params(self.params, lang), "field": shown(label)})
