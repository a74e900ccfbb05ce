"""Bundles made by hand, as a faulty or hostile laptop could make them, with real keys.

The format is written out here on its own (not through gridtui's writer), so the tests also pin
it down: ``MAGIC | sender (32) | Ed25519 key (32) | header length (4) | signature (64) | header
| zlib(JSON lines)``, the signature over everything before it plus the header.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from typing import Any

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from gridtui.core.db import SCHEMA_VERSION
from gridtui.core.models import SYNCED_BY_TABLE
from gridtui.core.stored import columns
from gridtui.sync import bundle

CREATED = "2026-07-14T09:00:00+00:00"


def line(table: str, rows: list[dict[str, Any]], **replace: Any) -> dict[str, Any]:
    """A chunk of whole rows of ``table`` (every column, in the table's order)."""
    names = columns(SYNCED_BY_TABLE[table])
    chunk = {"table": table, "columns": names, "values": [[row.get(n) for row in rows] for n in names]}
    chunk.update(replace)
    return chunk


def rows_in(chunk: dict[str, Any]) -> int:
    first = chunk["values"][0] if chunk.get("values") else []
    return sum(n for _, n in first["runs"]) if isinstance(first, dict) else len(first)


def payload_of(chunks: list[dict[str, Any]]) -> bytes:
    """JSON lines; non-ASCII as escapes, so a lone surrogate travels as valid text (``\\ud800``)."""
    return b"".join(json.dumps(c).encode() + b"\n" for c in chunks)


def forge(
    signing: Ed25519PrivateKey,
    sender: str,
    chunks: list[dict[str, Any]] | None = None,
    *,
    header: dict[str, Any] | None = None,
    raw: bytes | None = None,
    payload: bytes | None = None,
    head: bytes | None = None,
    recipient: str | None = None,
    prefix_sender: bytes | None = None,
) -> bytes:
    """A bundle signed with ``signing`` in the name of ``sender``; any part may be given as is."""
    chunks = chunks or []
    raw = raw if raw is not None else payload_of(chunks)
    payload = payload if payload is not None else zlib.compress(raw)
    counts: dict[str, int] = {}
    for chunk in chunks:
        if isinstance(chunk.get("table"), str):
            counts[chunk["table"]] = counts.get(chunk["table"], 0) + rows_in(chunk)
    fields = {
        "format": bundle.FORMAT,
        "schema": SCHEMA_VERSION,
        "sender": sender,
        "created": CREATED,
        "seq": 1,
        "knows": {},
        "have": {},
        "base": {"seq": 0, "knows": {}},
        "counts": counts,
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "payload_size": len(payload),
        "raw_size": len(raw),
        **(header or {}),
    }
    head = head if head is not None else json.dumps(fields, ensure_ascii=False).encode("utf-8", "surrogatepass")
    key = signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    signed = bundle.MAGIC + (prefix_sender or sender.encode().ljust(32)) + key + len(head).to_bytes(4, "big")
    inner = signed + signing.sign(signed + head) + head + payload
    if recipient is None:
        return inner
    return pyrage.encrypt(inner, [pyrage.x25519.Recipient.from_str(recipient)])
