"""Admin access follows Marquee roles: catalog for distribution staff and admins,
accounts for admins only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marquee.accounts.models import ApiToken, Membership, Organisation, Role, User
from marquee.accounts.services import create_api_token
from marquee.catalog.models import Title

from .helpers import image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    # Admin pages use {% static %}; the manifest storage needs collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


CATALOG_PAGES = [
    "/admin/catalog/title/",
    "/admin/catalog/title/add/",
    "/admin/catalog/company/",
    "/admin/catalog/genre/",
]


@pytest.mark.parametrize("role", [Role.DISTRIBUTION, Role.ADMIN])
def test_catalog_admin_open_to_distribution_and_admin(client_for, make_user, make_title, role):
    title = make_title(title_en="Customs Frontline", title_zh_hant="海關戰線")
    c = client_for(make_user(role=role))
    for page in [*CATALOG_PAGES, f"/admin/catalog/title/{title.pk}/change/"]:
        assert c.get(page).status_code == 200, page
    index = c.get("/admin/").content.decode()
    assert "/admin/catalog/title/" in index


@pytest.mark.parametrize("role", [Role.CINEMA_OPERATOR, Role.FINANCE, Role.MERCHANT])
def test_catalog_admin_closed_to_other_staff(client_for, make_user, make_title, role):
    title = make_title()
    c = client_for(make_user(role=role))
    for page in [*CATALOG_PAGES, f"/admin/catalog/title/{title.pk}/change/"]:
        assert c.get(page).status_code == 403, page
    assert "/admin/catalog/" not in c.get("/admin/").content.decode()


def test_moviegoers_never_reach_the_admin(client_for, make_user):
    r = client_for(make_user()).get("/admin/catalog/title/")
    assert r.status_code == 302
    assert "/admin/login/" in r["Location"]


def test_search_in_any_title_language(client_for, distributor, make_title):
    make_title(title_en="The Last Dance", title_zh_hans="破·地狱", title_zh_hant="破·地獄")
    make_title(title_en="Other")
    c = client_for(distributor)
    for term in ["Last", "地狱", "地獄"]:
        page = c.get("/admin/catalog/title/", {"q": term}).content.decode()
        assert "The Last Dance" in page and "Other" not in page, term


def test_filters_by_kind_classification_and_genre(client_for, distributor, make_title):
    make_title(title_en="Crime Film", genres=["crime"], hk_classification="III")
    make_title(title_en="Drama Film", genres=["drama"], hk_classification="I")
    c = client_for(distributor)
    genre_id = Title.objects.get(title_en="Crime Film").genres.get().pk
    crime = c.get("/admin/catalog/title/", {"genres__id__exact": genre_id}).content.decode()
    assert "Crime Film" in crime and "Drama Film" not in crime
    rated = c.get("/admin/catalog/title/", {"hk_classification__exact": "I"}).content.decode()
    assert "Drama Film" in rated and "Crime Film" not in rated


def _title_form(title: Title, **overrides):
    data = {
        "kind": title.kind,
        "slug": title.slug,
        "original_title": title.original_title,
        "original_language": "",
        "year": title.year,
        "title_en": title.title_en,
        "title_zh_hans": title.title_zh_hans,
        "title_zh_hant": title.title_zh_hant,
        "synopsis_en": "",
        "synopsis_zh_hans": "",
        "synopsis_zh_hant": "",
        "runtime_minutes": title.runtime_minutes,
        "episodes": "",
        "genres": [g.pk for g in title.genres.all()],
        "languages": '["yue"]',
        "hk_classification": title.hk_classification,
        "release_dates-TOTAL_FORMS": "0",
        "release_dates-INITIAL_FORMS": "0",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_admin_poster_upload_is_validated(client_for, distributor, make_title, media_root):
    title = make_title()
    c = client_for(distributor)
    url = f"/admin/catalog/title/{title.pk}/change/"
    # Release dates and credits exist, so their inline forms must be posted too.
    Title.objects.get(pk=title.pk).release_dates.all().delete()
    Title.objects.get(pk=title.pk).credits.all().delete()
    bad = c.post(url, _title_form(title, poster=SimpleUploadedFile("p.png", b"not an image")))
    assert bad.status_code == 200  # the form comes back with an error
    title.refresh_from_db()
    assert not title.poster
    good = c.post(url, _title_form(title, poster=SimpleUploadedFile("p.png", image_bytes())))
    assert good.status_code == 302, good.content.decode()[:2000]
    title.refresh_from_db()
    assert title.poster.name.startswith("posters/")


def test_admin_refuses_zero_runtime(client_for, distributor, make_title):
    title = make_title()
    Title.objects.get(pk=title.pk).release_dates.all().delete()
    Title.objects.get(pk=title.pk).credits.all().delete()
    r = client_for(distributor).post(
        f"/admin/catalog/title/{title.pk}/change/", _title_form(title, runtime_minutes=0)
    )
    assert r.status_code == 200
    title.refresh_from_db()
    assert title.runtime_minutes == 100


# --- accounts admin ------------------------------------------------------------------

ACCOUNT_PAGES = [
    "/admin/accounts/user/",
    "/admin/accounts/user/add/",
    "/admin/accounts/organisation/",
    "/admin/accounts/membership/",
    "/admin/accounts/apitoken/",
]


def test_accounts_admin_only_for_admins(client_for, make_user):
    admin = make_user(role=Role.ADMIN)
    c = client_for(admin)
    for page in [*ACCOUNT_PAGES, f"/admin/accounts/user/{admin.pk}/change/"]:
        assert c.get(page).status_code == 200, page
    for role in [Role.DISTRIBUTION, Role.CINEMA_OPERATOR, Role.FINANCE]:
        other = client_for(make_user(role=role))
        for page in ACCOUNT_PAGES:
            assert other.get(page).status_code == 403, (role, page)


def test_non_superuser_admin_cannot_grant_superuser(client_for, make_user):
    admin = make_user(role=Role.ADMIN)
    page = client_for(admin).get(f"/admin/accounts/user/{admin.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    root = User.objects.create_superuser("root", "root@example.com", "x-long-password-1")
    page = client_for(root).get(f"/admin/accounts/user/{admin.pk}/change/").content.decode()
    assert 'name="is_superuser"' in page


def test_admin_creates_users_without_email(client_for, make_user):
    c = client_for(make_user(role=Role.ADMIN))
    for name in ["walkin1", "walkin2"]:
        r = c.post(
            "/admin/accounts/user/add/",
            {
                "username": name,
                "email": "",
                "usable_password": "true",
                "password1": "a-very-long-secret-42",
                "password2": "a-very-long-secret-42",
            },
        )
        assert r.status_code == 302, r.content.decode()[:3000]
    assert list(
        User.objects.filter(username__startswith="walkin").values_list("email", flat=True)
    ) == [
        None,
        None,
    ]


def test_membership_added_in_admin_makes_staff(client_for, make_user, make_org):
    c = client_for(make_user(role=Role.ADMIN))
    person = make_user()
    org = make_org(Organisation.Kind.EXHIBITOR)
    r = c.post(
        "/admin/accounts/membership/add/",
        {"user": person.pk, "organisation": org.pk, "role": Role.CINEMA_OPERATOR},
    )
    assert r.status_code == 302
    person.refresh_from_db()
    assert person.is_staff
    assert Membership.objects.filter(user=person, role=Role.CINEMA_OPERATOR).exists()


def test_tokens_are_read_only_and_revocable(client_for, make_user):
    admin = make_user(role=Role.ADMIN)
    owner = make_user()
    token, raw = create_api_token(user=owner, name="scanner")
    c = client_for(admin)
    page = c.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert token.digest in page and raw not in page
    assert 'name="digest"' not in page  # shown, not editable
    assert c.get(f"/admin/accounts/apitoken/{token.pk}/delete/").status_code == 403
    r = c.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.objects.count() == 1
