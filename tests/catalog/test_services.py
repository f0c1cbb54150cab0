"""Catalog writes: validation, permissions, release dates, credits, posters."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marquee.accounts.models import Role
from marquee.catalog import services
from marquee.catalog.models import Company, Credit, ReleaseDate, Title
from marquee.catalog.services import posters
from marquee.core.errors import Conflict, DomainError, NotFound, PermissionDenied

from .helpers import image_bytes

pytestmark = pytest.mark.django_db


def _codes(exc_info) -> str:
    return exc_info.value.code


def test_create_title_stores_everything(make_title):
    title = make_title(
        slug="harbour-lights",
        title_en="Harbour Lights",
        title_zh_hans="港湾灯火",
        title_zh_hant="港灣燈火",
        genres=["drama", "crime", "drama"],
        languages=["yue", "cmn", "yue"],
        release_dates=[
            services.ReleaseSpec("HK", dt.date(2026, 1, 1)),
            services.ReleaseSpec("CN", dt.date(2026, 1, 8)),
        ],
        credits=[
            services.CreditSpec("marquee-pictures", "producer"),
            services.CreditSpec("paramount-pictures", "distributor", "US"),
        ],
    )
    assert title.original_title == "Harbour Lights"  # defaults to the English title
    assert sorted(title.genres.values_list("code", flat=True)) == ["crime", "drama"]
    assert title.languages == ["yue", "cmn"]
    assert dict(title.release_dates.values_list("territory", "date")) == {
        "HK": dt.date(2026, 1, 1),
        "CN": dt.date(2026, 1, 8),
    }
    assert set(title.credits.values_list("company__slug", "role", "territory")) == {
        ("marquee-pictures", "producer", ""),
        ("paramount-pictures", "distributor", "US"),
    }


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"slug": "Not A Slug"}, "invalid_slug", "slug"),
        ({"title_en": "   "}, "title_required", "title_en"),
        ({"title_en": "x" * 301}, "text_too_long", "title_en"),
        ({"title_zh_hans": "a\x00b"}, "invalid_text", "title_zh_hans"),
        ({"kind": "opera"}, "invalid_kind", "kind"),
        ({"runtime_minutes": 0}, "invalid_runtime", "runtime_minutes"),
        ({"runtime_minutes": -5}, "invalid_runtime", "runtime_minutes"),
        ({"runtime_minutes": 10_000}, "invalid_runtime", "runtime_minutes"),
        ({"runtime_minutes": True}, "invalid_runtime", "runtime_minutes"),
        ({"year": 1700}, "invalid_year", "year"),
        ({"episodes": 10}, "invalid_episodes", "episodes"),  # a film has no episodes
        ({"languages": ["Cantonese!"]}, "invalid_language", "languages"),
        ({"original_language": "??"}, "invalid_language", "original_language"),
        ({"hk_classification": "X"}, "invalid_classification", "hk_classification"),
        ({"genres": ["western"]}, "unknown_genre", "genres"),
        (
            {"release_dates": [services.ReleaseSpec("ZZ", dt.date(2025, 1, 1))]},
            "invalid_territory",
            "release_dates.territory",
        ),
        (
            {
                "release_dates": [
                    services.ReleaseSpec("HK", dt.date(2025, 1, 1)),
                    services.ReleaseSpec("HK", dt.date(2025, 2, 1)),
                ]
            },
            "duplicate_release_territory",
            "release_dates",
        ),
        (
            {"credits": [services.CreditSpec("nobody-films", "producer")]},
            "unknown_company",
            "credits.company",
        ),
        (
            {"credits": [services.CreditSpec("marquee-pictures", "caterer")]},
            "invalid_credit_role",
            "credits.role",
        ),
        (
            {
                "credits": [
                    services.CreditSpec("marquee-pictures", "producer"),
                    services.CreditSpec("marquee-pictures", "producer"),
                ]
            },
            "duplicate_credit",
            "credits",
        ),
    ],
)
def test_create_title_rejects_bad_input_and_changes_nothing(make_title, overrides, code, field):
    with pytest.raises(DomainError) as exc_info:
        make_title(**overrides)
    assert exc_info.value.code == code
    assert exc_info.value.detail["field"] == field
    assert Title.objects.count() == 0
    assert ReleaseDate.objects.count() == 0 and Credit.objects.count() == 0


def test_slug_must_be_unique(make_title):
    make_title(slug="taken")
    with pytest.raises(Conflict) as exc_info:
        make_title(slug="taken")
    assert exc_info.value.code == "title_slug_taken"
    assert exc_info.value.status == 409
    assert Title.objects.count() == 1


def test_only_distribution_staff_or_admin_may_write(make_user, make_title, genres):
    fan = make_user()
    operator = make_user(role=Role.CINEMA_OPERATOR)
    for outsider in (fan, operator):
        with pytest.raises(PermissionDenied):
            services.create_title(actor=outsider, slug="nope", title_en="Nope")
    assert not Title.objects.filter(slug="nope").exists()

    staff = make_user(role=Role.DISTRIBUTION)
    admin = make_user(role=Role.ADMIN)
    assert services.create_title(actor=staff, slug="yes", title_en="Yes").pk
    title = services.update_title(actor=admin, title=Title.objects.get(slug="yes"), year=2025)
    assert title.year == 2025
    with pytest.raises(PermissionDenied):
        services.update_title(actor=fan, title=title, year=2026)
    assert Title.objects.get(slug="yes").year == 2025


def test_update_changes_only_given_fields_and_replaces_sets(make_title):
    title = make_title(
        genres=["drama", "crime"],
        release_dates=[
            services.ReleaseSpec("HK", dt.date(2024, 5, 1)),
            services.ReleaseSpec("CN", dt.date(2024, 6, 1)),
        ],
    )
    updated = services.update_title(
        actor=None,
        title=title,
        runtime_minutes=None,
        genres=["action"],
        release_dates=[
            services.ReleaseSpec("HK", dt.date(2024, 5, 8)),
            services.ReleaseSpec("MO", dt.date(2024, 5, 9)),
        ],
        credits=[services.CreditSpec("paramount-pictures", "co_financier")],
    )
    assert updated.title_en == title.title_en and updated.year == 2024  # untouched
    assert updated.runtime_minutes is None
    assert list(updated.genres.values_list("code", flat=True)) == ["action"]
    assert dict(updated.release_dates.values_list("territory", "date")) == {
        "HK": dt.date(2024, 5, 8),
        "MO": dt.date(2024, 5, 9),
    }
    assert list(updated.credits.values_list("company__slug", "role")) == [
        ("paramount-pictures", "co_financier")
    ]


def test_update_refuses_a_taken_slug_and_bad_values_atomically(make_title):
    make_title(slug="first")
    second = make_title(slug="second", year=2020)
    with pytest.raises(Conflict):
        services.update_title(actor=None, title=second, slug="first", year=2021)
    with pytest.raises(DomainError) as exc_info:
        services.update_title(actor=None, title=second, year=2021, runtime_minutes=0)
    assert exc_info.value.code == "invalid_runtime"
    second.refresh_from_db()
    assert (second.slug, second.year, second.runtime_minutes) == ("second", 2020, 100)


def test_update_of_a_deleted_title_is_not_found(make_title):
    title = make_title()
    Title.objects.filter(pk=title.pk).delete()
    with pytest.raises(NotFound) as exc_info:
        services.update_title(actor=None, title=title, year=2030)
    assert exc_info.value.code == "title_not_found"


def test_series_keeps_episodes(make_title):
    series = make_title(kind="series", episodes=20, runtime_minutes=45)
    assert series.episodes == 20
    with pytest.raises(DomainError) as exc_info:
        services.update_title(actor=None, title=series, kind="film")
    assert exc_info.value.code == "invalid_episodes"
    film = services.update_title(actor=None, title=series, kind="film", episodes=None)
    assert (film.kind, film.episodes) == ("film", None)


def test_add_credit_and_its_duplicate(make_title, companies):
    title = make_title(credits=[])
    credit = services.add_credit(
        actor=None, title=title, company="paramount-pictures", role="distributor", territory="US"
    )
    assert credit.company == companies["paramount"]
    with pytest.raises(Conflict) as exc_info:
        services.add_credit(
            actor=None,
            title=title,
            company=companies["paramount"],
            role="distributor",
            territory="US",
        )
    assert exc_info.value.code == "credit_exists"
    assert title.credits.count() == 1
    services.remove_credit(
        actor=None, title=title, company="paramount-pictures", role="distributor", territory="US"
    )
    assert title.credits.count() == 0
    with pytest.raises(NotFound):
        services.remove_credit(
            actor=None, title=title, company="paramount-pictures", role="distributor"
        )


def test_set_and_remove_release_date(make_title):
    title = make_title()
    services.set_release_date(actor=None, title=title, territory="HK", date=dt.date(2030, 1, 2))
    services.set_release_date(actor=None, title=title, territory="TW", date=dt.date(2030, 2, 3))
    assert dict(title.release_dates.values_list("territory", "date")) == {
        "HK": dt.date(2030, 1, 2),
        "TW": dt.date(2030, 2, 3),
    }
    with pytest.raises(DomainError) as exc_info:
        services.set_release_date(actor=None, title=title, territory="XX", date=dt.date(2030, 1, 1))
    assert exc_info.value.code == "invalid_territory"
    with pytest.raises(DomainError) as exc_info:
        services.set_release_date(
            actor=None, title=title, territory="HK", date=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
        )
    assert exc_info.value.code == "invalid_release_date"
    assert services.remove_release_date(actor=None, title=title, territory="TW") is True
    assert services.remove_release_date(actor=None, title=title, territory="TW") is False
    assert list(title.release_dates.values_list("territory", flat=True)) == ["HK"]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_poster_accepts_images(make_title, media_root, fmt):
    title = make_title()
    upload = SimpleUploadedFile("p.img", image_bytes(fmt), content_type="image/x")
    saved = services.set_poster(actor=None, title=title, upload=upload)
    assert saved.poster.name.startswith(f"posters/{title.slug}-")
    assert (media_root / saved.poster.name).read_bytes() == image_bytes(fmt)


def test_poster_replacement_deletes_the_old_file_after_commit(
    make_title, media_root, django_capture_on_commit_callbacks
):
    title = make_title()
    first = services.set_poster(
        actor=None, title=title, upload=SimpleUploadedFile("a.png", image_bytes())
    )
    old_path = media_root / first.poster.name
    with django_capture_on_commit_callbacks(execute=True):
        second = services.set_poster(
            actor=None, title=first, upload=SimpleUploadedFile("b.png", image_bytes("JPEG"))
        )
    assert not old_path.exists()
    assert (media_root / second.poster.name).exists()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "invalid_poster"),
        (b"%PDF-1.4 definitely not an image", "invalid_poster"),
        (image_bytes("PNG")[:40], "invalid_poster"),  # truncated
        (image_bytes("BMP"), "invalid_poster"),  # an image, but not a web format
    ],
)
def test_poster_rejects_non_images(make_title, media_root, content, code):
    title = make_title()
    with pytest.raises(DomainError) as exc_info:
        services.set_poster(actor=None, title=title, upload=SimpleUploadedFile("x.png", content))
    assert exc_info.value.code == code
    title.refresh_from_db()
    assert not title.poster
    assert not any(media_root.rglob("*.*"))


def test_poster_size_limit(make_title, media_root, monkeypatch):
    monkeypatch.setattr(posters, "MAX_POSTER_BYTES", 100)
    title = make_title()
    with pytest.raises(DomainError) as exc_info:
        services.set_poster(
            actor=None, title=title, upload=SimpleUploadedFile("x.png", image_bytes(size=(80, 80)))
        )
    assert exc_info.value.code == "poster_too_large"
    assert exc_info.value.status == 413


def test_upsert_company_is_idempotent_and_validates(companies, make_org):
    org = make_org("partner")
    again = services.upsert_company(
        actor=None,
        slug="paramount-pictures",
        name_en="Paramount Pictures",
        roles=["distributor", "studio", "distributor"],
        organisation=org,
    )
    assert again.pk == companies["paramount"].pk
    assert sorted(again.roles.values_list("role", flat=True)) == ["distributor", "studio"]
    assert Company.objects.count() == 2
    with pytest.raises(Conflict) as exc_info:
        services.upsert_company(actor=None, slug="another", name_en="Paramount Pictures")
    assert exc_info.value.code == "company_name_taken"
    with pytest.raises(DomainError) as exc_info:
        services.upsert_company(actor=None, slug="x-co", name_en="X", roles=["baker"])
    assert exc_info.value.code == "invalid_company_role"
    with pytest.raises(DomainError) as exc_info:
        services.upsert_company(actor=None, slug="y-co", name_en="Y", organisation=org)
    assert exc_info.value.code == "invalid_company"
    assert Company.objects.count() == 2
