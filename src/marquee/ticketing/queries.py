"""Reads of the ticketing domain shared by the API, the admin and the web pages.

Visibility: published and cancelled showtimes are public; drafts are seen only
by those who may schedule at the venue (its chain's operators, distribution
staff, admins). Holds are seen by their owner only; an order and its tickets
by their owner and admins (support: reading, downloads, refunds), while paying
and cancelling stay the owner's. Door scans are the venue's
operators'; settlements are the venue's operators' and distribution staff's.

Names say who may read: ``hold_of``, ``orders_of``, ``order_of`` are the
user's own (paying, cancelling, the buyer's pages); ``…_for_owner_or_admin``
also serve admins (reading, downloads, refunds); ``tickets_of(order)`` checks
nothing — its caller already holds an order it may read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from marquee.accounts.models import Role, User
from marquee.accounts.permissions import AnyUser, has_role, is_admin, organisation_ids
from marquee.catalog.models import Title
from marquee.core.errors import DomainError, NotFound
from marquee.core.prepared import Prepared
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import (
    Hold,
    Order,
    PresaleRound,
    RoundAllowance,
    Scan,
    Showtime,
    ShowtimePrice,
    Ticket,
    WantToSee,
)
from marquee.ticketing.permissions import authenticated
from marquee.venues.models import Hall, Seat, Venue

# --- who sees what -------------------------------------------------------------


def _scheduling_filter(user: AnyUser | None) -> Q | None:
    """``None`` = every venue; else a filter on Showtime for the user's venues."""
    if not authenticated(user):
        return Q(pk__in=[])
    if has_role(user, Role.DISTRIBUTION):
        return None
    orgs = organisation_ids(user, Role.CINEMA_OPERATOR)
    return Q(venue__chain__organisation_id__in=orgs) if orgs else Q(pk__in=[])


def manageable_showtimes(user: AnyUser | None) -> QuerySet[Showtime]:
    """Showtimes ``user`` schedules: its chain's for operators, all for staff, none otherwise."""
    qs = Showtime.objects.all()
    scope = _scheduling_filter(user)
    return qs if scope is None else qs.filter(scope)


def visible_showtimes(user: AnyUser | None) -> QuerySet[Showtime]:
    """Published and cancelled showtimes for everyone, plus drafts ``user`` schedules."""
    public = Q(status__in=[Showtime.Status.PUBLISHED, Showtime.Status.CANCELLED])
    scope = _scheduling_filter(user)
    if scope is None:
        return Showtime.objects.all()
    return Showtime.objects.filter(public | scope)


# --- showtimes --------------------------------------------------------------------


def _with_details(qs: QuerySet[Showtime]) -> QuerySet[Showtime]:
    return qs.select_related("title", "venue", "venue__city", "hall").prefetch_related(
        Prefetch("prices", queryset=ShowtimePrice.objects.order_by("seat_type"))
    )


def _local_day(on: date, zones: set[str]) -> Q:
    """Showtimes starting on the calendar day ``on`` in their own venue's zone."""
    cond = Q(pk__in=[])
    for zone in sorted(zones):
        start, end = local_day_bounds(on, zone)  # refuses days it cannot represent
        cond |= Q(venue__time_zone=zone, starts_at__gte=start, starts_at__lt=end)
    return cond


def list_showtimes(
    *,
    user: AnyUser | None,
    title: str | None = None,
    city: str | None = None,
    venue: str | None = None,
    on: date | None = None,
    status: str | None = Showtime.Status.PUBLISHED,
    include_past: bool = False,
    now: datetime | None = None,
) -> QuerySet[Showtime]:
    """Showtimes visible to ``user``, by title slug, city code, venue slug and local day.

    ``on`` is a calendar day in each venue's own time zone. Without ``on`` (and
    unless ``include_past``) only showtimes that have not started are listed.
    Ordered by start; title, venue, city, hall and prices are joined.
    """
    qs = visible_showtimes(user)
    if status:
        qs = qs.filter(status=status)
    if title:
        qs = qs.filter(title__slug=title)
    if city:
        qs = qs.filter(venue__city__code=city)
    if venue:
        qs = qs.filter(venue__slug=venue)
    if on is not None:
        zones = Venue.objects.all()
        if city:
            zones = zones.filter(city__code=city)
        if venue:
            zones = zones.filter(slug=venue)
        qs = qs.filter(
            _local_day(on, set(zones.order_by().values_list("time_zone", flat=True).distinct()))
        )
    elif not include_past:
        qs = qs.filter(starts_at__gt=now or timezone.now())
    return _with_details(qs).order_by("starts_at", "pk")


@dataclass(frozen=True)
class SaleState:
    """Where a showtime stands in its sale at an instant: the one definition of "on sale".

    ``on_sale``: published and not started — seats may be bought (in general
    sale, or before it through an open pre-sale round). ``presale``: general
    sale has not opened yet (``sales_open_at`` is ahead). ``general_sale_open``:
    published and past ``sales_open_at`` (if any).
    """

    on_sale: bool
    presale: bool
    general_sale_open: bool


def sale_state(showtime: Showtime, now: datetime) -> SaleState:
    """``showtime``'s :class:`SaleState` at ``now`` (no query)."""
    published = showtime.status == Showtime.Status.PUBLISHED
    presale = showtime.sales_open_at is not None and showtime.sales_open_at > now
    return SaleState(
        on_sale=published and showtime.starts_at > now,
        presale=presale,
        general_sale_open=published and not presale,
    )


def on_sale_at(now: datetime, *, via: str = "") -> Q:
    """:attr:`SaleState.on_sale` as a filter: published and not started at ``now``.

    ``via`` names the path to the showtime from the filtered model (``"showtime__"``).
    """
    return Q(**{f"{via}status": Showtime.Status.PUBLISHED, f"{via}starts_at__gt": now})


def get_showtime(*, user: AnyUser | None, showtime_id: int) -> Showtime:
    """One showtime ``user`` may see, with details; :class:`NotFound` otherwise."""
    showtime = _with_details(visible_showtimes(user)).filter(pk=showtime_id).first()
    if showtime is None:
        raise NotFound(TicketingErrorCode.SHOWTIME_NOT_FOUND, f"No showtime {showtime_id}.")
    return showtime


def showtime_for_sale(*, user: AnyUser | None, showtime_id: int) -> Showtime:
    """A showtime to hold seats of, with its hall, lean: no prices, no membership query.

    Public (published, cancelled) showtimes are read by id alone; anything else
    goes through :func:`get_showtime` (a draft only its schedulers see, else
    :class:`NotFound`).
    """
    showtime = _SHOWTIME_FOR_SALE.first(pk=showtime_id)
    return showtime or get_showtime(user=user, showtime_id=showtime_id)


#: ``showtime_for_sale``'s lookup, compiled once; it also reads the hall, whose
#: layout version keys the cached seats a hold resolves its codes from.
_SHOWTIME_FOR_SALE = Prepared(
    lambda pk: (
        Showtime.objects.filter(
            pk=pk, status__in=[Showtime.Status.PUBLISHED, Showtime.Status.CANCELLED]
        )
        .select_related("hall")
        .order_by()[:1]
    ),
    pk=int,
)


def showtime_by_id(showtime_id: int) -> Showtime:
    """Any showtime by id with venue, title and hall (callers check what the actor may do)."""
    showtime = (
        Showtime.objects.select_related("venue", "title", "hall").filter(pk=showtime_id).first()
    )
    if showtime is None:
        raise NotFound(TicketingErrorCode.SHOWTIME_NOT_FOUND, f"No showtime {showtime_id}.")
    return showtime


def get_manageable_showtime(*, user: AnyUser | None, showtime_id: int) -> Showtime:
    """A showtime ``user`` schedules; others' are reported as not found (no leak)."""
    showtime = _with_details(manageable_showtimes(user)).filter(pk=showtime_id).first()
    if showtime is None:
        raise NotFound(TicketingErrorCode.SHOWTIME_NOT_FOUND, f"No showtime {showtime_id}.")
    return showtime


def title_by_slug(slug: str) -> Title:
    title = Title.objects.filter(slug=slug).first()
    if title is None:
        raise NotFound(TicketingErrorCode.TITLE_NOT_FOUND, f"No title {slug!r}.")
    return title


def account_by_id(user_id: int) -> User:
    """An active account by id (e.g. the one an invitation is issued to)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound(TicketingErrorCode.USER_NOT_FOUND, f"No account {user_id}.")
    return user


def venue_by_ref(*, venue_id: int | None = None, slug: str | None = None) -> Venue:
    """A venue by id or by slug (exactly one), with its chain and city.

    For scans and settlements, which check access themselves. Raises
    :class:`DomainError` ``venue_required`` (neither or both given) and
    :class:`NotFound` ``venue_not_found``.
    """
    if (venue_id is None) == (slug is None):
        raise DomainError(
            TicketingErrorCode.VENUE_REQUIRED,
            "Name one venue: venue (its slug, as the venues API lists it) or venue_id.",
        )
    venues = Venue.objects.select_related("chain", "city")
    venue = (venues.filter(pk=venue_id) if slug is None else venues.filter(slug=slug)).first()
    if venue is None:
        raise NotFound(TicketingErrorCode.VENUE_NOT_FOUND, f"No venue {slug or venue_id}.")
    return venue


#: Days a report may ask for: anything else is a typo (and would overflow datetimes).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2199, 12, 31)


def local_day_bounds(day: date, time_zone: str) -> tuple[datetime, datetime]:
    """The UTC-comparable instants that start ``day`` and the day after in ``time_zone``.

    Raises :class:`DomainError` ``invalid_date`` for a day outside 2000–2199.
    """
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DomainError(
            TicketingErrorCode.INVALID_DATE,
            f"Choose a day between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}.",
            field="date",
        )
    tz = ZoneInfo(time_zone)
    return (
        datetime.combine(day, time.min, tzinfo=tz),
        datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz),
    )


def local_today(time_zone: str, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(ZoneInfo(time_zone)).date()


def hall_by_id(hall_id: int) -> Hall:
    hall = Hall.objects.select_related("venue", "venue__chain").filter(pk=hall_id).first()
    if hall is None:
        raise NotFound(TicketingErrorCode.HALL_NOT_FOUND, f"No hall {hall_id}.")
    return hall


# --- rounds and interest ----------------------------------------------------------


def list_rounds(
    *, title: str | None = None, open_only: bool = False, now: datetime | None = None
) -> QuerySet[PresaleRound]:
    """Pre-sale rounds (public), by title slug; ``open_only`` keeps those selling now."""
    qs = PresaleRound.objects.select_related("title").prefetch_related("venues", "cities")
    if title:
        qs = qs.filter(title__slug=title)
    if open_only:
        now = now or timezone.now()
        qs = qs.filter(opens_at__lte=now, closes_at__gt=now)
    return qs.order_by("opens_at", "pk")


def get_round(round_id: int) -> PresaleRound:
    found = (
        PresaleRound.objects.select_related("title")
        .prefetch_related("venues", "cities")
        .filter(pk=round_id)
        .first()
    )
    if found is None:
        raise NotFound(TicketingErrorCode.ROUND_NOT_FOUND, f"No pre-sale round {round_id}.")
    return found


def round_usage(*, round_id: int, user: AnyUser | None, now: datetime | None = None) -> int:
    """Seats ``user`` holds or bought in the round, as the per-account limit counts them.

    Holds that expired but were not yet given back are left out: they are
    given back before the next hold is counted.
    """
    if not authenticated(user):
        return 0
    now = now or timezone.now()
    counted = (
        RoundAllowance.objects.filter(round_id=round_id, user=user)
        .values_list("tickets", flat=True)
        .first()
    ) or 0
    stale = (
        Hold.objects.filter(
            round_id=round_id, user=user, status=Hold.Status.ACTIVE, expires_at__lte=now
        ).aggregate(n=Sum("seat_count"))["n"]
        or 0
    )
    return max(counted - stale, 0)


@dataclass(frozen=True)
class Interest:
    """Who wants to see a title: how many accounts, and whether the asking one does."""

    count: int
    mine: bool


def want_to_see(user: AnyUser | None, title: Title) -> Interest:
    """``title``'s want-to-see count and whether ``user`` registered: one query."""
    counts = {"count": Count("pk")}
    if authenticated(user):
        counts["mine"] = Count("pk", filter=Q(user=user))
    found = WantToSee.objects.filter(title=title).aggregate(**counts)
    return Interest(count=found["count"], mine=bool(found.get("mine")))


# --- holds, orders, tickets -------------------------------------------------------


def _hold_queryset() -> QuerySet[Hold]:
    return Hold.objects.select_related("showtime").prefetch_related(
        Prefetch("seats", queryset=Seat.objects.order_by("row", "column"))
    )


def hold_of(*, user: AnyUser | None, hold_id: int) -> Hold:
    """The user's own hold with its seats; anyone else's is :class:`NotFound`."""
    hold = (
        _hold_queryset().filter(pk=hold_id, user=user).order_by().first()
        if authenticated(user)
        else None
    )
    if hold is None:
        raise NotFound(TicketingErrorCode.HOLD_NOT_FOUND, f"No hold {hold_id} of yours.")
    return hold


def _order_queryset() -> QuerySet[Order]:
    return Order.objects.select_related(
        "hold", "showtime", "showtime__title", "showtime__venue", "showtime__hall"
    ).prefetch_related("lines__seat")


def orders_of(user: AnyUser | None) -> QuerySet[Order]:
    """The user's orders, newest first."""
    if not authenticated(user):
        return Order.objects.none()
    return _order_queryset().filter(user=user).order_by("-created_at", "-pk")


def order_of(*, user: AnyUser | None, order_id: int) -> Order:
    """The user's own order with lines; anyone else's is :class:`NotFound`."""
    order = orders_of(user).filter(pk=order_id).order_by().first()
    if order is None:
        raise NotFound(TicketingErrorCode.ORDER_NOT_FOUND, f"No order {order_id} of yours.")
    return order


def order_tickets_for_owner_or_admin(*, user: AnyUser | None, order_id: int) -> list[Ticket]:
    """The tickets of the user's own order (empty until it is paid); admins see any order's."""
    owned = _owners_or_admins(Order.objects.filter(pk=order_id).values_list("pk"), user)
    if not owned:
        raise NotFound(TicketingErrorCode.ORDER_NOT_FOUND, f"No order {order_id} of yours.")
    return _ORDER_TICKETS.rows(order_id=order_id)


#: An order's tickets with what a ticket's response shows (compiled once).
_ORDER_TICKETS = Prepared(
    lambda order_id: (
        Ticket.objects.filter(order_id=order_id)
        .select_related(
            "seat", "line", "showtime", "showtime__title", "showtime__venue", "showtime__hall"
        )
        .order_by("seat__row", "seat__column")
    ),
    order_id=int,
)


def _owners_or_admins(queryset: QuerySet, user: AnyUser | None) -> Any:
    """The first row of ``queryset`` if ``user`` owns it or is an admin, else ``None``.

    The owner's read comes first: a buyer (the hot path) costs no membership query.
    """
    if not authenticated(user):
        return None
    found = queryset.filter(user=user).order_by().first()
    if found is None and is_admin(user):
        found = queryset.order_by().first()
    return found


def order_for_owner_or_admin(*, user: AnyUser | None, order_id: int) -> Order:
    """The order for its owner (or an admin, e.g. support refunding for a buyer)."""
    order = _owners_or_admins(_order_queryset().filter(pk=order_id), user)
    if order is None:
        raise NotFound(TicketingErrorCode.ORDER_NOT_FOUND, f"No order {order_id} of yours.")
    return order


def _ticket_details(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return qs.select_related(
        "seat",
        "line__order",  # the line's money is in its order's currency
        "order",
        "showtime",
        "showtime__title",
        "showtime__venue",
        "showtime__hall",
    )


def ticket_for_owner_or_admin(*, user: AnyUser | None, ticket_id: int) -> Ticket:
    """A ticket for the owner of its order (or an admin); anyone else's is :class:`NotFound`."""
    qs = _ticket_details(Ticket.objects.all())
    if not authenticated(user):
        qs = qs.none()
    elif not is_admin(user):
        qs = qs.filter(order__user=user)
    ticket = qs.filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound(TicketingErrorCode.TICKET_NOT_FOUND, f"No ticket {ticket_id} of yours.")
    return ticket


def tickets_of(order: Order, *, active_only: bool = False) -> list[Ticket]:
    """The tickets of ``order`` in seat order, with seat, line and showtime details."""
    qs = _ticket_details(Ticket.objects.filter(order=order))
    if active_only:
        qs = qs.filter(status__in=Ticket.ACTIVE_STATUSES)
    return list(qs.order_by("seat__row", "seat__column", "pk"))


# --- door scans -------------------------------------------------------------------


@dataclass(frozen=True)
class ScanSummary:
    venue_id: int
    day: date
    time_zone: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def admitted(self) -> int:
        return self.counts.get(Scan.Verdict.VALID, 0)


def scan_summary(*, venue: Venue, day: date) -> ScanSummary:
    """How many scans of each verdict ``venue``'s doors recorded on ``day`` (its local day).

    The caller checks :func:`can_check_in`. Every verdict is present (0 when none).
    """
    start, end = local_day_bounds(day, venue.time_zone)
    counts = dict.fromkeys(Scan.Verdict.values, 0)
    for verdict, n in (
        Scan.objects.filter(venue=venue, at__gte=start, at__lt=end)
        .order_by()
        .values_list("verdict")
        .annotate(n=Count("pk"))
    ):
        counts[verdict] = n
    return ScanSummary(venue_id=venue.pk, day=day, time_zone=venue.time_zone, counts=counts)
