"""A small two-chain world for the API permission matrix (tests/test_permission_matrix.py).

Chain A and chain B each run one venue with a hall and a published showtime of
the same film. Moviegoer M1 owns a paid order (tickets, payment) and an active
hold at chain A's showtime, and a pending order at a later one of chain A (one
order to pay per showtime at a time); every object-level row of
the matrix points at chain A's or M1's objects, so chain B's operator and the
second moviegoer are the outsiders.

Users get API tokens instead of passwords: building the world needs no
password hashing, and every request authenticates the way an API client does.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from PIL import Image

from marquee.accounts import services as account_services
from marquee.accounts.models import ApiToken, Organisation, Role, User
from marquee.catalog.models import Company, ReleaseDate
from marquee.payments.models import Payment
from marquee.ticketing.models import Hold, Order, PresaleRound, Showtime, Ticket
from marquee.ticketing.services import holds, orders, rounds
from marquee.venues.models import Hall
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.catalog.factories import TitleFactory
from tests.ticketing.buying import buy
from tests.ticketing.factories import OrderFactory, ShowtimeFactory
from tests.venues.factories import ChainFactory, GridHallFactory, VenueFactory

#: Column order of the matrix: who calls.
ROLES: tuple[str, ...] = (
    "anonymous",
    "moviegoer",  # M1, owner of the hold, orders, tickets and payment below
    "moviegoer_other",  # M2, a stranger to M1's objects
    "operator_a",  # cinema operator of chain A (owns every venue object below)
    "operator_b",  # cinema operator of chain B
    "distribution",
    "investment",
    "rights",
    "finance",
    "merchant",
    "partner",
    "admin",
)

_seq = itertools.count(1)


@dataclass(frozen=True)
class Call:
    """One concrete request of a matrix row: its path and body (JSON or a poster upload)."""

    path: str
    json: Any = None
    files: dict[str, Any] | None = None


@dataclass
class PermWorld:
    users: dict[str, User | None]
    tokens: dict[str, str]  # role → raw bearer token
    spare_token_ids: dict[str, int]  # role → id of a second token of that user
    title_slug: str
    company_slug: str
    venue_a_slug: str
    venue_a_id: int
    hall_a_id: int
    hall_a2_id: int  # no showtimes: its layout may be replaced
    venue_b_slug: str
    venue_b_id: int
    hall_b2_id: int  # chain B's hall without showtimes
    showtime_a: Showtime
    showtime_b: Showtime
    draft_a: Showtime
    later_a: Showtime  # same film, same cinema, two days later: an exchange target
    hold: Hold  # M1's active hold
    pending_order: Order  # M1's order awaiting payment
    paid_order: Order
    ticket: Ticket
    payment: Payment  # the paid order's payment
    pending_payment: Payment  # M1's started, not yet authorised payment of a third order
    invitation_round: PresaleRound
    extra: dict[str, object] = field(default_factory=dict)


def _user(role: str, org: Organisation | None) -> User:
    n = next(_seq)
    return UserFactory(
        username=f"perm-{role}-{n}",
        password=None,
        role=_ROLE_OF[role] if org is not None else None,
        organisation=org,
    )


_ROLE_OF = {
    "operator_a": Role.CINEMA_OPERATOR,
    "operator_b": Role.CINEMA_OPERATOR,
    "distribution": Role.DISTRIBUTION,
    "investment": Role.INVESTMENT,
    "rights": Role.RIGHTS,
    "finance": Role.FINANCE,
    "merchant": Role.MERCHANT,
    "partner": Role.PARTNER,
    "admin": Role.ADMIN,
}

_ORG_KIND = {
    "distribution": Organisation.Kind.STUDIO,
    "investment": Organisation.Kind.STUDIO,
    "rights": Organisation.Kind.STUDIO,
    "finance": Organisation.Kind.PLATFORM,
    "merchant": Organisation.Kind.MERCHANT,
    "partner": Organisation.Kind.PARTNER,
    "admin": Organisation.Kind.PLATFORM,
}


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 12), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def build_perm_world() -> PermWorld:
    users: dict[str, User | None] = {"anonymous": None}

    chain_a, chain_b = ChainFactory(), ChainFactory()
    users["operator_a"] = _user("operator_a", chain_a.organisation)
    users["operator_b"] = _user("operator_a", chain_b.organisation)
    venue_a, venue_b = VenueFactory(chain=chain_a), VenueFactory(chain=chain_b)
    hall_a, hall_b = GridHallFactory(venue=venue_a), GridHallFactory(venue=venue_b)
    film = TitleFactory()
    users["moviegoer"] = _user("moviegoer", None)
    users["moviegoer_other"] = _user("moviegoer", None)
    for role, kind in _ORG_KIND.items():
        n = next(_seq)
        org = OrganisationFactory(name=f"Perm {role} {n}", kind=kind, slug=f"perm-{role}-{n}")
        users[role] = _user(role, org)

    tokens: dict[str, str] = {}
    spare: dict[str, int] = {}
    for role, user in users.items():
        if user is None:
            continue
        _, raw = account_services.create_api_token(user=user, name="matrix")
        tokens[role] = raw
        spare_token, _ = account_services.create_api_token(user=user, name="spare")
        spare[role] = spare_token.pk
    spare["anonymous"] = spare["moviegoer"]

    def showtime(hall: Hall, actor: User | None, **kwargs: object) -> Showtime:
        made = ShowtimeFactory(hall=hall, actor=actor, title=film, **kwargs)
        return Showtime.objects.select_related("hall__venue", "venue__city", "title").get(
            pk=made.pk
        )

    now = timezone.now()
    showtime_a = showtime(hall_a, users["operator_a"])
    showtime_b = showtime(hall_b, users["operator_b"])
    draft_a = showtime(
        hall_a, users["operator_a"], publish=False, starts_at=now + timedelta(days=3)
    )
    later_a = showtime(hall_a, users["operator_a"], starts_at=now + timedelta(days=4))
    hall_a2 = GridHallFactory(venue=venue_a, name="Hall 2")
    hall_b2 = GridHallFactory(venue=venue_b, name="Hall 2")

    m1 = users["moviegoer"]
    assert m1 is not None
    paid = buy(showtime_a, m1, "2-1", "2-2")
    ticket = Ticket.objects.filter(order=paid).order_by("pk").first()
    assert ticket is not None
    paid_b = buy(showtime_b, m1, "2-1")
    ticket_b = Ticket.objects.filter(order=paid_b).get()
    # One order waits for payment per account and showtime (issue 14): M1's pending
    # order is at another chain A showtime, so its hold at showtime_a can still be ordered.
    pending_at = showtime(hall_a, users["operator_a"], starts_at=now + timedelta(days=8))
    pending = OrderFactory(showtime=pending_at, user=m1, seats=["2-5"])
    hold = holds.place_hold(showtime=showtime_a, seat_codes=["2-7"], user=m1).hold
    paying = OrderFactory(showtime=later_a, user=m1, seats=["3-3"])
    started = orders.pay_order(order=paying, user=m1)
    assert started.payment_id is not None

    company = Company.objects.create(name_en="Matrix Pictures", slug="matrix-pictures")
    ReleaseDate.objects.create(title=film, territory="HK", date=date(2030, 1, 1))
    invitation_round = rounds.create_presale_round(
        actor=users["distribution"],
        title=film,
        name="Friends",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        audience=PresaleRound.Audience.INVITATION,
    )
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()
    return PermWorld(
        users=users,
        tokens=tokens,
        spare_token_ids=spare,
        title_slug=film.slug,
        company_slug=company.slug,
        venue_a_slug=venue_a.slug,
        venue_a_id=venue_a.pk,
        hall_a_id=hall_a.pk,
        hall_a2_id=hall_a2.pk,
        venue_b_slug=venue_b.slug,
        venue_b_id=venue_b.pk,
        hall_b2_id=hall_b2.pk,
        showtime_a=showtime_a,
        showtime_b=showtime_b,
        draft_a=draft_a,
        later_a=later_a,
        hold=hold,
        pending_order=pending,
        paid_order=paid,
        ticket=ticket,
        payment=Payment.objects.get(pk=paid.payment_id),
        pending_payment=Payment.objects.get(pk=started.payment_id),
        invitation_round=invitation_round,
        extra={"ticket_b": ticket_b},  # chain B's venue's ticket (its kiosk's look-up)
    )
