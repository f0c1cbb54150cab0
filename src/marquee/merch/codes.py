"""Authenticity codes: one Ed25519-signed code per unit sold, in the family of the e-ticket.

A code is ``"MQA1:" + base45(payload || signature)``. ``payload`` is 37 bytes,
big-endian (``struct`` format ``>B4sQQIII``):

====== ===== ===========================================================
offset bytes field
====== ===== ===========================================================
0      1     version (1)
1      4     key id: the first 4 bytes of SHA-256 of the raw public key
5      8     unit id
13     8     product id
21     4     licence id
25     4     serial: the unit's number within its product
29     4     edition size (0 when the product is not a limited edition)
33     4     issued at (Unix seconds, UTC)
====== ===== ===========================================================

``signature`` is the 64-byte Ed25519 signature of ``payload``. The key, its id,
base45 and the QR are the e-ticket's (:mod:`marquee.ticketing.etickets`): one
studio key signs tickets and tags, and the public keys are published at
``GET /api/v1/ticketing/keys``. ``docs/merch.md`` has a worked example and a
verifier a third party can run.
"""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from marquee.merch.errors import ForgedCode
from marquee.ticketing import etickets

PREFIX = "MQA1:"
VERSION = 1
PAYLOAD = struct.Struct(">B4sQQIIII")
SIGNATURE_LENGTH = 64
#: Every genuine code has exactly this length (base45 of 101 bytes).
CODE_LENGTH = len(PREFIX) + (PAYLOAD.size + SIGNATURE_LENGTH) // 2 * 3 + 2


@dataclass(frozen=True)
class UnitClaims:
    unit_id: int
    product_id: int
    licence_id: int
    serial: int
    edition_size: int  # 0: not a limited edition
    issued_at: datetime  # aware, whole seconds


def sign_unit(claims: UnitClaims) -> str:
    """The signed code printed on the unit's tag (raises ``ValueError`` for claims out of range)."""
    for name, value, limit in (
        ("unit_id", claims.unit_id, 0xFFFFFFFFFFFFFFFF),
        ("product_id", claims.product_id, 0xFFFFFFFFFFFFFFFF),
        ("licence_id", claims.licence_id, 0xFFFFFFFF),
        ("serial", claims.serial, 0xFFFFFFFF),
        ("edition_size", claims.edition_size, 0xFFFFFFFF),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
            raise ValueError(f"{name} must be an integer in 0..{limit}")
    if claims.issued_at.tzinfo is None:
        raise ValueError("issued_at must be an aware datetime")
    key = etickets.signing_key()
    payload = PAYLOAD.pack(
        VERSION,
        bytes.fromhex(etickets.key_id(key.public_key())),
        claims.unit_id,
        claims.product_id,
        claims.licence_id,
        claims.serial,
        claims.edition_size,
        int(claims.issued_at.timestamp()),
    )
    return PREFIX + etickets.b45encode(payload + key.sign(payload))


def _public_keys() -> dict[bytes, Ed25519PublicKey]:
    """Every key that still verifies (current and retired), by its 4-byte id."""
    keys = {}
    for info in etickets.public_keys_info():
        raw = base64.urlsafe_b64decode(info["public_key"] + "=" * (-len(info["public_key"]) % 4))
        keys[bytes.fromhex(info["kid"])] = Ed25519PublicKey.from_public_bytes(raw)
    return keys


def verify_unit(code: str) -> UnitClaims:
    """The claims of a code we signed; :class:`ForgedCode` for anything else, never another error."""
    try:
        return _verify(code)
    except ForgedCode:
        raise
    except Exception as exc:
        raise ForgedCode() from exc


def _verify(code: str) -> UnitClaims:
    if not isinstance(code, str):
        raise ForgedCode()
    code = code.strip()
    if not code.startswith(PREFIX) or len(code) != CODE_LENGTH:
        raise ForgedCode()
    raw = etickets.b45decode(code[len(PREFIX) :])
    if len(raw) != PAYLOAD.size + SIGNATURE_LENGTH:
        raise ForgedCode()
    payload, signature = raw[: PAYLOAD.size], raw[PAYLOAD.size :]
    version, kid, unit, product, licence, serial, edition, issued = PAYLOAD.unpack(payload)
    public = _public_keys().get(kid)
    if version != VERSION or public is None:
        raise ForgedCode()
    try:
        public.verify(signature, payload)
    except InvalidSignature:
        raise ForgedCode() from None
    return UnitClaims(
        unit_id=unit,
        product_id=product,
        licence_id=licence,
        serial=serial,
        edition_size=edition,
        issued_at=datetime.fromtimestamp(issued, tz=UTC),
    )


def qr_svg(code: str) -> bytes:
    """The tag's QR (the e-ticket's QR settings)."""
    return etickets.qr_svg(code, scale=4)


def qr_png(code: str) -> bytes:
    return etickets.qr_png(code, scale=6)
