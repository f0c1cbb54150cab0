"""The authenticity code: its documented format, the worked example, and what is refused."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from marquee.merch import codes
from marquee.merch.errors import ForgedCode

DOC = Path(__file__).resolve().parents[2] / "docs" / "merch.md"
SEED = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
CLAIMS = codes.UnitClaims(
    unit_id=123456,
    product_id=4021,
    licence_id=17,
    serial=123,
    edition_size=500,
    issued_at=dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC),
)


@pytest.fixture
def example_key(settings):
    from marquee.ticketing import etickets

    settings.MARQUEE_TICKET_SIGNING_KEY = SEED
    settings.MARQUEE_TICKET_RETIRED_PUBLIC_KEYS = []
    etickets._key_cache.clear()
    yield
    etickets._key_cache.clear()


def _doc_code() -> str:
    match = re.search(r"^code +(MQA1:.*)$", DOC.read_text(), flags=re.M)
    assert match, "docs/merch.md lost its worked example"
    return match.group(1)


def test_the_worked_example_in_the_docs_is_what_we_sign(example_key):
    code = codes.sign_unit(CLAIMS)
    assert len(code) == codes.CODE_LENGTH == 157
    assert code == _doc_code()
    assert codes.verify_unit(code) == CLAIMS


def test_the_documented_reference_verifier_accepts_our_codes(example_key):
    source = re.search(r"```python\n(import base64.*?)```", DOC.read_text(), flags=re.S).group(1)
    namespace: dict = {}
    exec(compile(source, "docs/merch.md", "exec"), namespace)  # noqa: S102 - our own docs
    facts = namespace["verify"](
        codes.sign_unit(CLAIMS), ["A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg"]
    )
    assert facts["serial"] == 123 and facts["edition"] == 500 and facts["licence"] == 17


def test_a_code_signed_by_another_key_or_altered_is_forged(example_key, settings):
    code = codes.sign_unit(CLAIMS)
    for i in range(len(codes.PREFIX), len(code), 11):
        altered = code[:i] + ("1" if code[i] != "1" else "2") + code[i + 1 :]
        with pytest.raises(ForgedCode):
            codes.verify_unit(altered)
    from marquee.ticketing import etickets

    settings.MARQUEE_TICKET_SIGNING_KEY = "B" * 43 + "="
    etickets._key_cache.clear()
    with pytest.raises(ForgedCode):
        codes.verify_unit(code)
    with pytest.raises(ForgedCode):
        codes.verify_unit(None)  # type: ignore[arg-type]
