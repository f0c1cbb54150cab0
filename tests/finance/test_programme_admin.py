"""The programme admin: finance staff read it, nobody edits it by hand."""

from __future__ import annotations

import pytest

from marquee.accounts.models import Role
from tests.finance import test_programmes

pytestmark = pytest.mark.django_db

programme = test_programmes.programme


def test_programme_admin_is_read_only(programme, make_user, client_for):
    staff = make_user(Role.FINANCE)
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client = client_for(staff)
    page = client.get(f"/admin/finance/programme/{programme.pk}/change/")
    assert page.status_code == 200
    assert "hk-film" in page.content.decode()
    assert client.get("/admin/finance/programme/add/").status_code == 403
    assert client.get("/admin/finance/commitment/").status_code == 200
