"""Device identities: this laptop's private keys, public cards, trusted and revoked peers.

Each database has an Ed25519 signing key (bundles are signed) and an age X25519 identity
(bundles are encrypted to it). The private halves live in a key file beside the database,
``<db>.keys``, readable by the owner only, and never travel in a bundle; the public halves are
in the :class:`~gridtui.core.models.Device` table and on the card a peer trusts.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from gridtui.core import dialect, hlc, store, unlock
from gridtui.core.db import is_street_hub, meta_get, meta_set, self_device
from gridtui.core.dialect import put
from gridtui.core.models import Device, SyncPeer, database, is_unset
from gridtui.domain import privacy
from gridtui.errors import GridError

CARD_FORMAT = "gridtui-device-card/1"
MAX_CARD_BYTES = 64 * 1024


@dataclass
class Identity:
    """This laptop's private keys."""

    device: Device
    signing: Ed25519PrivateKey
    age: pyrage.x25519.Identity


def key_path() -> Path:
    return dialect.side_path(".keys")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def fingerprint(sign_public: str | None) -> str:
    """A short digest of a device's signing key, for people to compare cards by eye."""
    if not sign_public:
        return ""
    digest = hashlib.sha256(sign_public.encode()).hexdigest()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def load_identity() -> Identity | None:
    """This laptop's keys, or None before the first sync command created them."""
    device = self_device()
    path = key_path()
    if not device.sign_public:
        return None
    try:
        raw = json.loads(_read_secret(path))
        signing = Ed25519PrivateKey.from_private_bytes(base64.b64decode(raw["sign_private"]))
        age = pyrage.x25519.Identity.from_str(raw["age_identity"])
    except FileNotFoundError as exc:
        raise GridError("sync.keys_missing", path=str(path)) from exc
    except (OSError, ValueError, KeyError, TypeError, pyrage.IdentityError) as exc:
        raise GridError("sync.keys_unreadable", path=str(path)) from exc
    if raw.get("device") != device.id or _public(signing) != device.sign_public:
        raise GridError("sync.keys_mismatch", path=str(path))
    return Identity(device, signing, age)


def ensure_identity() -> Identity:
    """This laptop's keys, created on first use (key file 0600, public halves in Device)."""
    found = load_identity()
    if found is not None:
        return found
    device = self_device()
    signing, age = Ed25519PrivateKey.generate(), pyrage.x25519.Identity.generate()
    try:
        fd = os.open(key_path(), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise GridError("sync.keys_mismatch", path=str(key_path())) from exc
    with os.fdopen(fd, "wb") as fh:
        fh.write(_sealed_if_encrypted(_secret(device.id, signing, age)))
    return _publish(device, signing, age)


def _secret(device_id: str, signing: Ed25519PrivateKey, age: pyrage.x25519.Identity) -> bytes:
    return json.dumps(
        {"device": device_id, "sign_private": b64(signing.private_bytes_raw()), "age_identity": str(age)}
    ).encode()


def _publish(device: Device, signing: Ed25519PrivateKey, age: pyrage.x25519.Identity) -> Identity:
    """The public halves into this device's row (what its card shows)."""
    Device.update(sign_public=_public(signing), enc_public=str(age.to_public())).where(Device.id == device.id).execute()
    device.sign_public, device.enc_public = _public(signing), str(age.to_public())
    return Identity(device, signing, age)


def new_identity(name: str | None = None) -> tuple[Identity, Device]:
    """Give a copied database (or one restored from a backup) a device id and keys of its own,
    keeping all its data, so it can sync with the laptop it was copied from.

    Two databases with one id stamp their changes alike and refuse each other's card as their
    own. The copy gets a new id and new keys; the original stays as a trusted peer (its public
    key is the one the copy had, so nothing new is trusted), and this laptop is known to hold
    the original's changes up to the copy. What peers acknowledged was said to the original,
    so it is forgotten: the copy's first bundles carry everything. Returns the new identity
    and the original device.
    """
    original, path = self_device(), key_path()
    signing, age = Ed25519PrivateKey.generate(), pyrage.x25519.Identity.generate()
    device_id = os.urandom(8).hex()
    name = (name or "").strip() or _copy_name(original.name)
    if len(name) > 80:
        raise GridError("sync.bad_name")
    tmp = path.with_name(f".{path.name}.new")
    _write_secret(tmp, _secret(device_id, signing, age))
    try:
        with dialect.write_transaction():
            device = _become(original, device_id, name)
            identity = _publish(device, signing, age)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return identity, Device.get(Device.id == original.id)


def _copy_name(original: str) -> str:
    """The copy's name: this computer's, or the original's marked as another one."""
    host = (socket.gethostname() or "").split(".")[0][:40]
    return host if host and host != original else f"{original}-2"[:80]


KEYS_PURPOSE = "device-keys"


def _sealed_if_encrypted(secret: bytes) -> bytes:
    """The key file's contents: sealed under the database's own key when it is encrypted."""
    cipher = database.cipher
    return unlock.seal(cipher, KEYS_PURPOSE, secret) if cipher is not None else secret


def _read_secret(path: Path) -> bytes:
    """The key file's secret. A plain key file beside an encrypted database (keys made before
    ``db encrypt``, or one interrupted) is sealed now, in place."""
    blob = path.read_bytes()
    cipher = database.cipher
    if unlock.is_sealed(blob):
        if cipher is None:
            raise ValueError("sealed keys beside a plain database")
        return unlock.unseal(cipher, KEYS_PURPOSE, blob)
    if cipher is not None:
        write_secret(path, blob)
    return blob


def reseal(old: unlock.CipherKey | None = None) -> None:
    """After ``db encrypt`` or ``db passphrase``: the key file sealed under the database's key
    now (it was plain, or sealed under ``old``). No key file yet: nothing to do."""
    path = key_path()
    if not path.exists():
        return
    blob = path.read_bytes()
    if unlock.is_sealed(blob):
        if old is None:
            return  # already sealed under the current key
        blob = unlock.unseal(old, KEYS_PURPOSE, blob)
    write_secret(path, blob)


def write_secret(path: Path, secret: bytes) -> None:
    """Replace the key file whole (owner-only), sealed if the database is encrypted."""
    tmp = path.with_name(f".{path.name}.part")
    _write_secret(tmp, secret)
    os.replace(tmp, path)


def _write_secret(path: Path, secret: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_sealed_if_encrypted(secret))
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise GridError("sync.cannot_write", path=str(path), detail=exc.strerror or str(exc)) from exc


def _become(original: Device, device_id: str, name: str) -> Device:
    """The database's rows for its new identity (inside the caller's transaction)."""
    Device.update(is_self=False, trusted=bool(original.sign_public), revoked=False).where(
        Device.id == original.id
    ).execute()
    device = Device.create(
        id=device_id, name=name, is_self=True, trusted=True, added_at=datetime.now(), role=original.role
    )
    meta_set("device_id", device_id)
    SyncPeer.update(received_seq=0, acked_seq=0, echo=[]).execute()
    clock = int(meta_get("clock") or "0")
    if SyncPeer.update(known_clock=clock).where(SyncPeer.device == original.id).execute() == 0:
        SyncPeer.create(device=original.id, known_clock=clock)
    return device


def raw_public(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The 32 bytes of a signing key's public half, as a bundle's prefix carries them."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _public(signing: Ed25519PrivateKey) -> str:
    return b64(raw_public(signing))


def public_key(device: Device) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(device.sign_public))


def _canonical(card: dict) -> bytes:
    body = {k: v for k, v in card.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def make_card(identity: Identity) -> dict:
    """This device's public card, signed by itself (proves the sender holds the key)."""
    device = identity.device
    card = {
        "format": CARD_FORMAT,
        "id": device.id,
        "name": device.name,
        "sign_public": device.sign_public,
        "age_recipient": device.enc_public,
    }
    if is_street_hub():  # a street office's hub says so: an office sending to it first takes its own community id
        card["role"] = "hub"
    card["signature"] = b64(identity.signing.sign(_canonical(card)))
    return card


def read_card(path: Path) -> dict:
    """A peer's card, checked: our format, well-formed keys, signed by its own key."""
    try:
        data = path.read_bytes()[: MAX_CARD_BYTES + 1]
    except OSError as exc:
        raise GridError("sync.file_unreadable", path=str(path), detail=exc.strerror or str(exc)) from exc
    try:
        if len(data) > MAX_CARD_BYTES:
            raise ValueError("too large")
        card = json.loads(data.decode("utf-8"))
        if not isinstance(card, dict) or card.get("format") != CARD_FORMAT:
            raise ValueError("format")
        for name in ("id", "name", "sign_public", "age_recipient", "signature"):
            if not isinstance(card.get(name), str) or not card[name]:
                raise ValueError(name)
        if not hlc.is_device_id(card["id"]) or len(card["name"]) > 80:
            raise ValueError("id")
        pyrage.x25519.Recipient.from_str(card["age_recipient"])
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(card["sign_public"], validate=True))
        key.verify(base64.b64decode(card["signature"], validate=True), _canonical(card))
    except (ValueError, UnicodeDecodeError, pyrage.RecipientError, InvalidSignature) as exc:
        raise GridError("sync.bad_card", path=str(path)) from exc
    return card


def trust(path: Path, role: str | None = None) -> Device:
    """Add (or re-confirm) a peer from its card, with its role (what its bundles may change
    here: gridtui.sync.authority); a revoked device stays revoked. Audited. Unless told, a
    peer is a worker, and on a street office's hub, whose peers are the communities' offices,
    an office."""
    from gridtui.sync.authority import check_role

    role = check_role(role or ("office" if is_street_hub() else "worker"))
    card = read_card(path)
    me = self_device()
    if card["id"] == me.id:
        raise GridError("sync.trust_self")
    found = Device.get_or_none(Device.id == card["id"])
    if found is not None:
        if found.revoked:
            raise GridError("sync.trust_revoked", name=found.name)
        if found.sign_public and found.sign_public != card["sign_public"]:
            raise GridError("sync.trust_key_changed", name=found.name)
    role = "hub" if card.get("role") == "hub" else role  # a hub says so on its card
    with store.transaction():
        put(
            Device,
            id=card["id"],
            name=card["name"],
            sign_public=card["sign_public"],
            enc_public=card["age_recipient"],
            is_self=False,
            trusted=True,
            revoked=False,
            added_at=found.added_at if found else datetime.now(),
            role=role,
        )
        privacy.record("trust", "device", card["id"], f"{card['name']} {role} {fingerprint(card['sign_public'])}")
    return Device.get(Device.id == card["id"])


def set_role(name: str, role: str) -> Device:
    """What a trusted peer's bundles may change here from now on (rows already taken stay). Audited."""
    from gridtui.sync.authority import check_role

    role = check_role(role)
    device = find_peer(name)
    with store.transaction():
        Device.update(role=role).where(Device.id == device.id).execute()
        privacy.record("role", "device", device.id, f"{device.name} {device.role} -> {role}")
    return Device.get(Device.id == device.id)


def find_peer(name: str) -> Device:
    """A peer by id or by name (a name shared by two devices must be given as an id)."""
    found = Device.get_or_none((Device.id == name) & is_unset(Device.is_self))
    if found is not None:
        return found
    named = list(Device.select().where((Device.name == name) & is_unset(Device.is_self)))
    if not named:
        raise GridError("sync.unknown_device", name=name)
    if len(named) > 1:
        raise GridError("sync.ambiguous_device", name=name, ids=", ".join(d.id for d in named))
    return named[0]


def rename(name: str) -> Device:
    """Give this device the name its peers will see (on its next card); laptops share hostnames."""
    name = name.strip()
    if not name or len(name) > 80:
        raise GridError("sync.bad_name")
    me = self_device()
    Device.update(name=name).where(Device.id == me.id).execute()
    return Device.get(Device.id == me.id)


def revoke(name: str) -> Device:
    """Stop trusting a peer: its bundles are refused from now on (an accepted past stays)."""
    device = find_peer(name)
    with store.transaction():
        Device.update(revoked=True, trusted=False).where(Device.id == device.id).execute()
        privacy.record("revoke", "device", device.id, device.name)
    return Device.get(Device.id == device.id)


def recipients(names: list[str]) -> list[Device]:
    """The trusted peers a bundle is encrypted to."""
    peers = []
    for name in names:
        device = find_peer(name)
        if device.revoked or not device.trusted or not device.enc_public:
            raise GridError("sync.not_trusted", name=device.name)
        if device not in peers:
            peers.append(device)
    return peers


def name_of(device_id: str) -> str:
    """A device as people know it: its name if this laptop knows it, else its id."""
    found = Device.get_or_none(Device.id == device_id)
    return found.name if found is not None else device_id


def describe(device: Device) -> dict:
    return {
        "id": device.id,
        "name": device.name,
        "self": device.is_self,
        "trusted": device.trusted,
        "revoked": device.revoked,
        "role": device.role,
        "sign_public": device.sign_public,
        "age_recipient": device.enc_public,
        "fingerprint": fingerprint(device.sign_public),
    }
