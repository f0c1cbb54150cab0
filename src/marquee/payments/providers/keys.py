"""RSA keys and SHA256withRSA signatures, as Alipay (RSA2) and WeChat Pay (API v3) use them.

Both gateways sign with PKCS#1 v1.5 over SHA-256 and send the signature in
base64. Keys are given as PEM text; Alipay's console also hands out keys as
bare base64 (no PEM armour), which :func:`load_private_key` and
:func:`load_public_key` accept too.
"""

from __future__ import annotations

import base64
import binascii
import textwrap

from cryptography.exceptions import InvalidSignature as _BadSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import load_pem_x509_certificate


class BadKey(ValueError):
    """A configured key could not be read."""


def _armour(text: str, kind: str) -> bytes:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        return text.encode()
    body = "\n".join(textwrap.wrap("".join(text.split()), 64))
    return f"-----BEGIN {kind}-----\n{body}\n-----END {kind}-----\n".encode()


def load_private_key(text: str) -> rsa.RSAPrivateKey:
    """An RSA private key from PEM (PKCS#1 or PKCS#8) or bare base64 PKCS#8."""
    try:
        key = serialization.load_pem_private_key(_armour(text, "PRIVATE KEY"), password=None)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise BadKey("not a readable RSA private key") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise BadKey("not an RSA private key")
    return key


def load_public_key(text: str) -> rsa.RSAPublicKey:
    """An RSA public key from PEM, bare base64 (SubjectPublicKeyInfo) or a PEM certificate."""
    try:
        if "BEGIN CERTIFICATE" in text:
            key = load_pem_x509_certificate(text.strip().encode()).public_key()
        else:
            key = serialization.load_pem_public_key(_armour(text, "PUBLIC KEY"))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise BadKey("not a readable RSA public key") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise BadKey("not an RSA public key")
    return key


def sign(key: rsa.RSAPrivateKey, message: bytes) -> str:
    """SHA256withRSA (PKCS#1 v1.5) of ``message``, base64."""
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def verify(key: rsa.RSAPublicKey, message: bytes, signature_b64: str) -> bool:
    """Whether ``signature_b64`` is a valid SHA256withRSA signature of ``message``."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except (_BadSignature, ValueError, binascii.Error, TypeError):
        return False
    return True
