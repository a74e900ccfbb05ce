"""Forms as stored: a form version's definition, built into a :class:`~gridtui.forms.model.Form`
once per process and kept (a 300-item form takes milliseconds to build, an answer none).

A version's content never changes under its id, but a merge could replace a row's definition;
the cache is therefore keyed by the version's id and digest, read again at every call (one
indexed lookup).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from gridtui.core.models import FormVersion
from gridtui.errors import GridError
from gridtui.forms.model import Form

__all__ = ["form_of_version"]


def form_of_version(version_id: str) -> Form:
    """The form of a stored version (GridError if there is no such version)."""
    found = FormVersion.select(FormVersion.digest).where(FormVersion.id == version_id).tuples().first()
    if found is None:
        raise GridError("store.not_found", table="form_version", id=version_id)
    return _built(version_id, found[0])


@lru_cache(maxsize=32)
def _built(version_id: str, digest: str) -> Form:
    definition: Any = FormVersion.get_by_id(version_id).definition
    return Form.from_definition(definition)
