"""One string catalog for every user-facing sentence, in zh-CN and en.

Strings live in ``gridtui/data/strings/*.json`` as ``{"key": {"zh": ..., "en": ...}}``; each area of
the program keeps its own file so the catalog stays easy to review. The language is chosen once
(``--lang``, then GRIDTUI_LANG, then the config file, then LC_ALL / LC_MESSAGES / LANG).
"""

from __future__ import annotations

import json
import os
import re
from functools import cache

LANGS = ("zh", "en")
_current: str | None = None


def normalize(lang: str | None) -> str | None:
    """Map zh, zh_CN.UTF-8, en_US, English... to 'zh' or 'en'; None when unknown."""
    if not lang:
        return None
    low = lang.strip().lower()
    if low.startswith("zh"):
        return "zh"
    if low.startswith("en") or low in ("c", "posix", "c.utf-8"):
        return "en"
    return None


def detect(explicit: str | None = None) -> str:
    """The language to use: explicit flag, GRIDTUI_LANG, config, locale variables, else zh."""
    for candidate in (explicit, os.environ.get("GRIDTUI_LANG")):
        if normalize(candidate):
            return normalize(candidate)  # type: ignore[return-value]
    try:
        from gridtui.config import load_settings

        configured = normalize(load_settings().language)
        if configured:
            return configured
    except Exception:  # a broken config file must not stop language detection
        pass
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            found = normalize(value)
            if found:
                return found
    return "zh"


def set_language(lang: str | None) -> str:
    global _current
    _current = detect(lang)
    return _current


def language() -> str:
    return _current or set_language(None)


@cache
def catalog() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    from gridtui import DATA_DIR

    for entry in sorted((DATA_DIR / "strings").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            merged.update(json.loads(entry.read_text(encoding="utf-8")))
    return merged


def t(key: str, lang: str | None = None, default: str | None = None, **params: object) -> str:
    """The sentence for ``key`` in ``lang`` (or the current language), formatted with params."""
    entry = catalog().get(key)
    lang = lang or language()
    if entry is None:
        text = default if default is not None else key
    else:
        text = entry.get(lang) or entry.get("en") or key
    if params:
        try:
            return _PLURAL.sub(lambda m: _counted(m, params), text).format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


_PLURAL = re.compile(r"\{(\w+)\|([^|{}]+)(?:\|([^|{}]+))?\}")
"""``{count|household}`` -> "1 household", "5 households"; ``{n|business|businesses}`` names
the plural itself. For English; a Chinese sentence counts with a measure word instead."""


def _counted(match: re.Match, params: dict) -> str:
    name, one, many = match.groups()
    count = params[name]
    try:
        single = float(str(count).replace(",", "")) == 1
    except ValueError:
        single = False
    return f"{count} {one if single else many or one + 's'}"


def pick(zh: str | None, en: str | None, lang: str | None = None) -> str:
    """Choose between a record's Chinese and English names (catalog items, compounds)."""
    if (lang or language()) == "en" and en:
        return en
    return zh or en or ""
