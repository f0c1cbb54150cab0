"""The rights staff pages: the avails grid, deals, the new-deal form and its refusals."""

from __future__ import annotations

import uuid

import pytest

from marquee.rights.models import Deal
from tests.rights.factories import acquire, license_out, right

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client_for, rights_user):
    return client_for(rights_user)


def test_avails_grid_shows_free_and_taken_squares(chart, title, staff):
    acquire(title, right(["svod", "avod"], "GCN"))
    deal = license_out(title, right("svod", "CN"), counterparty="iQiyi")
    r = staff.get(
        "/rights/",
        {
            "title": title.pk,
            "territory": "GCN",
            "from": "2027-01-01",
            "to": "2027-12-31",
            "media": ["svod", "avod"],
        },
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="avails-grid"' in html
    cn = html.split('data-territory="CN"')[1].split("</tr>")[0]
    assert 'data-media="svod" data-state="taken"' in cn
    assert f"#{deal.pk} iQiyi" in cn
    assert 'data-media="avod" data-state="free"' in cn
    hk = html.split('data-territory="HK"')[1].split("</tr>")[0]
    assert 'data-media="svod" data-state="free"' in hk


def test_pages_refuse_other_roles(chart, client_for, make_user):
    client = client_for(make_user())
    for path in ("/rights/", "/rights/deals/", "/rights/deals/new/"):
        assert client.get(path).status_code == 403


def _form(title, **over):
    data = {
        "title": title.pk,
        "direction": "out",
        "counterparty": "Youku",
        "exclusive": "on",
        "media": ["svod"],
        "territories": ["CN"],
        "start_on": "2027-03-01",
        "end_on": "2027-09-30",
        "currency": "CNY",
        "fee_kind": "flat",
        "fee": "1000.00",
        "instalments": "2027-03-31 400.00\n2027-06-30 600.00",
        "signed_on": "2026-12-01",
        "idempotency_key": str(uuid.uuid4()),
    }
    data.update(over)
    return data


def test_new_deal_form_signs_and_conflict_names_the_deal(chart, title, staff):
    acquire(title, right("svod", "WW"))
    first = license_out(title, right("svod", "GCN"), counterparty="iQiyi")
    r = staff.post("/rights/deals/new/", _form(title))
    assert r.status_code == 409
    html = r.content.decode()
    assert 'data-testid="deal-conflicts"' in html
    assert f"#{first.pk} iQiyi" in html
    assert Deal.objects.filter(counterparty="Youku").count() == 0

    r = staff.post("/rights/deals/new/", _form(title, territories=["US"]))
    assert r.status_code == 302
    deal = Deal.objects.get(counterparty="Youku")
    assert [i.amount_minor for i in deal.instalments.all()] == [400_00, 600_00]
    page = staff.get(r["Location"])
    assert page.status_code == 200
    assert "Youku" in page.content.decode()
    listing = staff.get("/rights/deals/").content.decode()
    assert "Youku" in listing and "iQiyi" in listing


def test_fee_schedule_that_does_not_sum_is_refused(chart, title, staff):
    acquire(title, right("svod", "WW"))
    r = staff.post("/rights/deals/new/", _form(title, fee="999.00"))
    assert r.status_code == 422
    assert 'data-testid="deal-refused"' in r.content.decode()
    assert not Deal.objects.filter(direction="out").exists()


def test_rights_staff_see_the_rights_link(chart, staff, client_for, make_user):
    assert 'href="/rights/"' in staff.get("/").content.decode()
    assert 'href="/rights/"' not in client_for(make_user()).get("/").content.decode()
