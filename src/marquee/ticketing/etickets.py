"""Signed e-tickets: the compact code a QR carries, and the ticket as PNG, SVG, PDF and ICS.

A ticket code is ``"MQT1:" + base45(payload || signature)`` where ``payload``
is a fixed binary layout (version, key id, ticket, showtime, venue, hall,
validity window, seat) and ``signature`` is the 64-byte Ed25519 signature of
``payload``. A scanner that holds only the published public key
(:func:`public_key_info`, served at ``GET /api/v1/ticketing/keys``) verifies a
ticket offline. The exact format, and a reference verifier, are in
``docs/tickets.md``; keep the two in step.

The signing key is ``settings.MARQUEE_TICKET_SIGNING_KEY`` (base64 of the
32-byte Ed25519 seed) or, when unset, generated once and kept in
``VAR_DIR/ticket_signing_key`` (mode 600). Public keys of retired signing keys
listed in ``settings.MARQUEE_TICKET_RETIRED_PUBLIC_KEYS`` (base64 of the raw
32 bytes) still verify, so tickets survive a key rotation.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import io
import os
import secrets
import struct
import threading
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import segno
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from marquee.core.errors import DomainError
from marquee.ticketing import pdffont
from marquee.ticketing.errors import TicketingErrorCode

PREFIX = "MQT1:"
VERSION = 1
#: version, kid, ticket_id, showtime_id, venue_id, hall_id, valid_from, valid_until, seat length
HEADER = struct.Struct(">B4sQQIIIIB")
SIGNATURE_LENGTH = 64
MAX_SEAT_BYTES = 32
#: Longest code a valid ticket can have; anything longer is refused before decoding.
MAX_CODE_LENGTH = len(PREFIX) + ((HEADER.size + MAX_SEAT_BYTES + SIGNATURE_LENGTH) * 3 + 1) // 2
KEY_FILE_NAME = "ticket_signing_key"


class ForgedTicket(DomainError):
    """The code is not a ticket we signed: tampered, truncated, another key, or garbage."""

    status = 400
    title = "Forged ticket"

    def __init__(self, message: str = "This ticket code is not valid.", **detail: Any) -> None:
        super().__init__(TicketingErrorCode.FORGED, message, **detail)


@dataclass(frozen=True)
class TicketClaims:
    ticket_id: int
    showtime_id: int
    venue_id: int
    hall_id: int
    seat: str  # seat code "5-8" (row_label-number)
    valid_from: datetime  # aware UTC; doors open
    valid_until: datetime  # aware UTC; the showtime's end


@dataclass(frozen=True)
class TicketDocument:
    """Everything printed on a ticket, as already-localized strings (times are aware)."""

    code: str
    title: str
    venue: str
    venue_address: str
    hall: str
    seat_label: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    price: str
    order_ref: str
    #: The pickup code line, labelled and grouped ("Pickup code 1234 5678 90"); "" for none.
    pickup: str = ""


# --- base45 (RFC 9285) ----------------------------------------------------------------

B45_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_B45_INDEX = {c: i for i, c in enumerate(B45_ALPHABET)}


def b45encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out += [B45_ALPHABET[c], B45_ALPHABET[d], B45_ALPHABET[e]]
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += [B45_ALPHABET[c], B45_ALPHABET[d]]
    return "".join(out)


def b45decode(text: str) -> bytes:
    """Strict RFC 9285 decoding; raises ``ValueError`` on anything that is not canonical base45."""
    try:
        values = [_B45_INDEX[c] for c in text]
    except KeyError as exc:
        raise ValueError("not a base45 character") from exc
    if len(values) % 3 == 1:
        raise ValueError("base45 length")
    out = bytearray()
    for i in range(0, len(values), 3):
        group = values[i : i + 3]
        if len(group) == 3:
            n = group[0] + group[1] * 45 + group[2] * 2025
            if n > 0xFFFF:
                raise ValueError("base45 group out of range")
            out += bytes(divmod(n, 256))
        else:
            n = group[0] + group[1] * 45
            if n > 0xFF:
                raise ValueError("base45 group out of range")
            out.append(n)
    return bytes(out)


# --- keys -----------------------------------------------------------------------------

_key_lock = threading.Lock()
_key_cache: dict[tuple[str, str], Ed25519PrivateKey] = {}


def _b64decode(value: str) -> bytes:
    text = "".join(value.split())
    text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64") from exc


def _seed_from_setting(value: str) -> bytes:
    try:
        seed = _b64decode(value)
    except ValueError:
        seed = b""
    if len(seed) != 32:
        raise ImproperlyConfigured(
            "MARQUEE_TICKET_SIGNING_KEY must be the base64 of a 32-byte Ed25519 seed."
        )
    return seed


def _seed_from_file(path: Path) -> bytes:
    """Read the key file, creating it (mode 600) exactly once even when processes race."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
            # link() fails when another process won the race: theirs is the key.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    seed = _b64decode(path.read_text())
    if len(seed) != 32:
        raise ImproperlyConfigured(f"{path} does not hold a base64 32-byte Ed25519 seed.")
    return seed


def signing_key() -> Ed25519PrivateKey:
    """The current ticket signing key (see the module docstring for where it comes from)."""
    configured = getattr(settings, "MARQUEE_TICKET_SIGNING_KEY", None) or ""
    path = Path(settings.VAR_DIR) / KEY_FILE_NAME
    cache_key = (configured, "" if configured else str(path))
    with _key_lock:
        key = _key_cache.get(cache_key)
        if key is None:
            seed = _seed_from_setting(configured) if configured else _seed_from_file(path)
            key = Ed25519PrivateKey.from_private_bytes(seed)
            _key_cache[cache_key] = key
    return key


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey | bytes) -> str:
    """First 8 hex digits of SHA-256 of the raw 32-byte public key."""
    raw = public_key if isinstance(public_key, bytes) else _raw_public(public_key)
    return hashlib.sha256(raw).hexdigest()[:8]


def _verification_keys() -> dict[bytes, Ed25519PublicKey]:
    keys = {}
    for raw_b64 in getattr(settings, "MARQUEE_TICKET_RETIRED_PUBLIC_KEYS", ()) or ():
        raw = _b64decode(raw_b64)
        keys[bytes.fromhex(key_id(raw))] = Ed25519PublicKey.from_public_bytes(raw)
    current = signing_key().public_key()
    keys[bytes.fromhex(key_id(current))] = current
    return keys


def _key_info(public: Ed25519PublicKey) -> dict[str, str]:
    raw = _raw_public(public)
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return {
        "kid": key_id(raw),
        "alg": "Ed25519",
        "public_key": base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
        "pem": pem,
    }


def public_key_info() -> dict[str, str]:
    """What scanners need: ``{"kid", "alg": "Ed25519", "public_key" (base64url raw), "pem"}``."""
    return _key_info(signing_key().public_key())


def public_keys_info() -> list[dict[str, str]]:
    """Every key that still verifies: the current one first, then retired ones."""
    current = signing_key().public_key()
    retired = [k for kid, k in _verification_keys().items() if kid.hex() != key_id(current)]
    return [_key_info(current), *(_key_info(k) for k in retired)]


# --- sign and verify ------------------------------------------------------------------


def _unix(moment: datetime, what: str) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime")
    seconds = int(moment.timestamp())
    if not 0 <= seconds <= 0xFFFFFFFF:
        raise ValueError(f"{what} is out of range")
    return seconds


def sign_ticket(claims: TicketClaims) -> str:
    """The compact, signed text the ticket's QR code carries.

    Times are kept to the whole second (floored). Raises ``ValueError`` for
    claims that do not fit the format (negative or oversized ids, naive
    datetimes, an empty or over-long seat, valid_until before valid_from).
    """
    seat = unicodedata.normalize("NFC", claims.seat)
    seat_bytes = seat.encode("utf-8")
    if not 1 <= len(seat_bytes) <= MAX_SEAT_BYTES:
        raise ValueError(f"the seat code must be 1–{MAX_SEAT_BYTES} bytes of UTF-8")
    for name, value, limit in (
        ("ticket_id", claims.ticket_id, 0xFFFFFFFFFFFFFFFF),
        ("showtime_id", claims.showtime_id, 0xFFFFFFFFFFFFFFFF),
        ("venue_id", claims.venue_id, 0xFFFFFFFF),
        ("hall_id", claims.hall_id, 0xFFFFFFFF),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
            raise ValueError(f"{name} must be an integer in 0..{limit}")
    valid_from = _unix(claims.valid_from, "valid_from")
    valid_until = _unix(claims.valid_until, "valid_until")
    if valid_until < valid_from:
        raise ValueError("valid_until is before valid_from")
    key = signing_key()
    payload = (
        HEADER.pack(
            VERSION,
            bytes.fromhex(key_id(key.public_key())),
            claims.ticket_id,
            claims.showtime_id,
            claims.venue_id,
            claims.hall_id,
            valid_from,
            valid_until,
            len(seat_bytes),
        )
        + seat_bytes
    )
    return PREFIX + b45encode(payload + key.sign(payload))


def verify_ticket(code: str) -> TicketClaims:
    """The claims of a ticket code we signed; :class:`ForgedTicket` for anything else.

    Checks the prefix, the strict base45 encoding, the exact length, the
    version, the key id (current or retired key) and the Ed25519 signature.
    It does NOT check the validity window, the venue, or whether the ticket
    was used or refunded: check-in does (see ``docs/tickets.md``).
    Never raises anything but :class:`ForgedTicket`.
    """
    try:
        return _verify(code)
    except ForgedTicket:
        raise
    except Exception as exc:
        raise ForgedTicket() from exc


def _verify(code: str) -> TicketClaims:
    if not isinstance(code, str) or not code.startswith(PREFIX) or len(code) > MAX_CODE_LENGTH:
        raise ForgedTicket()
    raw = b45decode(code[len(PREFIX) :])
    if len(raw) < HEADER.size + 1 + SIGNATURE_LENGTH:
        raise ForgedTicket()
    (
        version,
        kid,
        ticket_id,
        showtime_id,
        venue_id,
        hall_id,
        valid_from,
        valid_until,
        seat_length,
    ) = HEADER.unpack_from(raw)
    if version != VERSION or not 1 <= seat_length <= MAX_SEAT_BYTES:
        raise ForgedTicket()
    payload_length = HEADER.size + seat_length
    if len(raw) != payload_length + SIGNATURE_LENGTH:
        raise ForgedTicket()
    public = _verification_keys().get(kid)
    if public is None:
        raise ForgedTicket("This ticket was signed with an unknown key.")
    payload, signature = raw[:payload_length], raw[payload_length:]
    try:
        public.verify(signature, payload)
    except InvalidSignature:
        raise ForgedTicket() from None
    if valid_until < valid_from:
        raise ForgedTicket()
    return TicketClaims(
        ticket_id=ticket_id,
        showtime_id=showtime_id,
        venue_id=venue_id,
        hall_id=hall_id,
        seat=payload[HEADER.size :].decode("utf-8"),
        valid_from=datetime.fromtimestamp(valid_from, tz=UTC),
        valid_until=datetime.fromtimestamp(valid_until, tz=UTC),
    )


# --- QR -------------------------------------------------------------------------------


def _qr(code: str) -> segno.QRCode:
    # The code is all QR-alphanumeric characters, so segno picks alphanumeric mode.
    return segno.make_qr(code, error="m")


def qr_png(code: str, *, scale: int = 8) -> bytes:
    buf = io.BytesIO()
    _qr(code).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def qr_svg(code: str, *, scale: int = 8) -> bytes:
    buf = io.BytesIO()
    _qr(code).save(buf, kind="svg", scale=scale, border=4, title="Marquee ticket")
    return buf.getvalue()


# --- PDF ------------------------------------------------------------------------------


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaking: between words for Latin text, between characters for CJK."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    tokens: list[str] = []
    word = ""
    for ch in text:
        if ch.isascii() and not ch.isspace():
            word += ch
            continue
        if word:
            tokens.append(word)
            word = ""
        tokens.append(ch)
    if word:
        tokens.append(word)
    lines: list[str] = []
    line = ""
    for token in tokens:
        candidate = line + token
        if line and stringWidth(candidate.rstrip(), font, size) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = candidate
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def _when(doc: TicketDocument) -> str:
    start = _local(doc.starts_at, doc.time_zone)
    end = _local(doc.ends_at, doc.time_zone)
    end_fmt = "%H:%M" if end.date() == start.date() else "%Y-%m-%d %H:%M"
    return f"{start:%Y-%m-%d %H:%M} – {end.strftime(end_fmt)} ({doc.time_zone})"


def _draw_qr(canvas: Any, code: str, *, x: float, y: float, size: float) -> None:
    """Draw the QR as vector modules: as sharp as the printer allows."""
    matrix = [list(row) for row in _qr(code).matrix]
    quiet = 4
    count = len(matrix) + 2 * quiet
    module = size / count
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                canvas.rect(
                    x + (c + quiet) * module,
                    y + size - (r + quiet + 1) * module,
                    module,
                    module,
                    stroke=0,
                    fill=1,
                )


def _printed(doc: TicketDocument) -> list[str]:
    return [
        doc.title,
        _when(doc),
        doc.venue,
        doc.venue_address,
        doc.hall,
        doc.seat_label,
        doc.price,
        doc.pickup,
        doc.order_ref,
    ]


def ticket_pdf(tickets: list[TicketDocument]) -> bytes:
    """One A5 page per ticket, every line in an embedded font, with the QR drawn on the page.

    The font is Noto Sans CJK, cut to the characters these tickets use
    (:mod:`marquee.ticketing.pdffont`): English, simplified and traditional
    Chinese show — and extract as text — in every reader.
    """
    with pdffont.document_font(line for doc in tickets for line in _printed(doc)) as font:
        return _render_pdf(tickets, font)


def _render_pdf(tickets: list[TicketDocument], font: str) -> bytes:
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A5, pageCompression=1)
    canvas.setTitle("Marquee e-tickets")
    canvas.setAuthor("Marquee")
    width, height = A5
    margin = 14 * mm
    text_width = width - 2 * margin
    for doc in tickets:
        y = height - margin

        def line(text: str, size: float, *, bold: bool = False, gap: float = 1.35) -> None:
            nonlocal y
            for part in _wrap(text, font, size, text_width):
                y -= size * gap
                label = canvas.beginText(margin, y)
                label.setFont(font, size)
                # One weight is embedded: bold is the outline stroked as well as filled.
                label.setTextRenderMode(2 if bold else 0)
                canvas.setLineWidth(size / 30)
                label.textLine(part)
                canvas.drawText(label)

        canvas.setFillColorRGB(0.15, 0.39, 0.92)
        canvas.rect(0, height - 10 * mm, width, 10 * mm, stroke=0, fill=1)
        canvas.setFillColorRGB(1, 1, 1)
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawString(margin, height - 7 * mm, "MARQUEE  E-TICKET")
        canvas.setFillColorRGB(0, 0, 0)
        y = height - 12 * mm
        line(doc.title, 18, bold=True)
        y -= 2
        line(_when(doc), 10.5)
        line(doc.venue, 12, bold=True)
        if doc.venue_address:
            line(doc.venue_address, 9)
        line(doc.hall, 11)
        line(doc.seat_label, 16, bold=True)
        line(doc.price, 10)
        if doc.pickup:
            line(doc.pickup, 13, bold=True)
        line(doc.order_ref, 9)
        qr_size = 70 * mm
        _draw_qr(canvas, doc.code, x=(width - qr_size) / 2, y=margin + 8 * mm, size=qr_size)
        canvas.setFont("Helvetica", 7)
        kid = key_id(signing_key().public_key())
        canvas.drawCentredString(width / 2, margin + 3 * mm, f"Ed25519 kid {kid} · MQT1")
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


# --- iCalendar ------------------------------------------------------------------------


def ticket_ics(tickets: list[TicketDocument]) -> bytes:
    """One VEVENT per ticket, DTSTART/DTEND in the venue's zone (TZID + VTIMEZONE).

    The ticket code is deliberately left out: calendars get shared and synced,
    and the code is what opens the door.
    """
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Marquee//E-tickets//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    stamp = datetime.now(tz=UTC)
    for doc in tickets:
        event = Event()
        event.add("uid", f"{hashlib.sha256(doc.code.encode()).hexdigest()[:32]}@marquee")
        event.add("dtstamp", stamp)
        event.add("dtstart", _local(doc.starts_at, doc.time_zone))
        event.add("dtend", _local(doc.ends_at, doc.time_zone))
        event.add("summary", doc.title)
        event.add("location", ", ".join(p for p in (doc.venue, doc.venue_address) if p))
        event.add(
            "description",
            "\n".join(p for p in (doc.hall, doc.seat_label, doc.price, doc.order_ref) if p),
        )
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
