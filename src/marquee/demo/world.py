"""Build the demo world: organisations, companies, titles, venues, rates and accounts.

:func:`load_world` is idempotent: every row is found by its natural key (slug,
code, username) and updated in place, so running it twice leaves one copy.
All demo accounts share the password
:data:`~marquee.demo.accounts.DEMO_PASSWORD`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from marquee.accounts import services as account_services
from marquee.accounts.models import Membership, Organisation, Role, User
from marquee.catalog import services as catalog
from marquee.catalog.models import Company, Genre, Title
from marquee.demo.accounts import DemoAccount, demo_user
from marquee.demo.analytics import load_demo_analytics
from marquee.demo.audience import load_demo_audience
from marquee.demo.catalog_data import (
    CATALOG_TITLES,
    COMPANIES,
    GENRES,
    STUDIO,
    TitleData,
    generated_titles,
    upcoming_titles,
)
from marquee.demo.crowdfunding import load_demo_crowdfunding
from marquee.demo.finance import load_demo_finance
from marquee.demo.investment import load_demo_investment
from marquee.demo.marketing import load_demo_marketing
from marquee.demo.merch import load_demo_merch
from marquee.demo.rights import load_demo_rights
from marquee.demo.ticketing import load_demo_ticketing

#: Extra generated films per step of ``scale`` above 1.
GENERATED_TITLES_PER_SCALE = 25


class _Progress:
    """A tqdm bar that may also be called like ``progress("step")``.

    The venues loader accepts either a callable or a tqdm-like object; this
    serves both and stays silent when no output stream was given.
    """

    def __init__(self, *, desc: str, total: int | None, enabled: bool) -> None:
        self._bar = tqdm(
            total=total,
            desc=desc,
            unit="step",
            file=sys.stderr,
            # None lets tqdm switch itself off when stderr is not a terminal (logs, CI).
            disable=None if enabled else True,
            leave=False,
            dynamic_ncols=True,
        )

    def __call__(self, step: str | None = None, *args: Any, **kwargs: Any) -> None:
        self.update(1)
        if step:
            self._bar.set_postfix_str(str(step)[:40], refresh=False)

    def update(self, n: int = 1) -> None:
        self._bar.update(n)

    def set_description(self, desc: str | None = None, refresh: bool = True) -> None:
        self._bar.set_description(desc, refresh=refresh)

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        self._bar.set_postfix_str(s, refresh=refresh)

    def write(self, s: str) -> None:
        self._bar.write(s, file=sys.stderr)

    @property
    def total(self) -> int | None:
        return self._bar.total

    @total.setter
    def total(self, value: int | None) -> None:
        self._bar.total = value
        self._bar.refresh()

    def close(self) -> None:
        self._bar.close()

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _say(stdout: TextIO | Any | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message if message.endswith("\n") else message + "\n")


# --- catalog ------------------------------------------------------------------------


def _load_genres() -> None:
    for g in GENRES:
        catalog.upsert_genre(
            actor=None, code=g.code, name_en=g.en, name_zh_hans=g.zh_hans, name_zh_hant=g.zh_hant
        )


def _load_companies() -> dict[str, Organisation]:
    """One organisation and one company per party; returns organisations by slug."""
    organisations: dict[str, Organisation] = {}
    for c in COMPANIES:
        org, _ = Organisation.objects.update_or_create(
            slug=c.slug, defaults={"name": c.en, "kind": c.org_kind}
        )
        organisations[c.slug] = org
        catalog.upsert_company(
            actor=None,
            slug=c.slug,
            name_en=c.en,
            name_zh_hans=c.zh_hans,
            name_zh_hant=c.zh_hant,
            country=c.country,
            roles=c.roles,
            organisation=org,
        )
    return organisations


def _original_title(data: TitleData) -> str:
    """Chinese-language films carry their Chinese title as the original one."""
    if data.original_language == "yue":
        return data.zh_hant or data.en
    if data.original_language == "cmn":
        return data.zh_hans or data.en
    return data.en


def _save_title(data: TitleData) -> Title:
    fields: dict[str, Any] = {
        "kind": data.kind,
        "title_en": data.en,
        "title_zh_hans": data.zh_hans,
        "title_zh_hant": data.zh_hant,
        "original_title": data.original_title or _original_title(data),
        "original_language": data.original_language,
        "synopsis_en": data.synopsis_en,
        "synopsis_zh_hans": data.synopsis_zh_hans,
        "synopsis_zh_hant": data.synopsis_zh_hant,
        "runtime_minutes": data.runtime,
        "episodes": data.episodes,
        "year": data.year,
        "genres": list(data.genres),
        "languages": list(data.languages),
        "hk_classification": data.hk,
        "release_dates": [
            catalog.ReleaseSpec(territory=t, date=d) for t, d in sorted(data.releases.items())
        ],
        "credits": [
            catalog.CreditSpec(company=slug, role=role, territory=territory)
            for slug, role, territory in data.credits
        ],
    }
    existing = Title.objects.filter(slug=data.slug).first()
    if existing is None:
        return catalog.create_title(actor=None, slug=data.slug, **fields)
    return catalog.update_title(actor=None, title=existing, **fields)


def _load_titles(items: Iterable[TitleData], progress: _Progress) -> None:
    for data in items:
        _save_title(data)
        progress(data.slug)


# --- venues and rates -----------------------------------------------------------------


def _load_venues(scale: int, enabled: bool) -> None:
    from marquee.venues.demo import demo_cinema_count, load_demo_venues

    total = demo_cinema_count(scale)
    with _Progress(desc="Cinemas", total=total, enabled=enabled) as progress:
        load_demo_venues(scale=scale, progress=progress)


def _load_rates() -> int | None:
    try:
        module = importlib.import_module("marquee.core.demo")
    except ModuleNotFoundError as exc:
        if exc.name != "marquee.core.demo":
            raise
        return None
    result = module.load_demo_rates()
    return result if isinstance(result, int) else None


# --- accounts -------------------------------------------------------------------------


def _load_accounts(organisations: dict[str, Organisation]) -> list[DemoAccount]:
    from marquee.venues.models import Chain

    accounts: list[DemoAccount] = []
    studio = organisations[STUDIO]

    admin = demo_user("admin", display_name="Marquee Admin", superuser=True)
    account_services.grant_role(user=admin, organisation=studio, role=Role.ADMIN)
    accounts.append(DemoAccount("admin", "admin (superuser)", studio.name, admin.display_name))

    for username, name, language, city in [
        ("fan", "Lin Xiaoyu 林小雨", "zh-hans", "shanghai"),
        ("fan2", "Chan Ka-yan 陳嘉欣", "zh-hant", "hong-kong"),
    ]:
        demo_user(username, display_name=name, preferred_language=language, home_city=city)
        accounts.append(DemoAccount(username, Role.MOVIEGOER, "", name))

    for chain in Chain.objects.select_related("organisation").order_by("slug"):
        username = f"operator-{chain.slug}"[:150]
        user = demo_user(username, display_name=f"{chain.name_en} operator")
        account_services.grant_role(
            user=user, organisation=chain.organisation, role=Role.CINEMA_OPERATOR
        )
        accounts.append(
            DemoAccount(username, Role.CINEMA_OPERATOR, chain.organisation.name, user.display_name)
        )

    for username, role, org_slug, name in [
        ("distribution", Role.DISTRIBUTION, STUDIO, "Distribution & marketing"),
        ("investment", Role.INVESTMENT, STUDIO, "Investment & production"),
        ("rights", Role.RIGHTS, STUDIO, "Rights & licensing"),
        ("finance", Role.FINANCE, STUDIO, "Finance"),
        ("merchant", Role.MERCHANT, "harbour-collectibles", "Harbour Collectibles shop"),
        ("partner", Role.PARTNER, "paramount-pictures", "Paramount partner desk"),
    ]:
        user = demo_user(username, display_name=name)
        org = organisations[org_slug]
        account_services.grant_role(user=user, organisation=org, role=role)
        accounts.append(DemoAccount(username, role, org.name, name))
    return accounts


# --- the world ------------------------------------------------------------------------


PRODUCTION_REFUSAL = (
    "MARQUEE_ENV=production: the demo world is never loaded here (its accounts, "
    "a superuser among them, share one published password). Use `marquee setup --no-demo`."
)


def refuse_in_production() -> None:
    """Raise ``ImproperlyConfigured`` when running with ``MARQUEE_ENV=production``."""
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured(PRODUCTION_REFUSAL)


def load_world(*, scale: int = 1, stdout: TextIO | Any | None = None) -> dict[str, Any]:
    """Create or refresh the whole demo world; safe to run any number of times.

    ``scale`` N multiplies the cinemas (through the venues demo) and adds
    ``25 × (N − 1)`` generated films. ``stdout`` (any object with ``write``)
    receives progress lines and enables tqdm bars on stderr; ``None`` is quiet.
    Returns counts of what the world holds and the demo accounts (``accounts``:
    dicts with username, password, role, organisation, display_name).
    """
    refuse_in_production()
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ValueError("scale must be a whole number of at least 1")
    enabled = stdout is not None
    today = timezone.localdate()

    _say(stdout, "Catalog: genres, companies and titles…")
    titles = [*CATALOG_TITLES, *upcoming_titles(today)]
    titles += generated_titles(GENERATED_TITLES_PER_SCALE * (scale - 1), today)
    with transaction.atomic():
        _load_genres()
        organisations = _load_companies()
        with _Progress(desc="Titles", total=len(titles), enabled=enabled) as progress:
            _load_titles(titles, progress)

    _say(stdout, f"Venues (scale {scale})…")
    _load_venues(scale, enabled)

    rates = _load_rates()
    if rates is not None:
        _say(stdout, "Exchange rates loaded.")

    _say(stdout, "Accounts…")
    with transaction.atomic():
        accounts = _load_accounts(organisations)

    _say(stdout, "Ticketing: two weeks of showtimes, a pre-sale, sales and door scans…")
    with _Progress(desc="Ticketing", total=None, enabled=enabled) as progress:
        accounts += load_demo_ticketing(today=today, scale=scale, progress=progress).accounts

    _say(stdout, "Finance: two comparable half-years of books and the HK$5 billion programme…")
    accounts += load_demo_finance(today=today).accounts
    accounts += load_demo_investment(today=today).accounts
    accounts += load_demo_crowdfunding(today=today).accounts
    accounts += load_demo_rights(today=today).accounts
    accounts += load_demo_merch(today=today).accounts

    _say(stdout, "Analytics: a year of box-office history and the national totals…")
    load_demo_analytics(today=today)
    load_demo_marketing(today=today)
    _say(
        stdout,
        "Posters, trailers, cinema locations and reviews: {posters} posters.".format(
            **load_demo_audience()
        ),
    )

    summary = world_counts()
    summary["rates"] = rates
    summary["accounts"] = [a.as_dict() for a in accounts]
    _say(
        stdout,
        "Demo world ready: {titles} titles, {companies} companies, {cities} cities, "
        "{cinemas} cinemas, {halls} halls, {seats} seats, {users} accounts.".format(**summary),
    )
    return summary


def world_counts() -> dict[str, Any]:
    """How many rows of each kind the world holds (used to check idempotency)."""
    from marquee.places.models import City
    from marquee.venues.models import Chain, Hall, Seat, Venue

    return {
        "titles": Title.objects.count(),
        "companies": Company.objects.count(),
        "genres": Genre.objects.count(),
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "cities": City.objects.count(),
        "chains": Chain.objects.count(),
        "cinemas": Venue.objects.filter(kind=Venue.Kind.CINEMA).count(),
        "halls": Hall.objects.count(),
        "seats": Seat.objects.count(),
    }


def accounts_table(accounts: Iterable[dict[str, str]]) -> str:
    """The demo accounts as a plain-text table (username, role, organisation, password)."""
    rows = [("username", "role", "organisation", "password")]
    rows += [(a["username"], a["role"], a["organisation"] or "—", a["password"]) for a in accounts]
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
