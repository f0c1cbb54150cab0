"""Database constraints are the last line of defence behind the services."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from marquee.catalog.models import Credit, ReleaseDate, Title

pytestmark = pytest.mark.django_db


def _raw_title(**fields) -> Title:
    base = {"slug": "raw", "title_en": "Raw", "original_title": "Raw"}
    return Title.objects.create(**{**base, **fields})


def test_runtime_must_be_positive():
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_title(runtime_minutes=0)
    assert _raw_title(runtime_minutes=1).runtime_minutes == 1


def test_runtime_may_be_unknown():
    assert _raw_title(runtime_minutes=None).runtime_minutes is None


def test_episodes_must_be_positive():
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_title(kind=Title.Kind.SERIES, episodes=0)
    assert not Title.objects.exists()


def test_one_release_date_per_territory(make_title):
    title = make_title()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseDate.objects.create(title=title, territory="HK", date=dt.date(2025, 1, 1))
    assert title.release_dates.get(territory="HK").date == dt.date(2024, 5, 1)
    ReleaseDate.objects.create(title=title, territory="CN", date=dt.date(2025, 1, 1))
    assert title.release_dates.count() == 2


def test_credit_is_unique_per_company_role_and_territory(make_title, companies):
    title = make_title()
    studio = companies["studio"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Credit.objects.create(title=title, company=studio, role="producer", territory="")
    # The same company may hold another role, or the same role for a territory.
    Credit.objects.create(title=title, company=studio, role="distributor", territory="CN")
    Credit.objects.create(title=title, company=studio, role="producer", territory="HK")
    assert title.credits.count() == 3


def test_localized_properties_fall_back_to_english(make_title):
    from django.utils import translation

    title = make_title(title_en="Harbour", title_zh_hans="港湾", title_zh_hant="")
    with translation.override("zh-hans"):
        assert title.title == "港湾"
    with translation.override("zh-hant"):
        assert title.title == "Harbour"
