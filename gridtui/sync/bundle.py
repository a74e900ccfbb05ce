"""The bundle file: what one laptop tells another, signed by its sender and sealed for readers.

On disk a bundle is an age file (X25519 recipients, or a passphrase), so the standard ``age``
tool opens it too. Inside::

    GRIDTUI-BUNDLE\\n | header length (4 bytes) | header JSON | Ed25519 signature (64) | payload

The header names the format, the schema, the sender, row counts, the payload's size and
SHA-256; the signature covers magic and header, so it covers the payload too. The payload is
zlib-compressed JSON: ``{"tables": {name: {"columns": [...], "values": [...]}}}``, the stored
values column by column, each column a list or, when it repeats a lot, ``{"runs": [[value, n], ...]}``. There is no archive inside, so there are no member names to
whitelist; sizes and counts are capped before anything is decompressed, and decompression stops
at the declared size (a decompression bomb ends there). Nothing is written to disk on reading.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
from cryptography.exceptions import InvalidSignature

from gridtui.core.db import SCHEMA_VERSION
from gridtui.core.models import Device
from gridtui.errors import GridError
from gridtui.sync import keys

MAGIC = b"GRIDTUI-BUNDLE\n"
AGE_MAGIC = b"age-encryption.org/v1\n"
FORMAT = 1
MAX_FILE = 1 << 30
MAX_HEADER = 1 << 20
MAX_RAW = 2 << 30
MAX_RATIO = 1100  # zlib cannot do better than ~1032:1; a larger claim is a lie
MAX_ROWS = 1_000_000
"""Six times the article's whole community; bounds what run-length columns may expand to."""
SIG_SIZE = 64


@dataclass
class Bundle:
    """A bundle whose sender is trusted and whose signature and payload hash were checked."""

    path: str
    header: dict[str, Any]
    tables: dict[str, Any]

    @property
    def sender(self) -> str:
        return self.header["sender"]


class UnknownSigner(GridError):
    """Signed by a device we do not trust (yet): the bundle is quarantined, not applied."""

    def __init__(self, path: str, header: dict[str, Any]) -> None:
        super().__init__("sync.unknown_signer", path=path, sender=header.get("sender", "?"))
        self.header = header


def seal(header: dict[str, Any], tables: dict[str, Any], identity: keys.Identity, *,
         recipients: list[str] | None = None, passphrase: str | None = None) -> bytes:
    """Serialise, sign and encrypt (to age recipients or a passphrase; neither = plaintext)."""
    raw = json.dumps({"tables": tables}, ensure_ascii=False, separators=(",", ":")).encode()
    payload = zlib.compress(raw, 1)
    header = {
        **header, "format": FORMAT, "schema": SCHEMA_VERSION, "sender": identity.device.id,
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "payload_size": len(payload), "raw_size": len(raw),
    }
    head = json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    signature = identity.signing.sign(MAGIC + head)
    inner = b"".join([MAGIC, len(head).to_bytes(4, "big"), head, signature, payload])
    if recipients:
        return pyrage.encrypt(inner, [pyrage.x25519.Recipient.from_str(r) for r in recipients])
    if passphrase is not None:
        return pyrage.passphrase.encrypt(inner, passphrase)
    return inner


def read_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise GridError("sync.too_large", path=str(path))
        return path.read_bytes()
    except OSError as exc:
        raise GridError("sync.file_unreadable", path=str(path), detail=exc.strerror or str(exc)) from exc


def decrypt(data: bytes, path: str, identity: keys.Identity | None, passphrase: str | None) -> bytes:
    """The inner bundle: age-decrypted (authenticated, so truncation and flipped bits fail here)."""
    if data.startswith(MAGIC):
        return data
    if not data.startswith(AGE_MAGIC):
        raise GridError("sync.not_a_bundle", path=path)
    age_header = data[: data.find(b"\n---")] if b"\n---" in data else data[:4096]
    if b"\n-> scrypt " in age_header:
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


def parse(inner: bytes, path: str) -> tuple[dict[str, Any], bytes, bytes, bytes]:
    """Split the inner bundle into header, signed bytes, signature and payload (nothing trusted yet)."""
    if not inner.startswith(MAGIC) or len(inner) < len(MAGIC) + 4:
        raise GridError("sync.not_a_bundle", path=path)
    at = len(MAGIC)
    size = int.from_bytes(inner[at : at + 4], "big")
    if size > MAX_HEADER or len(inner) < at + 4 + size + SIG_SIZE:
        raise GridError("sync.damaged", path=path)
    head = inner[at + 4 : at + 4 + size]
    signature = inner[at + 4 + size : at + 4 + size + SIG_SIZE]
    payload = inner[at + 4 + size + SIG_SIZE :]
    try:
        header = json.loads(head.decode("utf-8"))
        if not isinstance(header, dict) or not isinstance(header.get("sender"), str):
            raise ValueError("header")
    except (ValueError, UnicodeDecodeError) as exc:
        raise GridError("sync.damaged", path=path) from exc
    return header, MAGIC + head, signature, payload


def open_bundle(data: bytes, path: str, identity: keys.Identity | None,
                passphrase: str | None) -> Bundle:
    """Decrypt and verify everything that can be checked without the database's rows.

    Order: decrypt, parse, signer trusted (unknown -> :class:`UnknownSigner`, revoked ->
    refused), signature, payload hash, format and schema, size and count caps, then the
    bounded decompression and JSON. Content (tables, fields, types) is checked by the merge.
    """
    inner = decrypt(data, path, identity, passphrase)
    header, signed, signature, payload = parse(inner, path)
    signer = Device.get_or_none(Device.id == header["sender"])
    if signer is not None and signer.revoked:
        raise GridError("sync.revoked_signer", path=path, name=signer.name)
    if signer is None or not signer.trusted or not signer.sign_public:
        raise UnknownSigner(path, header)
    try:
        keys.public_key(signer).verify(signature, signed)
    except InvalidSignature as exc:
        raise GridError("sync.bad_signature", path=path) from exc
    if hashlib.sha256(payload).hexdigest() != header.get("payload_sha256"):
        raise GridError("sync.damaged", path=path)
    if header.get("format") != FORMAT:
        raise GridError("sync.unknown_format", path=path)
    schema = header.get("schema")
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        raise GridError("sync.newer_schema", path=path, found=schema, supported=SCHEMA_VERSION)
    if schema < SCHEMA_VERSION:
        raise GridError("sync.older_schema", path=path, found=schema, supported=SCHEMA_VERSION)
    raw_size, counts = header.get("raw_size"), header.get("counts")
    if (
        not isinstance(raw_size, int) or not isinstance(counts, dict)
        or not all(isinstance(n, int) and n >= 0 for n in counts.values())
    ):
        raise GridError("sync.malformed", path=path, detail="header")
    if raw_size > MAX_RAW or raw_size > len(payload) * MAX_RATIO or sum(counts.values()) > MAX_ROWS:
        raise GridError("sync.too_large", path=path)
    return Bundle(path, header, _inflate(payload, raw_size, counts, path))


def _inflate(payload: bytes, raw_size: int, counts: dict[str, int], path: str) -> dict[str, Any]:
    """Decompress at most the declared size, then parse; the counts must match the header."""
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(payload, raw_size + 1)
    except zlib.error as exc:
        raise GridError("sync.damaged", path=path) from exc
    if len(raw) != raw_size or inflater.unconsumed_tail or not inflater.eof:
        raise GridError("sync.too_large" if len(raw) > raw_size else "sync.damaged", path=path)
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise GridError("sync.malformed", path=path, detail="json") from exc
    tables = body.get("tables") if isinstance(body, dict) else None
    if not isinstance(tables, dict):
        raise GridError("sync.malformed", path=path, detail="tables")
    if set(tables) != set(counts):
        raise GridError("sync.malformed", path=path, detail="counts")
    if not all(isinstance(table, dict) for table in tables.values()):
        raise GridError("sync.malformed", path=path, detail="tables")
    return tables
