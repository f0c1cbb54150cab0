"""A small two-chain world for the API permission matrix (tests/test_permission_matrix.py).

Chain A and chain B each run one venue with a hall and a published showtime of
the same film. Moviegoer M1 owns a paid order (tickets, payment), a pending
order and an active hold, all at chain A's showtime; every object-level row of
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

from django.utils import timezone
from PIL import Image

from marquee.accounts import services as account_services
from marquee.accounts.models import ApiToken, Organisation, Role, User
from marquee.catalog.models import Company, ReleaseDate
from marquee.payments.models import Payment
from marquee.ticketing.models import Hold, Order, PresaleRound, Showtime, Ticket
from marquee.ticketing.services import holds, orders, rounds
from tests.ticketing.buying import buy
from tests.ticketing.conftest import build_hall, build_world, make_showtime

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
    user = User.objects.create(username=f"perm-{role}-{n}", email=f"perm-{role}-{n}@example.com")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    if org is not None:
        account_services.grant_role(user=user, organisation=org, role=_ROLE_OF[role])
    return user


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

    def _make_operator(role: str, org: Organisation) -> User:
        # build_world asks for its chain's operator: make_user(role=..., org=...).
        assert role == Role.CINEMA_OPERATOR
        return _user("operator_a", org)

    world_a = build_world(_make_operator)
    world_b = build_world(_make_operator)
    users["operator_a"] = world_a.operator
    users["operator_b"] = world_b.operator
    users["moviegoer"] = _user("moviegoer", None)
    users["moviegoer_other"] = _user("moviegoer", None)
    for role, kind in _ORG_KIND.items():
        n = next(_seq)
        org = Organisation.objects.create(
            name=f"Perm {role} {n}", kind=kind, slug=f"perm-{role}-{n}"
        )
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

    showtime_a = make_showtime(world_a)
    showtime_b = make_showtime(world_b, title=world_a.title)
    draft_a = make_showtime(world_a, publish=False, starts_at=timezone.now() + timedelta(days=3))
    later_a = make_showtime(world_a, starts_at=timezone.now() + timedelta(days=4))
    hall_a2, _ = build_hall(world_a.venue, name="Hall 2")
    hall_b2, _ = build_hall(world_b.venue, name="Hall 2")

    m1 = users["moviegoer"]
    assert m1 is not None
    paid = buy(showtime_a, m1, "2-1", "2-2")
    ticket = Ticket.objects.filter(order=paid).order_by("pk").first()
    assert ticket is not None
    pending_hold = holds.hold_seats(showtime=showtime_a, seat_codes=["2-5"], user=m1)
    pending = orders.create_order_from_hold(hold=pending_hold, user=m1)
    hold = holds.hold_seats(showtime=showtime_a, seat_codes=["2-7"], user=m1)
    paying_hold = holds.hold_seats(showtime=later_a, seat_codes=["3-3"], user=m1)
    paying = orders.create_order_from_hold(hold=paying_hold, user=m1)
    started = orders.pay_order(order=paying, user=m1)
    assert started.payment_id is not None

    company = Company.objects.create(name_en="Matrix Pictures", slug="matrix-pictures")
    ReleaseDate.objects.create(title=world_a.title, territory="HK", date=date(2030, 1, 1))
    now = timezone.now()
    invitation_round = rounds.create_presale_round(
        actor=users["distribution"],
        title=world_a.title,
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
        title_slug=world_a.title.slug,
        company_slug=company.slug,
        venue_a_slug=world_a.venue.slug,
        venue_a_id=world_a.venue.pk,
        hall_a_id=world_a.hall.pk,
        hall_a2_id=hall_a2.pk,
        venue_b_slug=world_b.venue.slug,
        venue_b_id=world_b.venue.pk,
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
    )
