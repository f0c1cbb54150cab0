"""Signed e-tickets: format, forgery resistance, keys, QR, PDF, ICS and the documented verifier."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import stat
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given, settings
from hypothesis import strategies as st

from marquee.core.errors import DomainError
from marquee.ticketing import etickets
from marquee.ticketing.etickets import (
    ForgedTicket,
    TicketClaims,
    TicketDocument,
    b45decode,
    b45encode,
    sign_ticket,
    verify_ticket,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "tickets.md"
SEED = bytes(range(32))
SEED_B64 = base64.b64encode(SEED).decode()
OTHER_SEED_B64 = base64.b64encode(bytes(range(100, 132))).decode()


@pytest.fixture(autouse=True)
def signing_key(settings):
    settings.MARQUEE_TICKET_SIGNING_KEY = SEED_B64
    settings.MARQUEE_TICKET_RETIRED_PUBLIC_KEYS = []
    return SEED


def claims(**overrides) -> TicketClaims:
    values = {
        "ticket_id": 1001,
        "showtime_id": 42,
        "venue_id": 7,
        "hall_id": 3,
        "seat": "5-8",
        "valid_from": datetime(2025, 6, 1, 11, 0, tzinfo=UTC),
        "valid_until": datetime(2025, 6, 1, 14, 15, tzinfo=UTC),
    }
    values.update(overrides)
    return TicketClaims(**values)


def _raw(code: str) -> bytes:
    return b45decode(code[len(etickets.PREFIX) :])


def _code(raw: bytes) -> str:
    return etickets.PREFIX + b45encode(raw)


def _public_raw(seed_b64: str) -> bytes:
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed_b64)).public_key()
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# --- base45 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"AB", "BB8"),
        (b"Hello!!", "%69 VD92EX0"),
        (b"base-45", "UJCLQE7W581"),
        (b"ietf!", "QED8WEX0"),
    ],
)
def test_base45_rfc9285_vectors(data, text):
    assert b45encode(data) == text
    assert b45decode(text) == data


@pytest.mark.parametrize("text", ["GGW", "A", "ABCD", "abc", "ZZ", "é1"])
def test_base45_rejects_non_canonical_input(text):
    with pytest.raises(ValueError):
        b45decode(text)


@given(st.binary(max_size=300))
def test_base45_round_trips(data):
    assert b45decode(b45encode(data)) == data


# --- sign and verify ------------------------------------------------------------------


def test_round_trip_and_format():
    c = claims()
    code = sign_ticket(c)
    assert code.startswith("MQT1:")
    assert set(code) <= set(etickets.B45_ALPHABET)  # one QR alphanumeric segment
    assert code == code.strip()
    assert verify_ticket(code) == c
    raw = _raw(code)
    assert len(raw) == 38 + 3 + 64
    assert raw[0] == 1 and raw[1:5].hex() == etickets.public_key_info()["kid"]


def test_the_documented_test_vector_is_what_we_produce():
    text = DOCS.read_text()
    vector = re.search(r"<!-- test-vector -->\s*```\s*(MQT1:[^\n]+)\n```", text).group(1)
    assert sign_ticket(claims()) == vector
    assert etickets.public_key_info()["public_key"] in text
    assert etickets.public_key_info()["kid"] == "56475aa7"


def test_times_are_kept_to_the_second_and_unicode_seats_work():
    c = claims(
        valid_from=datetime(2025, 6, 1, 11, 0, 0, 999_000, tzinfo=UTC),
        valid_until=datetime(2025, 6, 1, 22, 15, tzinfo=ZoneInfo("Asia/Shanghai")),
        seat="甲-12",
        ticket_id=2**64 - 1,
        venue_id=2**32 - 1,
    )
    got = verify_ticket(sign_ticket(c))
    assert got.valid_from == datetime(2025, 6, 1, 11, 0, tzinfo=UTC)
    assert got.valid_until == datetime(2025, 6, 1, 14, 15, tzinfo=UTC)
    assert got.valid_until.tzinfo == UTC
    assert (got.seat, got.ticket_id, got.venue_id) == ("甲-12", 2**64 - 1, 2**32 - 1)


@pytest.mark.parametrize(
    "bad",
    [
        {"seat": ""},
        {"seat": "x" * 33},
        {"ticket_id": -1},
        {"venue_id": 2**32},
        {"hall_id": True},
        {"showtime_id": 1.0},
        {"valid_from": datetime(2025, 6, 1, 11, 0)},
        {"valid_until": datetime(2025, 6, 1, 10, 0, tzinfo=UTC)},
        {"valid_from": datetime(1960, 1, 1, tzinfo=UTC)},
    ],
)
def test_claims_that_do_not_fit_are_refused_at_signing(bad):
    with pytest.raises(ValueError):
        sign_ticket(claims(**bad))


def test_every_tampered_byte_is_forged():
    code = sign_ticket(claims())
    raw = _raw(code)
    for i in range(len(raw)):
        for flip in (0x01, 0x80, 0xFF):
            tampered = bytearray(raw)
            tampered[i] ^= flip
            with pytest.raises(ForgedTicket):
                verify_ticket(_code(bytes(tampered)))


def test_every_tampered_character_is_forged():
    code = sign_ticket(claims())
    alphabet = etickets.B45_ALPHABET + "abc=_é\x00"
    for i in range(len(code)):
        for replacement in {alphabet[(alphabet.find(code[i]) + 1) % len(alphabet)], "a", "="}:
            if replacement == code[i]:
                continue
            with pytest.raises(ForgedTicket):
                verify_ticket(code[:i] + replacement + code[i + 1 :])


def test_truncated_or_extended_codes_are_forged():
    code = sign_ticket(claims())
    for n in range(len(code)):
        with pytest.raises(ForgedTicket):
            verify_ticket(code[:n])
    raw = _raw(code)
    for extra in (b"\x00", b"\x00\x00", raw[-2:]):
        with pytest.raises(ForgedTicket):
            verify_ticket(_code(raw + extra))
    with pytest.raises(ForgedTicket):
        verify_ticket(code + "0")


@pytest.mark.parametrize("prefix", ["", "MQT2:", "mqt1:", "MQT1", " MQT1:", "HC1:", "MQT1::"])
def test_bad_prefix_is_forged(prefix):
    code = sign_ticket(claims())
    with pytest.raises(ForgedTicket):
        verify_ticket(prefix + code[len("MQT1:") :])


def test_other_version_is_forged_even_when_signed():
    key = etickets.signing_key()
    raw = _raw(sign_ticket(claims()))
    payload = bytes([2]) + raw[1:41]
    with pytest.raises(ForgedTicket):
        verify_ticket(_code(payload + key.sign(payload)))


def test_another_key_is_forged(settings):
    foreign = sign_ticket(claims())
    settings.MARQUEE_TICKET_SIGNING_KEY = OTHER_SEED_B64
    with pytest.raises(ForgedTicket) as exc:
        verify_ticket(foreign)
    assert exc.value.code == "forged"


def test_another_key_claiming_our_kid_is_forged():
    """An attacker copies our kid into a payload signed with their own key."""
    ours = _raw(sign_ticket(claims()))
    payload = ours[:41]
    attacker = Ed25519PrivateKey.generate()
    with pytest.raises(ForgedTicket):
        verify_ticket(_code(payload + attacker.sign(payload)))


def test_retired_keys_still_verify_after_rotation(settings):
    old_code = sign_ticket(claims())
    settings.MARQUEE_TICKET_SIGNING_KEY = OTHER_SEED_B64
    settings.MARQUEE_TICKET_RETIRED_PUBLIC_KEYS = [base64.b64encode(_public_raw(SEED_B64)).decode()]
    assert verify_ticket(old_code) == claims()
    new_code = sign_ticket(claims())
    assert new_code != old_code and verify_ticket(new_code) == claims()
    assert [k["kid"] for k in etickets.public_keys_info()] == [
        hashlib.sha256(_public_raw(OTHER_SEED_B64)).hexdigest()[:8],
        "56475aa7",
    ]


@pytest.mark.parametrize(
    "junk",
    [None, 42, b"MQT1:AB", ["MQT1:"], "", "MQT1:", "MQT1:" + "0" * 5000, "MQT1:" + "\x00" * 10],
)
def test_garbage_is_forged_never_another_exception(junk):
    with pytest.raises(ForgedTicket):
        verify_ticket(junk)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=etickets.B45_ALPHABET + string.ascii_letters + "é\x00", max_size=220))
def test_random_text_is_only_ever_forged(text):
    for candidate in (text, "MQT1:" + text):
        with pytest.raises(ForgedTicket):
            verify_ticket(candidate)


def test_forged_ticket_is_a_domain_error_with_code_forged():
    assert issubclass(ForgedTicket, DomainError)
    assert ForgedTicket().code == "forged"


# --- keys -----------------------------------------------------------------------------


def test_public_key_info_matches_the_signing_key():
    info = etickets.public_key_info()
    raw = base64.urlsafe_b64decode(info["public_key"] + "=" * (-len(info["public_key"]) % 4))
    assert set(info) == {"kid", "alg", "public_key", "pem"}
    assert info["alg"] == "Ed25519" and len(raw) == 32
    assert info["kid"] == hashlib.sha256(raw).hexdigest()[:8]
    assert raw == _public_raw(SEED_B64)
    pem_key = serialization.load_pem_public_key(info["pem"].encode())
    raw_from_pem = pem_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert raw_from_pem == raw


def test_without_a_setting_a_key_is_generated_once_with_mode_600(settings, tmp_path):
    settings.MARQUEE_TICKET_SIGNING_KEY = None
    settings.VAR_DIR = tmp_path
    code = sign_ticket(claims())
    path = tmp_path / "ticket_signing_key"
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(base64.b64decode(path.read_text().strip())) == 32
    first = etickets.public_key_info()
    etickets._key_cache.clear()  # a fresh process reads the same file
    assert etickets.public_key_info() == first
    assert verify_ticket(code) == claims()
    assert [p.name for p in tmp_path.iterdir()] == ["ticket_signing_key"]


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_malformed_key_setting_is_a_configuration_error(settings, value):
    settings.MARQUEE_TICKET_SIGNING_KEY = value
    with pytest.raises(ImproperlyConfigured):
        sign_ticket(claims())


def test_urlsafe_base64_key_setting_is_accepted(settings):
    settings.MARQUEE_TICKET_SIGNING_KEY = base64.urlsafe_b64encode(SEED).decode().rstrip("=")
    assert etickets.public_key_info()["kid"] == "56475aa7"


# --- the documented reference verifier ------------------------------------------------------


def _reference_verifier() -> dict:
    text = DOCS.read_text()
    source = re.search(r"<!-- reference-verifier -->\s*```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(compile(source, str(DOCS), "exec"), namespace)  # noqa: S102 - our own docs
    return namespace


def test_reference_verifier_in_the_docs_agrees_with_the_implementation():
    ref = _reference_verifier()
    keys = ref["load_keys"]([etickets.public_key_info()])
    c = claims(seat="甲-12")
    code = sign_ticket(c)
    got = ref["verify"](code, keys)
    assert got == {
        "kid": "56475aa7",
        "ticket_id": c.ticket_id,
        "showtime_id": c.showtime_id,
        "venue_id": c.venue_id,
        "hall_id": c.hall_id,
        "seat": "甲-12",
        "valid_from": c.valid_from,
        "valid_until": c.valid_until,
    }
    assert ref["door_check"](got, venue_id=7, now=c.valid_from) == "valid"
    assert ref["door_check"](got, venue_id=8, now=c.valid_from) == "wrong_venue"
    assert ref["door_check"](got, venue_id=7, now=c.valid_from - timedelta(seconds=1)) == (
        "not_yet_open"
    )
    assert ref["door_check"](got, venue_id=7, now=c.valid_until + timedelta(seconds=1)) == (
        "expired"
    )
    raw = _raw(code)
    for i in range(len(raw)):
        tampered = bytearray(raw)
        tampered[i] ^= 0x01
        with pytest.raises(ref["Forged"]):
            ref["verify"](_code(bytes(tampered)), keys)
    for n in range(len(code)):
        with pytest.raises(ref["Forged"]):
            ref["verify"](code[:n], keys)


# --- QR, PDF, ICS ---------------------------------------------------------------------


def test_qr_png_decodes_with_zxing_to_a_code_that_verifies():
    import zxingcpp
    from PIL import Image

    code = sign_ticket(claims())
    png = etickets.qr_png(code)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [r.text for r in results] == [code]
    assert verify_ticket(results[0].text) == claims()
    small = etickets.qr_png(code, scale=3)
    assert Image.open(io.BytesIO(small)).size < Image.open(io.BytesIO(png)).size


def test_qr_uses_alphanumeric_mode_and_stays_small():
    qr = etickets._qr(sign_ticket(claims()))
    assert qr.mode == "alphanumeric"
    assert qr.version <= 7 and qr.error in ("M", "Q", "H")
    longest = sign_ticket(claims(seat="X" * 32, ticket_id=2**64 - 1))
    assert len(longest) <= etickets.MAX_CODE_LENGTH
    assert verify_ticket(longest).seat == "X" * 32


def test_qr_svg_is_an_svg():
    svg = etickets.qr_svg(sign_ticket(claims()), scale=4)
    assert b"<svg" in svg and b"</svg>" in svg and b"<path" in svg


def _document(**overrides) -> TicketDocument:
    values = {
        "code": sign_ticket(claims()),
        "title": "流浪地球 3",
        "venue": "上海影城 SFC",
        "venue_address": "上海市长宁区新华路160号",
        "hall": "1号厅 IMAX",
        "seat_label": "5排8座",
        "starts_at": datetime(2025, 6, 1, 12, 0, tzinfo=UTC),
        "ends_at": datetime(2025, 6, 1, 14, 15, tzinfo=UTC),
        "time_zone": "Asia/Shanghai",
        "price": "¥88.00",
        "order_ref": "Order 2025-000042",
    }
    values.update(overrides)
    return TicketDocument(**values)


def _page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_pdf_has_one_page_per_ticket_and_an_embedded_cjk_font():
    traditional = _document(
        title="無間道 Infernal Affairs (4K 修復版)",
        venue="百老匯電影中心",
        venue_address="香港九龍油麻地眾坊街3號",
        hall="一號影院",
        seat_label="F排12號",
        time_zone="Asia/Hong_Kong",
        price="HK$95.00",
    )
    pdf = etickets.ticket_pdf([_document(), traditional, _document(title="A" * 200)])
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert _page_count(pdf) == 3
    # One embedded TrueType font for all three scripts; no font only named.
    assert b"STSong-Light" not in pdf and b"MSung-Light" not in pdf
    assert b"/FontFile2" in pdf
    one = etickets.ticket_pdf([_document()])
    assert _page_count(one) == 1


def test_ics_has_one_event_per_ticket_in_the_venue_zone():
    from icalendar import Calendar

    hk = _document(
        time_zone="Asia/Hong_Kong", title="無間道", code=sign_ticket(claims(ticket_id=1002))
    )
    ics = etickets.ticket_ics([_document(), hk])
    cal = Calendar.from_ical(ics)
    events = cal.walk("VEVENT")
    assert len(events) == 2
    for event, tz in zip(events, ["Asia/Shanghai", "Asia/Hong_Kong"], strict=True):
        start = event["DTSTART"]
        assert start.params["TZID"] == tz
        assert start.dt == datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
        assert start.dt.utcoffset() == timedelta(hours=8)
        assert str(start.dt.tzinfo) == tz or getattr(start.dt.tzinfo, "key", None) == tz
        assert event["DTEND"].dt == datetime(2025, 6, 1, 14, 15, tzinfo=UTC)
        assert event["DTEND"].params["TZID"] == tz
    assert b"DTSTART;TZID=Asia/Shanghai:20250601T200000" in ics
    assert {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")} == {"Asia/Shanghai", "Asia/Hong_Kong"}
    assert str(events[0]["SUMMARY"]) == "流浪地球 3"
    assert "5排8座" in str(events[0]["DESCRIPTION"])
    assert events[0]["UID"] != events[1]["UID"]
    assert _document().code.encode() not in ics  # the door key stays out of calendars
