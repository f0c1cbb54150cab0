"""The demo world: idempotent, complete, and shown on the home page.

The world is loaded once per module (twice, to prove idempotency) inside a
transaction that is rolled back when the module ends.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from marquee.accounts.models import Membership, Role, User
from marquee.accounts.permissions import clear_role_cache, roles_of
from marquee.catalog.models import Company, Title
from marquee.demo import world as demo_world
from marquee.demo.accounts import DEMO_PASSWORD
from marquee.demo.world import load_world, world_counts
from marquee.places.models import City
from marquee.venues.models import Chain, Hall, Venue

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]

PRODUCT_TITLES = [
    "mission-impossible-rogue-nation",
    "star-trek-beyond",
    "tmnt-out-of-the-shadows",
    "dying-to-survive",
    "hello-mr-billionaire",
    "mission-impossible-fallout",
    "peppa-celebrates-chinese-new-year",
    "a-guilty-conscience",
    "the-trier-of-fact",
    "the-last-dance",
    "customs-frontline",
    "in-the-light-of-dark",
    "behind-the-scene",
    "time-still-turns-the-pages",
    "invincible-swordsman",
    "without-remorse",
    "endless-battle-2",
    "the-grey-men-2",
    "my-date-with-a-vampire",
]
PRODUCT_SERIES = ["sci", "gossip-high", "forensic-heroes-vi", "news-queen-2"]
PARTNERS = [
    "Paramount Pictures",
    "Amblin Partners",
    "DreamWorks Pictures",
    "Participant",
    "Enlight Media",
    "Edko Films",
    "BenXiaoHai Media",
    "Mandarin Motion Pictures",
    "Huanxi Media Group",
    "Media Asia Group",
    "Universe Entertainment",
    "Meiya Entertainment",
    "One Cool Group",
    "TVB",
    "Shaw Brothers Pictures",
    "Emperor Motion Pictures",
]
CITIES = {"beijing", "shanghai", "guangzhou", "shenzhen", "hangzhou", "chengdu", "hong-kong"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        django_db_blocker.unblock(),
        # The generated posters are files: written to a temporary media root.
        override_settings(
            PASSWORD_HASHERS=FAST_HASHER, MEDIA_ROOT=tmp_path_factory.mktemp("media")
        ),
        transaction.atomic(),
    ):
        first = load_world()
        after_first = world_counts()
        second = load_world()
        after_second = world_counts()
        yield {
            "first": first,
            "second": second,
            "after_first": after_first,
            "after_second": after_second,
        }
        transaction.set_rollback(True)


@pytest.fixture
def db_in_world(world, db):
    return world


def test_loading_twice_leaves_one_copy(db_in_world):
    first, second = db_in_world["after_first"], db_in_world["after_second"]
    assert first == second
    for key in ["titles", "companies", "users", "cities", "cinemas", "halls", "seats"]:
        assert first[key] > 0, key
    assert world_counts() == second
    assert db_in_world["first"]["accounts"] == db_in_world["second"]["accounts"]


def test_catalog_has_every_named_title_in_three_languages(db_in_world):
    titles = {t.slug: t for t in Title.objects.all()}
    assert set(PRODUCT_TITLES + PRODUCT_SERIES) <= set(titles)
    assert {titles[s].kind for s in PRODUCT_SERIES} == {Title.Kind.SERIES}
    localized = [t for t in titles.values() if t.title_zh_hans and t.title_zh_hant]
    assert len(localized) >= 20
    assert titles["a-guilty-conscience"].title_zh_hant == "毒舌大狀"
    assert titles["a-guilty-conscience"].original_title == "毒舌大狀"  # a Cantonese film
    assert titles["dying-to-survive"].original_title == "我不是药神"
    assert titles["star-trek-beyond"].original_title == "Star Trek Beyond"
    assert (
        titles["mission-impossible-rogue-nation"]
        .credits.filter(company__slug="paramount-pictures", role="producer")
        .exists()
    )
    assert all(t.synopsis_en and t.genres.exists() for t in titles.values())


def test_upcoming_hong_kong_films_open_in_the_coming_weeks(db_in_world):
    today = timezone.localdate()
    upcoming = Title.objects.filter(
        release_dates__territory="HK",
        release_dates__date__gt=today,
        release_dates__date__lte=today + dt.timedelta(weeks=5),
    ).distinct()
    assert 2 <= upcoming.count() <= 3
    for title in upcoming:
        assert title.runtime_minutes and title.hk_classification


def test_every_party_is_a_company_with_an_organisation(db_in_world):
    names = set(Company.objects.values_list("name_en", flat=True))
    assert set(PARTNERS) | {"Marquee Pictures", "iQiyi", "Youku"} <= names
    studio = Company.objects.get(slug="marquee-pictures")
    assert (studio.name_zh_hans, studio.name_zh_hant) == ("大幕影业", "大幕影業")
    assert studio.organisation.kind == "studio"
    assert not Company.objects.filter(organisation__isnull=True).exists()
    assert set(Company.objects.get(slug="youku").roles.values_list("role", flat=True)) == {
        "platform"
    }


def test_venues_meet_the_brief(db_in_world):
    assert set(City.objects.values_list("code", flat=True)) >= CITIES
    cinemas = Venue.objects.filter(kind=Venue.Kind.CINEMA)
    assert cinemas.count() >= 20
    assert Chain.objects.filter(venues__kind=Venue.Kind.CINEMA).distinct().count() >= 3
    assert set(cinemas.values_list("city__code", flat=True)) >= CITIES
    for venue in cinemas.annotate(n=Count("halls")):
        assert 3 <= venue.n <= 8, venue
    for hall in Hall.objects.annotate(n=Count("seats")):
        assert 80 <= hall.n <= 400, hall
        assert hall.seat_count == hall.n


def test_an_account_for_every_role(db_in_world):
    held: set[str] = set()
    for user in User.objects.all():
        clear_role_cache(user)
        held |= roles_of(user)
    assert held >= set(Role.values)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    fan = User.objects.get(username="fan")
    assert fan.check_password(DEMO_PASSWORD)
    assert not Membership.objects.filter(user__username__in=["fan", "fan2"]).exists()
    assert Membership.objects.filter(
        user__username="partner", role=Role.PARTNER, organisation__slug="paramount-pictures"
    ).exists()
    for chain in Chain.objects.all():
        assert Membership.objects.filter(
            organisation=chain.organisation, role=Role.CINEMA_OPERATOR
        ).exists(), chain
    for role in [Role.DISTRIBUTION, Role.INVESTMENT, Role.RIGHTS, Role.FINANCE]:
        assert Membership.objects.filter(role=role, organisation__slug="marquee-pictures").exists()


def test_the_demo_fans_are_invited_to_the_coming_pre_sale(db_in_world, client):
    from marquee.marketing.models import CampaignInvitation
    from marquee.marketing.queries import invitations_of
    from marquee.ticketing.models import InvitationCode

    for username in ["fan", "fan2"]:
        user = User.objects.get(username=username)
        (invitation,) = invitations_of(user)  # one, though the world was loaded twice
        assert (invitation.title_slug, invitation.state) == ("harbour-lights", "open")
        code = InvitationCode.objects.select_related("round").get(code=invitation.code)
        assert code.user_id == user.pk and code.round.audience == "invitation"
    assert CampaignInvitation.objects.filter(campaign__slug="harbour-lights-preview").count() > 2
    client.force_login(User.objects.get(username="fan"))
    page = client.get("/account/invitations/")
    assert invitations_of(User.objects.get(username="fan"))[0].code in page.content.decode()


def test_summary_lists_accounts_with_the_password(db_in_world):
    accounts = db_in_world["second"]["accounts"]
    usernames = {a["username"] for a in accounts}
    assert {"admin", "fan", "fan2", "distribution", "merchant", "partner"} <= usernames
    assert {a["password"] for a in accounts} == {DEMO_PASSWORD}
    assert len(accounts) == User.objects.count()


def test_demo_command_prints_the_accounts_and_adds_nothing(db_in_world):
    before = world_counts()
    out = StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    assert "Demo accounts" in text and DEMO_PASSWORD in text
    assert "operator-" in text and "distribution" in text
    assert world_counts() == before


def test_demo_command_refuses_a_bad_scale(db_in_world):
    with pytest.raises(CommandError):
        call_command("demo", "--scale", "0", stdout=StringIO())
    with pytest.raises(ValueError):
        load_world(scale=0)


def test_scale_adds_generated_films_and_scales_venues(db_in_world, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "marquee.venues.demo.load_demo_venues",
        lambda *, scale, progress: calls.append(scale),
    )
    before = Title.objects.count()
    summary = load_world(scale=3)
    assert calls == [3]
    assert summary["titles"] == before + 2 * demo_world.GENERATED_TITLES_PER_SCALE
    generated = Title.objects.filter(slug__startswith="demo-feature-")
    assert generated.count() == 2 * demo_world.GENERATED_TITLES_PER_SCALE
    assert not generated.filter(title_zh_hans="").exists()


def test_home_page_lists_the_demo_films(db_in_world, client):
    r = client.get("/")
    assert r.status_code == 200
    page = r.content.decode()
    for name in ["A Guilty Conscience", "Mission: Impossible – Fallout", "Harbour Lights"]:
        assert name in page
    assert "News Queen 2" not in page  # series are not films
    assert 'href="/api/v1/docs"' in page
    assert "IIA" in page and "133 minutes" in page

    zh = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "毒舌大狀" in zh and "港灣燈火" in zh
    assert '<html lang="zh-hant">' in zh


def test_demo_films_have_posters_trailers_and_cinemas_locations(db_in_world):
    from marquee.ticketing.models import Review, Ticket
    from marquee.venues.models import Venue

    films = Title.objects.filter(kind=Title.Kind.FILM)
    assert films.exists()
    assert not films.filter(poster="").exists()
    assert not films.filter(trailer_url="").exists()
    assert all(t.trailer_url.startswith("https://") for t in films)
    sanlitun = Venue.objects.get(slug="huaxia-beijing-sanlitun")
    assert (sanlitun.district_zh_hans, sanlitun.latitude is not None) == ("朝阳区", True)
    reviewed = Review.objects.select_related("title")
    assert reviewed.exists()
    for review in reviewed:  # every demo review is by someone whose ticket was scanned
        assert Ticket.objects.filter(
            order__user=review.user, showtime__title=review.title, status="used"
        ).exists()
