"""A title's trailer link: https only, through the API's PATCH, shown in every title read."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from marquee.accounts.models import Role
from marquee.catalog.models import Title
from tests.catalog.factories import TitleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(make_user) -> Client:
    client = Client()
    client.force_login(make_user(role=Role.DISTRIBUTION))
    return client


def _patch(client: Client, slug: str, body: dict):
    return client.patch(
        f"/api/v1/catalog/titles/{slug}", json.dumps(body), content_type="application/json"
    )


def test_a_trailer_link_is_set_read_and_removed(editor):
    title = TitleFactory(slug="star-tide", title_en="Star Tide")
    url = "https://www.youtube.com/watch?v=abc123"
    assert _patch(editor, "star-tide", {"trailer_url": url}).json()["trailer_url"] == url
    assert Client().get("/api/v1/catalog/titles/star-tide").json()["trailer_url"] == url
    assert _patch(editor, "star-tide", {"trailer_url": ""}).status_code == 200
    title.refresh_from_db()
    assert title.trailer_url == ""


@pytest.mark.parametrize(
    "bad", ["http://example.com/t.mp4", "javascript:alert(1)", "https://", "not a link"]
)
def test_anything_but_an_https_link_is_refused(editor, bad):
    TitleFactory(slug="star-tide", title_en="Star Tide")
    response = _patch(editor, "star-tide", {"trailer_url": bad})
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_trailer"
    assert Title.objects.get(slug="star-tide").trailer_url == ""
