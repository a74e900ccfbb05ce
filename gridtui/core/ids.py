"""UUIDv7 row ids: unique across laptops without coordination, and sorted by creation time."""

from __future__ import annotations

import contextvars
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_last = [0, 0]
"""The millisecond and the 74 random bits of this process's latest id (made under _lock)."""
_lock = threading.Lock()


def uuid7(ms: int | None = None, rand: bytes | None = None) -> str:
    """A UUIDv7 string (RFC 9562): 48-bit millisecond time, version, variant, 74 random bits.

    Ids this process makes in the same millisecond still sort in the order they were made: the
    random bits of each are those of the one before plus one (RFC 9562's monotonic random), so
    "by id" means "by creation" for rows a laptop writes in a burst. Given ``ms`` or ``rand``
    (a seeded demo), the id is made of exactly what is given.
    """
    if ms is None and rand is None:
        ms, bits = _next(time.time_ns() // 1_000_000)
    else:
        ms = time.time_ns() // 1_000_000 if ms is None else ms
        raw = rand if rand is not None else os.urandom(10)
        bits = ((int.from_bytes(raw[:2], "big") & 0x0FFF) << 62) | (
            int.from_bytes(raw[2:10], "big") & 0x3FFF_FFFF_FFFF_FFFF
        )
    value = (ms & 0xFFFF_FFFF_FFFF) << 80
    value |= 0x7 << 76
    value |= (bits >> 62) << 64
    value |= 0b10 << 62
    value |= bits & 0x3FFF_FFFF_FFFF_FFFF
    return str(uuid.UUID(int=value))


def _next(now: int) -> tuple[int, int]:
    with _lock:
        ms, bits = _last
        if now > ms:
            ms, bits = now, int.from_bytes(os.urandom(10), "big") >> 7  # 73 of the 74 bits: room to count up
        else:
            bits += 1
            if bits >> 74:  # a full millisecond's worth: borrow the next one
                ms, bits = ms + 1, int.from_bytes(os.urandom(10), "big") >> 7
        _last[:] = [ms, bits]
        return ms, bits


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
