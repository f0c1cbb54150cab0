"""The door scanner: scoped to the operator's venues, one admission per ticket, QR photos."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marquee.ticketing import etickets
from marquee.ticketing.models import Scan, Ticket

pytestmark = pytest.mark.django_db


def _verdict(page: str) -> str:
    marker = 'data-verdict="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


@pytest.mark.parametrize("url", ["/scan/", "/scan/sanlitun/"])
def test_a_moviegoer_cannot_open_the_scanner(web, client_as, url):
    r = client_as("fan").get(url)
    assert r.status_code == 403
    assert "You may not open this page" in r.content.decode()
    assert client_as("fan").post(url, {"code": "x"}).status_code in (403, 405)
    assert not Scan.objects.exists()


def test_an_operator_cannot_scan_for_another_chains_venue(web, client_as):
    ticket = web.tickets["doors-open-2-3"]
    golden = client_as("op-golden")
    assert golden.get("/scan/sanlitun/").status_code == 403
    r = golden.post("/scan/sanlitun/", {"code": ticket.code})
    assert r.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.VALID
    assert not Scan.objects.exists()
    # At its own door the other chain's ticket is refused without revealing it.
    r = golden.post("/scan/guomao/", {"code": ticket.code})
    page = r.content.decode()
    assert _verdict(page) == "wrong_venue" and "Wrong cinema" in page
    assert "Row 2 Seat 3" not in page
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.VALID


def test_the_scanner_index_goes_to_the_operators_only_cinema(web, client_as):
    r = client_as("op-huaxia").get("/scan/")
    assert r.status_code == 302 and r["Location"] == "/scan/sanlitun/"


def test_a_ticket_is_admitted_once_and_refused_the_second_time(web, client_as):
    ticket = web.tickets["doors-open-2-3"]
    door = client_as("op-huaxia")
    page = door.post("/scan/sanlitun/", {"code": ticket.code, "door": "North"}).content.decode()
    assert _verdict(page) == "valid" and "Admit" in page
    assert "Row 2 Seat 3" in page and "Paper Tigers" in page and "Hall 3" in page
    assert "1 admitted of 1 scan" in page
    assert 'value="North"' in page  # the door is kept for the next scan
    page = door.post("/scan/sanlitun/", {"code": ticket.code, "door": "South"}).content.decode()
    assert _verdict(page) == "already_used" and "Already used" in page
    assert "door North" in page
    assert "1 admitted of 2 scans" in page
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.USED


def test_a_qr_photo_is_decoded_on_the_server(web, client_as):
    ticket = web.tickets["doors-open-2-4"]
    # A "photo": the QR on a grey background, scaled like a phone picture.
    qr = Image.open(io.BytesIO(etickets.qr_png(ticket.code, scale=6))).convert("RGB")
    photo = Image.new("RGB", (qr.width + 400, qr.height + 300), (200, 200, 200))
    photo.paste(qr, (180, 120))
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=90)
    upload = SimpleUploadedFile("door.jpg", buffer.getvalue(), content_type="image/jpeg")
    page = client_as("op-huaxia").post("/scan/sanlitun/", {"photo": upload}).content.decode()
    assert _verdict(page) == "valid" and "Row 2 Seat 4" in page


def test_a_photo_without_a_qr_code_is_unreadable(web, client_as):
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (30, 120, 200)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("blue.png", buffer.getvalue(), content_type="image/png")
    page = client_as("op-huaxia").post("/scan/sanlitun/", {"photo": upload}).content.decode()
    assert _verdict(page) == "unreadable" and "No QR code could be read" in page
    assert not Scan.objects.exists()


def test_a_file_that_is_not_an_image_is_a_form_error(web, client_as):
    upload = SimpleUploadedFile("notes.png", b"not an image at all", content_type="image/png")
    r = client_as("op-huaxia").post("/scan/sanlitun/", {"photo": upload})
    assert r.status_code == 400 and "field-error" in r.content.decode()
    assert not Scan.objects.exists()


@pytest.mark.parametrize("code", ["MQT1:NOT-A-TICKET", "hello", "MQT1:" + "A" * 590])
def test_forged_codes_are_refused_and_recorded(web, client_as, code):
    page = client_as("op-huaxia").post("/scan/sanlitun/", {"code": code}).content.decode()
    assert _verdict(page) == "forged" and "Not valid" in page
    assert Scan.objects.filter(verdict="forged").count() == 1


def test_a_code_with_nul_is_a_form_error(web, client_as):
    r = client_as("op-huaxia").post("/scan/sanlitun/", {"code": "\x00MQT1:ABC"})
    assert r.status_code == 400 and "field-error" in r.content.decode()
    assert not Scan.objects.exists()


def test_an_empty_scan_asks_for_a_code(web, client_as):
    r = client_as("op-huaxia").post("/scan/sanlitun/", {"code": "  "})
    assert r.status_code == 400
    assert "Enter a ticket code or choose a photo" in r.content.decode()


def test_a_ticket_for_later_is_too_early(web, client_as):
    code = web.tickets["fan-d2-4-6"].code
    page = client_as("op-huaxia").post("/scan/sanlitun/", {"code": code}).content.decode()
    assert _verdict(page) == "not_yet_open" and "Too early" in page
