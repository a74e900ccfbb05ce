"""The bundle file: what one laptop tells another, signed by its sender and sealed for readers.

On disk a bundle is an age file (X25519 recipients, or a passphrase), so the standard ``age``
tool opens it too. Inside, a fixed prefix comes first, then what it vouches for::

    GRIDTUI-BUNDLE\\n | sender id (32 bytes) | sender's Ed25519 key (32) | header length (4)
                     | signature (64) | header JSON | payload

Nothing a stranger wrote is parsed before the signature is checked: the prefix has a fixed size
and shape (a device id in hex, a key, a length under :data:`MAX_HEADER`), and the signature
covers the prefix and the header, whose SHA-256 of the payload covers the rest. The key travels
in the prefix so that a bundle from a device not trusted yet can still be verified as the work
of whoever holds that key, and kept in quarantine under that key, never under the name it claims.

The payload is zlib-compressed JSON lines, one chunk of at most :data:`CHUNK_ROWS` rows of one
table per line, tables in dependency order (parents first)::

    {"table": name, "columns": [...], "values": [column, ...]}

each column a list or, when it repeats a lot, ``{"runs": [[value, n], ...]}``. Reading streams
it: a line is decompressed, parsed and handed on at a time, so memory grows with a chunk, not
with the bundle; the decompressed total is held to the size the signed header declares (a
decompression bomb stops there). There is no archive inside, so no member names to whitelist,
and nothing is written to disk on reading.

The caps come from a real community's full bundle (the demo at scale 1.0, like the article's
community: 170,060 rows, 5.1 MB sealed, 18 MB of JSON) with a margin of about twelve times.
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, compress, count, islice, repeat
from operator import ne
from pathlib import Path
from typing import Any, TypeGuard

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from gridtui.core import hlc, stored
from gridtui.core.db import SCHEMA_VERSION
from gridtui.core.models import SYNCED_BY_TABLE, SYNCED_MODELS, Device
from gridtui.errors import GridError
from gridtui.sync import keys

MAGIC = b"GRIDTUI-BUNDLE\n"
AGE_MAGIC = b"age-encryption.org/v1\n"
FORMAT = 2
SENDER_SIZE = 32
KEY_SIZE = 32
SIG_SIZE = 64
PREFIX_SIZE = len(MAGIC) + SENDER_SIZE + KEY_SIZE + 4 + SIG_SIZE

MAX_FILE = 64 << 20
"""A sealed full community is 5.1 MB; the file is read whole (and decrypted whole), so this
bounds what a bundle costs in memory before a row is looked at."""
MAX_HEADER = 64 << 10
"""The header names devices and counts (a few hundred bytes for a street's laptops)."""
MAX_ROWS = 2_000_000
"""Rows in one bundle: a full community has 170,060."""
MAX_RAW = 256 << 20
"""Decompressed bytes: a full community is 18 MB. Only time depends on it (lines stream)."""
MAX_LINE = 16 << 20
"""One chunk's JSON; written ones stay under :data:`LINE_TARGET`. This bounds memory: a line
parsed is about five times its size in Python objects."""
LINE_TARGET = 4 << 20
CHUNK_ROWS = 2000
MAX_RATIO = 1100  # zlib cannot do better than ~1032:1; a larger claim is a lie
READ_PIECE = 256 << 10


@dataclass
class Envelope:
    """The fixed prefix of a bundle, split but not yet believed."""

    sender: str
    key: bytes
    signed: bytes
    signature: bytes
    head: bytes
    payload: memoryview

    @property
    def fingerprint(self) -> str:
        return keys.fingerprint(keys.b64(self.key))


@dataclass
class Bundle:
    """A bundle whose signer is trusted and whose signature and payload hash were checked; its
    rows are read, chunk by chunk, by :meth:`chunks`."""

    path: str
    header: dict[str, Any]
    payload: memoryview
    seen: dict[str, int] = field(default_factory=dict)
    on_dangling: str = "refuse"
    """What the merge does with a row pointing at a row not here: see :mod:`gridtui.sync.merge`."""

    @property
    def sender(self) -> str:
        return self.header["sender"]

    def chunks(self) -> Iterator[tuple[str, list[str], list[list]]]:
        """(table, column names, columns) chunk by chunk, tables in dependency order; when the
        last is read, the counts must be the ones the header declared."""
        position = -1
        for table, names, columns in _chunks(_lines(self.payload, self.header["raw_size"], self.path), self.path):
            order = _ORDER[table]
            if order < position:
                raise GridError("sync.malformed", path=self.path, detail="order")
            position = order
            self.seen[table] = self.seen.get(table, 0) + len(columns[0])
            if self.seen[table] > self.header["counts"].get(table, 0):
                raise GridError("sync.malformed", path=self.path, detail="counts")
            yield table, names, columns
        if self.seen != {t: n for t, n in self.header["counts"].items() if n}:
            raise GridError("sync.malformed", path=self.path, detail="counts")


_ORDER = {m._meta.table_name: n for n, m in enumerate(SYNCED_MODELS)}


class UnknownSigner(GridError):
    """Signed, verifiably, by a key no trusted device has (yet): the bundle waits in quarantine."""

    def __init__(self, path: str, envelope: Envelope) -> None:
        super().__init__("sync.unknown_signer", path=path, sender=envelope.sender)
        self.path, self.envelope = path, envelope


# -- writing ------------------------------------------------------------------------------------


def seal(
    header: dict[str, Any],
    chunks: Iterable[tuple[str, list[str], list[tuple]]],
    identity: keys.Identity,
    *,
    recipients: list[str] | None = None,
    passphrase: str | None = None,
) -> tuple[bytes, dict[str, Any]]:
    """Serialise, sign and encrypt (to age recipients or a passphrase; neither = plaintext).
    ``chunks`` are (table, column names, rows); returns the file's bytes and the header written."""
    payload, raw_size, counts = _payload(chunks)
    header = {
        **header,
        "format": FORMAT,
        "schema": SCHEMA_VERSION,
        "sender": identity.device.id,
        "counts": counts,
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "payload_size": len(payload),
        "raw_size": raw_size,
    }
    head = json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    prefix = MAGIC + identity.device.id.encode().ljust(SENDER_SIZE) + keys.raw_public(identity.signing)
    signed = prefix + len(head).to_bytes(4, "big")
    inner = b"".join([signed, identity.signing.sign(signed + head), head, payload])
    if recipients:
        return pyrage.encrypt(inner, [pyrage.x25519.Recipient.from_str(r) for r in recipients]), header
    if passphrase is not None:
        return pyrage.passphrase.encrypt(inner, passphrase), header
    return inner, header


def _payload(chunks: Iterable[tuple[str, list[str], list[tuple]]]) -> tuple[bytes, int, dict[str, int]]:
    """The compressed JSON lines, the raw size and the rows per table."""
    deflater = zlib.compressobj(1)
    parts, raw_size = [], 0
    counts: dict[str, int] = {}
    for table, names, rows in chunks:
        for line in _lines_of(table, names, rows):
            raw_size += len(line)
            parts.append(deflater.compress(line))
        counts[table] = counts.get(table, 0) + len(rows)
    parts.append(deflater.flush())
    return b"".join(parts), raw_size, counts


def _lines_of(table: str, names: list[str], rows: list[tuple]) -> Iterator[bytes]:
    """Rows as lines of at most CHUNK_ROWS rows, halved until each is under LINE_TARGET."""
    for start in range(0, len(rows), CHUNK_ROWS):
        yield from _sized_lines(table, names, rows[start : start + CHUNK_ROWS])


def _sized_lines(table: str, names: list[str], rows: list[tuple]) -> Iterator[bytes]:
    values = [_pack(column) for column in zip(*rows, strict=True)]
    line = (
        json.dumps(
            {"table": table, "columns": names, "values": values}, ensure_ascii=False, separators=(",", ":")
        ).encode()
        + b"\n"
    )
    if len(line) <= LINE_TARGET or len(rows) == 1:
        yield line
        return
    half = len(rows) // 2
    yield from _sized_lines(table, names, rows[:half])
    yield from _sized_lines(table, names, rows[half:])


def _pack(column: tuple) -> tuple | dict[str, list]:
    """A column as a list, or as runs ``{"runs": [[value, count], ...]}`` when it repeats a lot
    (deleted, origin, stamp, a visit's answers): less to write, read and type-check. The run
    boundaries are found in C (map, compress), not value by value in Python."""
    size = len(column)
    changes = list(compress(count(1), map(ne, column, islice(column, 1, None))))
    if (len(changes) + 1) * 4 > size:
        return column
    starts = [0, *changes]
    return {"runs": [[column[a], b - a] for a, b in zip(starts, [*changes, size], strict=True)]}


# -- reading ------------------------------------------------------------------------------------


def read_file(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:  # never more than the cap, and no buffer of the cap's size
            data = fh.read(min(os.fstat(fh.fileno()).st_size, MAX_FILE) + 1)
    except OSError as exc:
        raise GridError("sync.file_unreadable", path=str(path), detail=exc.strerror or str(exc)) from exc
    if len(data) > MAX_FILE:
        raise GridError("sync.too_large", path=str(path))
    return data


def decrypt(data: bytes, path: str, identity: keys.Identity | None, passphrase: str | None) -> bytes:
    """The inner bundle: age-decrypted (authenticated, so truncation and flipped bits fail here)."""
    if data.startswith(MAGIC):
        return data
    if not data.startswith(AGE_MAGIC):
        raise GridError("sync.not_a_bundle", path=path)
    end = data.find(b"\n---", 0, 64 << 10)
    if b"\n-> scrypt " in data[: end if end > 0 else 4096]:
        if passphrase is None:
            raise GridError("sync.needs_passphrase", path=path)
        try:
            return pyrage.passphrase.decrypt(data, passphrase)
        except pyrage.DecryptError as exc:
            raise GridError("sync.wrong_passphrase", path=path) from exc
    if identity is None:
        raise GridError("sync.not_for_us", path=path)
    try:
        return pyrage.decrypt(data, [identity.age])
    except pyrage.DecryptError as exc:
        if "No matching keys" in str(exc):
            raise GridError("sync.not_for_us", path=path) from exc
        raise GridError("sync.damaged", path=path) from exc


def envelope(inner: bytes, path: str) -> Envelope:
    """The fixed prefix split into its parts: magic, a device id in hex, a key, a bounded length."""
    if not inner.startswith(MAGIC):
        raise GridError("sync.not_a_bundle", path=path)
    if len(inner) < PREFIX_SIZE:
        raise GridError("sync.damaged", path=path)
    at = len(MAGIC)
    sender = inner[at : at + SENDER_SIZE].rstrip(b" ")
    key = inner[at + SENDER_SIZE : at + SENDER_SIZE + KEY_SIZE]
    at += SENDER_SIZE + KEY_SIZE
    size = int.from_bytes(inner[at : at + 4], "big")
    body = at + 4 + SIG_SIZE
    if not sender.isascii() or not hlc.is_device_id(sender.decode()) or size > MAX_HEADER or len(inner) < body + size:
        raise GridError("sync.damaged", path=path)
    view = memoryview(inner)
    return Envelope(
        sender.decode(), key, inner[: at + 4], inner[at + 4 : body], inner[body : body + size], view[body + size :]
    )


def open_bundle(data: bytes, path: str, identity: keys.Identity | None, passphrase: str | None) -> Bundle:
    """Decrypt and verify everything that can be checked before the rows are read.

    Order: decrypt; the fixed prefix; the signer (revoked: refused; unknown: the signature is
    checked against the key it carries, then :class:`UnknownSigner`); the signature against the
    trusted key; only then the header, its fields and caps, and the payload's hash. The rows are
    checked as they are read (:meth:`Bundle.chunks`) and merged.
    """
    found = envelope(decrypt(data, path, identity, passphrase), path)
    signer = Device.get_or_none(Device.id == found.sender)
    if signer is not None and signer.revoked:
        raise GridError("sync.revoked_signer", path=path, name=signer.name)
    trusted = signer is not None and signer.trusted and signer.sign_public
    _verify(found, keys.public_key(signer) if trusted else None, path)
    if not trusted:
        raise UnknownSigner(path, found)
    header = _header(found, path)
    if hashlib.sha256(found.payload).hexdigest() != header["payload_sha256"]:
        raise GridError("sync.damaged", path=path)
    return Bundle(path, header, found.payload)


def _verify(found: Envelope, trusted: Ed25519PublicKey | None, path: str) -> None:
    """The signature, by the trusted key when there is one (the prefix's key must be it), else by
    the key the prefix carries."""
    try:
        key = Ed25519PublicKey.from_public_bytes(found.key)
        if trusted is not None and keys.raw_public(trusted) != found.key:
            raise InvalidSignature
        key.verify(found.signature, found.signed + found.head)
    except (InvalidSignature, ValueError) as exc:
        raise GridError("sync.bad_signature", path=path) from exc


def claims(found: Envelope) -> dict[str, Any]:
    """What a verified header says about itself, for a quarantine listing: never trusted, so
    every value is checked and shortened, and a header that cannot be read says nothing."""
    try:
        header = json.loads(found.head.decode("utf-8"))
    except (ValueError, RecursionError):
        return {}
    if not isinstance(header, dict):
        return {}
    counts = header.get("counts")
    rows = sum(n for n in counts.values() if type(n) is int and n > 0) if isinstance(counts, dict) else 0
    return {
        "sender_name": _text(header, "sender_name")[:80],
        "created": _text(header, "created")[:40],
        "rows": min(rows, MAX_ROWS),
    }


def _text(header: dict[str, Any], key: str) -> str:
    value = header.get(key)
    return value if isinstance(value, str) else ""


def _header(found: Envelope, path: str) -> dict[str, Any]:
    """The signed header, read and held to its shape: format and schema first (a newer gridtui's
    bundle is refused for that, not as damaged), then the sizes, counts and sync vectors."""
    try:
        header = stored.loads(found.head.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise GridError("sync.malformed", path=path, detail="header") from exc
    if not isinstance(header, dict) or header.get("sender") != found.sender:
        raise GridError("sync.malformed", path=path, detail="header")
    if header.get("format") != FORMAT:
        raise GridError("sync.unknown_format", path=path)
    schema = header.get("schema")
    if type(schema) is not int or schema > SCHEMA_VERSION:
        raise GridError("sync.newer_schema", path=path, found=schema, supported=SCHEMA_VERSION)
    if schema < SCHEMA_VERSION:
        raise GridError("sync.older_schema", path=path, found=schema, supported=SCHEMA_VERSION)
    _check_sizes(header, len(found.payload), path)
    _check_vectors(header, path)
    roles = header.get("roles", {})
    if not (
        isinstance(roles, dict)
        and len(roles) <= 4096
        and all(map(hlc.is_device_id, roles))
        and all(r in ("office", "worker") for r in roles.values())
    ):
        raise GridError("sync.malformed", path=path, detail="header")
    return header


def _count(value: Any) -> TypeGuard[int]:
    return type(value) is int and 0 <= value < 1 << 62


def _check_sizes(header: dict[str, Any], payload_size: int, path: str) -> None:
    counts, raw_size = header.get("counts"), header.get("raw_size")
    if not (
        isinstance(counts, dict)
        and all(t in SYNCED_BY_TABLE for t in counts)
        and all(map(_count, counts.values()))
        and _count(raw_size)
        and isinstance(header.get("payload_sha256"), str)
    ):
        unknown = next((t for t in counts if t not in SYNCED_BY_TABLE), None) if isinstance(counts, dict) else None
        if unknown is not None:
            raise GridError("sync.unknown_table", path=path, table=unknown[:40])
        raise GridError("sync.malformed", path=path, detail="header")
    if raw_size > MAX_RAW or raw_size > payload_size * MAX_RATIO or sum(counts.values()) > MAX_ROWS:
        raise GridError("sync.too_large", path=path)


def _check_vectors(header: dict[str, Any], path: str) -> None:
    """The sync bookkeeping a header carries: clocks and sequence numbers by device id."""
    base = header.get("base", {})
    vectors = [
        header.get("knows", {}),
        header.get("have", {}),
        base.get("knows", {}) if isinstance(base, dict) else None,
    ]
    if not (
        isinstance(base, dict)
        and _count(base.get("seq", 0))
        and _count(header.get("seq", 0))
        and all(
            isinstance(v, dict) and len(v) <= 4096 and all(map(hlc.is_device_id, v)) and all(map(_count, v.values()))
            for v in vectors
        )
    ):
        raise GridError("sync.malformed", path=path, detail="header")


# -- the rows, streamed -------------------------------------------------------------------------


def _lines(payload: memoryview, raw_size: int, path: str) -> Iterator[bytes]:
    """The payload's lines, decompressed a piece at a time; never more than the declared size."""
    inflater = zlib.decompressobj()
    pending, produced = b"", 0
    try:
        for start in range(0, len(payload), READ_PIECE):
            piece: memoryview | bytes = payload[start : start + READ_PIECE]
            while piece:
                out = inflater.decompress(piece, READ_PIECE)
                piece = inflater.unconsumed_tail
                produced += len(out)
                if produced > raw_size:
                    raise GridError("sync.too_large", path=path)
                *lines, pending = (pending + out).split(b"\n")
                if len(pending) > MAX_LINE:
                    raise GridError("sync.malformed", path=path, detail="line")
                yield from lines
    except zlib.error as exc:
        raise GridError("sync.damaged", path=path) from exc
    if produced != raw_size or pending or not inflater.eof or inflater.unused_data:
        raise GridError("sync.damaged", path=path)


def _chunks(lines: Iterator[bytes], path: str) -> Iterator[tuple[str, list[str], list[list]]]:
    """Each line as (table, column names in the table's order, columns), its shape checked."""
    for line in lines:
        try:
            chunk = stored.loads(line.decode("utf-8"))
        except (ValueError, RecursionError) as exc:
            raise GridError("sync.malformed", path=path, detail="json") from exc
        if not isinstance(chunk, dict) or set(chunk) != {"table", "columns", "values"}:
            raise GridError("sync.malformed", path=path, detail="chunk")
        yield _columns_of(chunk, path)


def _columns_of(chunk: dict[str, Any], path: str) -> tuple[str, list[str], list[list]]:
    table, given, values = chunk["table"], chunk["columns"], chunk["values"]
    model = SYNCED_BY_TABLE.get(table) if isinstance(table, str) else None
    if model is None:
        raise GridError("sync.unknown_table", path=path, table=str(table)[:40])
    names = stored.columns(model)
    if not isinstance(given, list) or not isinstance(values, list) or len(values) != len(given):
        raise GridError("sync.malformed", path=path, detail=table)
    unknown = [c for c in given if c not in names]
    if unknown:
        raise GridError("sync.unknown_field", path=path, table=table, field=str(unknown[0])[:40])
    if sorted(given) != sorted(names):
        raise GridError("sync.malformed", path=path, detail=table)
    unpacked = []
    for packed in values:
        column = _unpack(packed)
        if column is None:
            raise GridError("sync.malformed", path=path, detail=table)
        unpacked.append(column)
    sizes = set(map(len, unpacked))
    if len(sizes) != 1 or not 0 < sizes.pop() <= CHUNK_ROWS:
        raise GridError("sync.malformed", path=path, detail=table)
    return table, names, [unpacked[given.index(n)] for n in names]


def _unpack(packed: Any) -> list[Any] | None:
    """A column from a list or from runs (at most CHUNK_ROWS values either way); None if malformed."""
    if isinstance(packed, list):
        return packed
    runs = packed.get("runs") if isinstance(packed, dict) and set(packed) == {"runs"} else None
    if not isinstance(runs, list) or not all(
        isinstance(r, list) and len(r) == 2 and type(r[1]) is int and 0 < r[1] <= CHUNK_ROWS for r in runs
    ):
        return None
    if sum(r[1] for r in runs) > CHUNK_ROWS:
        return None
    return list(chain.from_iterable(repeat(v, n) for v, n in runs))
