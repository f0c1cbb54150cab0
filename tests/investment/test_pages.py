"""The slate board, the project page with its charts, and partner statements (own only)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from marquee.accounts.models import Role
from marquee.core.money import Money
from marquee.investment import services
from marquee.investment.models import Project, Receipt
from tests.investment.conftest import DAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(with_waterfall):
    services.set_budget(
        project=with_waterfall.project.slug,
        as_of=DAY,
        lines=[{"category": "post", "currency": "CNY", "amount_minor": 1_000_000}],
    )
    services.record_cost(
        project=with_waterfall.project.slug,
        category="post",
        date=DAY,
        currency="CNY",
        amount_minor=1_250_000,
    )
    services.receive(
        project=with_waterfall.project,
        source=Receipt.Source.MANUAL,
        source_key="page",
        received_on=DAY,
        money=Money(12_000_000, "CNY"),
    )
    return with_waterfall


def _chart(html: str, testid: str) -> dict:
    match = re.search(rf'data-chart="([^"]+)" data-testid="{testid}"', html)
    assert match, testid
    return json.loads(match.group(1).replace("&quot;", '"'))


def test_the_slate_board_and_the_project_page(make_user, client_for, paid):
    staff = client_for(make_user(role=Role.INVESTMENT))
    board = staff.get("/investment/")
    assert board.status_code == 200
    assert b'data-stage="development"' in board.content
    assert b"/investment/projects/rogue-nation/" in board.content
    page = staff.get("/investment/projects/rogue-nation/")
    html = page.content.decode()
    assert page.status_code == 200
    waterfall = _chart(html, "waterfall-chart")["data"][0]
    assert waterfall["type"] == "waterfall"
    assert waterfall["y"][0] == "120000.00"  # ¥120,000.00 received, as a decimal string
    paid_out = [Money.from_decimal(Decimal(y), "CNY").minor for y in waterfall["y"][1:-1]]
    assert sum(paid_out) == -12_000_000
    budget = _chart(html, "budget-chart")
    assert [d["name"] for d in budget["data"]] == ["Budget", "Actual"]
    assert 'class="num over"' in html  # post-production is over budget
    assert "125.0%" in html


def test_a_stage_move_from_the_page(make_user, client_for, deal):
    staff = client_for(make_user(role=Role.INVESTMENT))
    staff.post("/investment/projects/rogue-nation/stage/", {"to_stage": "pre_production"})
    assert Project.objects.get(pk=deal.project.pk).stage == "pre_production"
    response = staff.post(
        "/investment/projects/rogue-nation/stage/", {"to_stage": "release"}, follow=True
    )
    assert Project.objects.get(pk=deal.project.pk).stage == "pre_production"
    assert b"cannot move" in response.content


@pytest.mark.parametrize("lang", ["en", "zh-hans", "zh-hant"])
def test_a_partner_reads_its_own_statement_only(make_user, client_for, paid, lang):
    paramount = client_for(make_user(role=Role.PARTNER, org=paid.paramount_org))
    headers = {"HTTP_ACCEPT_LANGUAGE": lang}
    listing = paramount.get("/investment/statements/", **headers)
    assert listing.status_code == 200
    assert f"/investment/statements/{paid.paramount.pk}/".encode() in listing.content
    assert f"/investment/statements/{paid.skydance.pk}/".encode() not in listing.content
    own = paramount.get(f"/investment/statements/{paid.paramount.pk}/", **headers)
    assert own.status_code == 200
    assert "25,455.00" in own.content.decode()  # 1,320,000 + 1,225,500 fen
    for other in (paid.skydance, paid.studio):
        assert paramount.get(f"/investment/statements/{other.pk}/").status_code == 404
    assert paramount.get("/investment/").status_code == 403


def test_moviegoers_see_neither_the_slate_nor_statements(make_user, client_for, deal):
    fan = client_for(make_user())
    assert fan.get("/investment/").status_code == 403
    assert fan.get("/investment/statements/").status_code == 403
    assert fan.get(f"/investment/statements/{deal.studio.pk}/").status_code == 404
    assert client_for(None).get("/investment/").status_code == 302
