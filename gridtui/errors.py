"""Errors the user may see: each carries a string-catalog key, never a traceback.

Anything raised to the user is a :class:`GridError`; the CLI prints its one sentence in the
user's language and exits 1, the TUI shows it as a notification.
"""

from __future__ import annotations


class GridError(Exception):
    """A failure with one clear, translated sentence for the user."""

    exit_code = 1

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: str | None = None) -> str:
        from gridtui.i18n import t

        return t(self.key, lang=lang, **self.params)

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
        return t(self.key, lang=lang, **{**self.params, "field": label})
