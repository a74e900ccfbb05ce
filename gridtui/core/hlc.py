"""Hybrid logical clock stamps (Kulkarni et al.) for per-field last-writer-wins.

A stamp is ``"<16 hex digits>-<device id>"``: 48 bits of wall-clock milliseconds and a 16-bit
counter, then the device that wrote it. Plain string comparison orders stamps by (clock,
device), which is exactly the merge rule, so SQL and Python agree on who wins.
"""

from __future__ import annotations

import re
import time

COUNTER_BITS = 16
MAX_DRIFT_MS = 24 * 3600 * 1000
"""A remote stamp more than a day ahead of our wall clock is quarantined, never adopted."""
DEVICE_RE = re.compile(r"[0-9a-f]{1,32}")
"""A device id as gridtui makes them (16 hex digits; up to 32 accepted): stamps end with one,
bundles and cards name one, so any other text there is forged or damaged."""
STAMP_RE = re.compile(r"[0-9a-f]{16}-[0-9a-f]{1,32}")


def is_device_id(text: object) -> bool:
    return isinstance(text, str) and DEVICE_RE.fullmatch(text) is not None


def is_stamp(text: object) -> bool:
    return isinstance(text, str) and STAMP_RE.fullmatch(text) is not None


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


def pack(ms: int, counter: int) -> int:
    return (ms << COUNTER_BITS) | counter


def unpack(value: int) -> tuple[int, int]:
    return value >> COUNTER_BITS, value & ((1 << COUNTER_BITS) - 1)


def make_stamp(clock: int, device: str) -> str:
    return f"{clock:016x}-{device}"


def stamp_clock(stamp: str) -> int:
    return int(stamp[:16], 16)


def stamp_device(stamp: str) -> str:
    return stamp[17:]


def tick(last: int, now_ms: int | None = None) -> int:
    """The next local clock value after ``last``: never goes backwards, even if the wall does."""
    now_ms = wall_ms() if now_ms is None else now_ms
    last_ms, counter = unpack(last)
    if now_ms > last_ms:
        return pack(now_ms, 0)
    if counter + 1 >= 1 << COUNTER_BITS:
        return pack(last_ms + 1, 0)
    return pack(last_ms, counter + 1)


def receive(last: int, remote: int, now_ms: int | None = None) -> int:
    """Advance the local clock past a remote stamp (the caller has already guarded drift)."""
    now_ms = wall_ms() if now_ms is None else now_ms
    last_ms, last_c = unpack(last)
    rem_ms, rem_c = unpack(remote)
    ms = max(now_ms, last_ms, rem_ms)
    if ms == last_ms == rem_ms:
        counter = max(last_c, rem_c) + 1
    elif ms == last_ms:
        counter = last_c + 1
    elif ms == rem_ms:
        counter = rem_c + 1
    else:
        counter = 0
    if counter >= 1 << COUNTER_BITS:
        ms, counter = ms + 1, 0
    return pack(ms, counter)


def too_far_ahead(remote: int, now_ms: int | None = None) -> bool:
    now_ms = wall_ms() if now_ms is None else now_ms
    return unpack(remote)[0] - now_ms > MAX_DRIFT_MS
