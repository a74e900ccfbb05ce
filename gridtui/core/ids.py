"""UUIDv7 row ids: unique across laptops without coordination, and sorted by creation time."""

from __future__ import annotations

import contextvars
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def uuid7(ms: int | None = None, rand: bytes | None = None) -> str:
    """A UUIDv7 string (RFC 9562): 48-bit millisecond time, version, variant, 74 random bits."""
    if ms is None:
        ms = time.time_ns() // 1_000_000
    rand = rand if rand is not None else os.urandom(10)
    value = (ms & 0xFFFF_FFFF_FFFF) << 80
    value |= 0x7 << 76
    value |= (int.from_bytes(rand[:2], "big") & 0x0FFF) << 64
    value |= 0b10 << 62
    value |= int.from_bytes(rand[2:10], "big") & 0x3FFF_FFFF_FFFF_FFFF
    return str(uuid.UUID(int=value))


def stable_id(namespace: str, key: str) -> str:
    """The same id on every laptop for rows seeded from the shipped catalogs (e.g. teams)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"gridtui:{namespace}:{key}"))


_source: contextvars.ContextVar[Callable[[], str] | None] = contextvars.ContextVar("id_source", default=None)


def new_id() -> str:
    """The id of a new row: a fresh UUIDv7, or the next one of :func:`id_source`'s maker."""
    make = _source.get()
    return make() if make is not None else uuid7()


@contextmanager
def id_source(make: Callable[[], str]) -> Iterator[None]:
    """New rows take their ids from ``make`` meanwhile: the demo community is built by the same
    domain functions as a real one, and still comes out the same for the same seed."""
    token = _source.set(make)
    try:
        yield
    finally:
        _source.reset(token)
