"""The e-ticket PDF as a reader sees it: every line extracts as text, in every language.

A PDF that only *names* a font (Adobe's CID fonts) shows — and extracts —
nothing in readers without that font; these tests read the PDF back with
pypdf, as poppler-based readers do, and find what a buyer must see.
"""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from pypdf import PdfReader

from marquee.core.money import format_money
from marquee.ticketing import downloads, pickup
from marquee.ticketing.models import Ticket
from tests.ticketing.buying import buy

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _fonts(pdf: bytes) -> list[dict]:
    reader = PdfReader(io.BytesIO(pdf))
    found = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                found.append(descendant.get_object())
    return found


@pytest.fixture
def ticket(world, showtime, buyer) -> Ticket:
    title = showtime.title
    title.title_en = "The Wandering Earth"
    title.title_zh_hans = "流浪地球"
    title.title_zh_hant = "流浪地球：無間之旅"
    title.save()
    order = buy(showtime, buyer, "1-1")
    return Ticket.objects.select_related(
        "seat", "line", "order", "showtime__title", "showtime__venue", "showtime__hall"
    ).get(order=order)


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "The Wandering Earth"), ("zh-hans", "流浪地球"), ("zh-hant", "流浪地球：無間之旅")],
)
def test_pdf_text_has_the_title_the_local_time_the_price_and_the_pickup_code(
    ticket, language, title
):
    with translation.override(language):
        pdf = downloads.ticket_pdf(ticket).content
        price = format_money(ticket.line.price)
        label = translation.gettext("Pickup code %(code)s") % {
            "code": pickup.grouped(ticket.pickup_code)
        }
    text = _text(pdf)
    local = ticket.showtime.starts_at.astimezone(ZoneInfo(ticket.showtime.venue.time_zone))
    assert title in text
    assert f"{local:%Y-%m-%d %H:%M}" in text
    assert price in text
    assert label in text
    assert ticket.seat.row_label in text


def test_pdf_embeds_its_font_and_names_no_cid_font(ticket):
    with translation.override("zh-hant"):
        pdf = downloads.ticket_pdf(ticket).content
    assert b"STSong-Light" not in pdf and b"MSung-Light" not in pdf
    embedded = [f for f in _fonts(pdf) if "/FontDescriptor" in f]
    assert embedded, "no font with a descriptor"
    for font in embedded:
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font.get("/BaseFont")


def test_pdf_font_registration_does_not_outlive_the_document(ticket):
    from reportlab.pdfbase import pdfmetrics

    from marquee.ticketing.pdffont import FAMILY

    before = {name for name in pdfmetrics.getRegisteredFontNames() if name.startswith(FAMILY)}
    downloads.ticket_pdf(ticket)
    after = {name for name in pdfmetrics.getRegisteredFontNames() if name.startswith(FAMILY)}
    assert after == before
