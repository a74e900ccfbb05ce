"""An import reads a bundle a chunk at a time: what it holds in memory grows with a chunk of
rows, not with the bundle (a small file expanding to tens of megabytes of text once took
hundreds of megabytes)."""

from __future__ import annotations

import json
import tracemalloc

from gridtui.sync import bundle, keys, transfer

from .forge import forge, line

TEXT = 1000


def big_bundle(laptop, rows: int) -> tuple[bytes, int]:
    """``rows`` communities with a thousand characters each, signed by the laptop."""
    laptop.become()
    identity = keys.load_identity()
    made = [
        {
            "id": f"01900000-0000-7000-8000-{n:012d}",
            "deleted": 0,
            "origin": identity.device.id,
            "stamp": "0190000000000000-" + identity.device.id,
            "stamps": "{}",
            "name": f"社区{n}",
            "name_en": "",
            "subdistrict": "x" * TEXT,
        }
        for n in range(rows)
    ]
    chunks = [line("community", made[start : start + bundle.CHUNK_ROWS]) for start in range(0, rows, bundle.CHUNK_ROWS)]
    return forge(identity.signing, identity.device.id, chunks), sum(len(json.dumps(c)) for c in chunks)


def peak_importing(laptop, path) -> int:
    laptop.become()
    tracemalloc.start()
    try:
        transfer.import_bundles([path])
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_grows_with_a_chunk_not_with_the_bundle(laptops, tmp_path):
    worker, small_office, big_office = laptops("worker", "small", "big")
    peaks, raws = [], []
    for office, rows in ((small_office, 6000), (big_office, 24_000)):
        data, raw = big_bundle(worker, rows)
        path = tmp_path / f"{rows}.bundle"
        path.write_bytes(data)
        assert raw > 50 * len(data)  # a small file that expands a lot
        peaks.append(peak_importing(office, path))
        raws.append(raw)
    assert peaks[1] < 1.3 * peaks[0], peaks  # four times the rows, about the same memory
    assert peaks[1] < raws[1], (peaks, raws)  # less than the text itself, let alone parsed
