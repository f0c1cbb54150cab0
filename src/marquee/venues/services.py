"""Writes of the venues domain: venues, halls and their seat layouts.

Every function takes the acting user as ``actor`` and checks that it may act on
the venue's chain — an administrator or a cinema operator of the chain's
organisation — raising :class:`PermissionDenied` otherwise. Trusted internal
callers (the demo loader, management commands) pass :data:`SYSTEM` instead.
Each write runs in one transaction and changes nothing when it raises.
"""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from typing import Any, Final

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.text import slugify

from marquee.accounts.models import User
from marquee.accounts.permissions import is_admin
from marquee.core.errors import Conflict, DomainError, PermissionDenied
from marquee.core.money import is_supported_currency
from marquee.places.models import City
from marquee.venues.errors import VenuesErrorCode
from marquee.venues.layouts import Layout, parse_layout, seat_code
from marquee.venues.models import Chain, Hall, Seat, Venue
from marquee.venues.queries import can_manage_chain


class _System:
    """The actor of trusted internal callers; never derived from a request."""

    def __repr__(self) -> str:
        return "SYSTEM"


#: Pass as ``actor`` from trusted code only (demo loader, management commands).
SYSTEM: Final = _System()

Actor = User | _System

_SEAT_BATCH = 1000


def _require_chain_manager(actor: Actor, chain: Chain) -> None:
    if actor is SYSTEM:
        return
    if not isinstance(actor, User) or not can_manage_chain(actor, chain):
        raise PermissionDenied(
            VenuesErrorCode.NOT_VENUE_MANAGER,
            f"Only operators of {chain.name_en} or administrators may change its venues.",
        )


def _as_layout(layout: dict[str, Any] | Layout) -> Layout:
    return layout if isinstance(layout, Layout) else parse_layout(layout)


def _insert_seats(hall: Hall, layout: Layout) -> None:
    """Bulk-create the seats of ``layout`` in ``hall``, then link couple partners.

    Partners are linked by a second pass keyed by seat code, so it does not
    depend on the database returning primary keys from a bulk insert.
    """
    Seat.objects.bulk_create(
        [
            Seat(
                hall=hall,
                row=spec.row,
                column=spec.column,
                row_label=spec.row_label,
                number=spec.number,
                kind=spec.type,
            )
            for spec in layout.seats
        ],
        batch_size=_SEAT_BATCH,
    )
    couples = [spec for spec in layout.seats if spec.pair]
    if not couples:
        return
    id_by_code = {
        seat_code(label, number): pk
        for pk, label, number in Seat.objects.filter(hall=hall).values_list(
            "pk", "row_label", "number"
        )
    }
    updates = [
        Seat(pk=id_by_code[spec.code], partner_id=id_by_code[spec.pair])
        for spec in couples
        if spec.pair is not None
    ]
    Seat.objects.bulk_update(updates, ["partner"], batch_size=_SEAT_BATCH)


def _apply_grid(hall: Hall, layout: Layout) -> None:
    hall.name = layout.name
    hall.rows = layout.rows
    hall.columns = layout.columns
    hall.screen_side = layout.screen
    hall.aisles_after_rows = list(layout.aisles_after_rows)
    hall.aisles_after_columns = list(layout.aisles_after_columns)
    hall.formats = list(layout.formats)
    hall.seat_count = layout.seat_count


def _hall_name_taken(venue: Venue, name: str, *, exclude: int | None = None) -> bool:
    qs = Hall.objects.filter(venue=venue, name=name)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def create_hall(*, venue: Venue, layout: dict[str, Any] | Layout, actor: Actor) -> Hall:
    """Create a hall of ``venue`` from a layout (a JSON dict or a parsed :class:`Layout`).

    The hall's name is the layout's ``name``. Raises :class:`PermissionDenied`
    (``not_venue_manager``) unless ``actor`` manages the venue's chain,
    :class:`~marquee.venues.layouts.InvalidLayout` listing every problem of the
    layout, and :class:`Conflict` (``hall_name_taken``) when the venue already
    has a hall of that name.
    """
    _require_chain_manager(actor, venue.chain)
    parsed = _as_layout(layout)
    try:
        with transaction.atomic():
            if _hall_name_taken(venue, parsed.name):
                raise _name_taken(venue, parsed.name)
            hall = Hall(venue=venue)
            _apply_grid(hall, parsed)
            hall.save()
            _insert_seats(hall, parsed)
    except IntegrityError as exc:
        # A concurrent create of the same name loses on hall_unique_name.
        if _hall_name_taken(venue, parsed.name):
            raise _name_taken(venue, parsed.name) from exc
        raise
    return hall


def _name_taken(venue: Venue, name: str) -> Conflict:
    return Conflict(
        VenuesErrorCode.HALL_NAME_TAKEN,
        f"{venue.name_en} already has a hall named {name!r}.",
    )


def replace_hall_layout(*, hall: Hall, layout: dict[str, Any] | Layout, actor: Actor) -> Hall:
    """Replace every seat of ``hall`` by ``layout``; bumps ``layout_version``.

    The layout's ``name`` renames the hall. Raises :class:`PermissionDenied`
    unless ``actor`` manages the chain, ``InvalidLayout`` for a bad layout,
    :class:`Conflict` ``layout_locked`` once ticketing has locked the hall (seat
    inventory refers to its seats), and ``hall_name_taken`` when the new name
    belongs to another hall of the venue.

    The hall row is locked (``SELECT … FOR UPDATE``) before ``layout_locked`` is
    read; ticketing sets the flag with an UPDATE of the same row in the
    transaction that creates inventory, so the two serialise.
    """
    _require_chain_manager(actor, hall.venue.chain)
    parsed = _as_layout(layout)
    with transaction.atomic():
        current = Hall.objects.select_for_update().get(pk=hall.pk)
        if current.layout_locked:
            raise _locked(current)
        if _hall_name_taken(current.venue, parsed.name, exclude=current.pk):
            raise _name_taken(current.venue, parsed.name)
        try:
            with transaction.atomic():
                # Unlink partners first: deleting a pair would otherwise SET_NULL row by row.
                Seat.objects.filter(hall=current).update(partner=None)
                Seat.objects.filter(hall=current).delete()
        except (ProtectedError, RestrictedError) as exc:
            # Something (ticketing inventory) still refers to these seats although
            # the hall was not flagged; refuse rather than break the references.
            raise _locked(current) from exc
        _apply_grid(current, parsed)
        current.layout_version += 1
        current.save()
        _insert_seats(current, parsed)
    for field in (
        "name",
        "rows",
        "columns",
        "screen_side",
        "aisles_after_rows",
        "aisles_after_columns",
        "formats",
        "seat_count",
        "layout_version",
    ):
        setattr(hall, field, getattr(current, field))
    return hall


def _locked(hall: Hall) -> Conflict:
    return Conflict(
        VenuesErrorCode.LAYOUT_LOCKED,
        f"The layout of {hall.name} is locked: tickets exist or can be sold for its seats. "
        "Create a new hall instead.",
    )


def lock_hall_layout(*, hall_id: int) -> None:
    """Freeze the hall's layout (ticketing calls this before creating seat inventory).

    Must run inside the caller's transaction, before it reads the seats: the
    UPDATE takes the hall's row lock, so a concurrent
    :func:`replace_hall_layout` either finished before (and the caller reads
    the new seats) or sees the flag and refuses. Idempotent; no permission
    check (internal).
    """
    Hall.objects.filter(pk=hall_id, layout_locked=False).update(layout_locked=True)


def unlock_hall_layout(*, hall: Hall, actor: Actor) -> Hall:
    """Allow the layout to be replaced again (admins only, e.g. after all showtimes ended).

    The caller is responsible for no inventory referring to the seats any more;
    :func:`replace_hall_layout` still refuses while references exist.
    """
    if actor is not SYSTEM and not (isinstance(actor, User) and is_admin(actor)):
        raise PermissionDenied(
            VenuesErrorCode.NOT_VENUE_MANAGER, "Only administrators may unlock a layout."
        )
    Hall.objects.filter(pk=hall.pk).update(layout_locked=False)
    hall.layout_locked = False
    return hall


# --- venues ------------------------------------------------------------------

_VENUE_TEXT_FIELDS = {
    "name_en": 200,
    "name_zh_hans": 200,
    "name_zh_hant": 200,
    "address_en": 300,
    "address_zh_hans": 300,
    "address_zh_hant": 300,
    "district_en": 100,
    "district_zh_hans": 100,
    "district_zh_hant": 100,
}
#: Coordinates (WGS 84 degrees): field → the largest magnitude allowed.
_COORDINATE_BOUNDS = {"latitude": 90, "longitude": 180}


def check_venue_fields(values: dict[str, Any]) -> None:
    """Raise :class:`DomainError` (``invalid_venue``) listing every bad value in ``values``.

    Pure (no database); the admin form calls it to show the same errors.
    """
    problems: list[str] = []
    for field, limit in _VENUE_TEXT_FIELDS.items():
        if field in values and len(values[field]) > limit:
            problems.append(f"{field} is longer than {limit} characters")
    if "name_en" in values and not values["name_en"].strip():
        problems.append("name_en is required")
    if "time_zone" in values:
        try:
            zoneinfo.ZoneInfo(values["time_zone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problems.append(f"time_zone {values['time_zone']!r} is not a known IANA zone")
    for field, bound in _COORDINATE_BOUNDS.items():
        value = values.get(field)
        if value is not None and not (
            isinstance(value, Decimal) and value.is_finite() and -bound <= value <= bound
        ):
            problems.append(f"{field} must be a Decimal from -{bound} to {bound}")
    if "currency" in values and not is_supported_currency(values["currency"]):
        problems.append(f"currency {values['currency']!r} is not a supported ISO 4217 code")
    if problems:
        raise DomainError(
            VenuesErrorCode.INVALID_VENUE, "The venue was refused: " + "; ".join(problems) + "."
        )


def create_venue(
    *,
    chain: Chain,
    city: City,
    slug: str,
    name_en: str,
    actor: Actor,
    name_zh_hans: str = "",
    name_zh_hant: str = "",
    address_en: str = "",
    address_zh_hans: str = "",
    address_zh_hant: str = "",
    kind: str = Venue.Kind.CINEMA,
    time_zone: str | None = None,
    currency: str | None = None,
    refund_cutoff_minutes: int = 60,
    refund_fee_minor: int = 0,
    exchange_allowed: bool = True,
    is_active: bool = True,
) -> Venue:
    """Create a venue of ``chain`` in ``city``; zone and currency default to the city's.

    Raises :class:`PermissionDenied` unless ``actor`` manages ``chain``,
    :class:`Conflict` (``venue_slug_taken``) for a used slug and
    :class:`DomainError` (``invalid_venue``) for bad fields.
    """
    _require_chain_manager(actor, chain)
    values: dict[str, Any] = {
        "name_en": name_en.strip(),
        "name_zh_hans": name_zh_hans.strip(),
        "name_zh_hant": name_zh_hant.strip(),
        "address_en": address_en.strip(),
        "address_zh_hans": address_zh_hans.strip(),
        "address_zh_hant": address_zh_hant.strip(),
        "time_zone": time_zone or city.time_zone,
        "currency": currency or city.currency,
    }
    check_venue_fields(values)
    if kind not in Venue.Kind.values:
        raise DomainError(VenuesErrorCode.INVALID_VENUE, f"kind {kind!r} is not a venue kind.")
    if slugify(slug) != slug or not slug or len(slug) > 120:
        raise DomainError(
            VenuesErrorCode.INVALID_VENUE,
            f"slug {slug!r} must be lower-case letters, digits and hyphens (at most 120).",
        )
    if refund_cutoff_minutes < 0 or refund_fee_minor < 0:
        raise DomainError(
            VenuesErrorCode.INVALID_VENUE, "Refund cutoff and fee cannot be negative."
        )
    try:
        with transaction.atomic():
            if Venue.objects.filter(slug=slug).exists():
                raise Conflict(VenuesErrorCode.VENUE_SLUG_TAKEN, f"The slug {slug!r} is taken.")
            return Venue.objects.create(
                chain=chain,
                city=city,
                slug=slug,
                kind=kind,
                refund_cutoff_minutes=refund_cutoff_minutes,
                refund_fee_minor=refund_fee_minor,
                exchange_allowed=exchange_allowed,
                is_active=is_active,
                **values,
            )
    except IntegrityError as exc:
        raise Conflict(VenuesErrorCode.VENUE_SLUG_TAKEN, f"The slug {slug!r} is taken.") from exc


#: A venue's settings beside its names and place, in the order the forms show them.
VENUE_SETTING_FIELDS = (
    "time_zone",
    "currency",
    "refund_cutoff_minutes",
    "refund_fee_minor",
    "exchange_allowed",
    "is_active",
)

#: Fields :func:`update_venue` may change (chain and slug are fixed once created).
UPDATABLE_VENUE_FIELDS = frozenset(
    {*_VENUE_TEXT_FIELDS, "city", "kind", *VENUE_SETTING_FIELDS, *_COORDINATE_BOUNDS}
)


def update_venue(*, venue: Venue, actor: Actor, **changes: Any) -> Venue:
    """Change some of :data:`UPDATABLE_VENUE_FIELDS` of ``venue``.

    Raises :class:`PermissionDenied` unless ``actor`` manages the venue's chain
    and :class:`DomainError` (``invalid_venue``) for an unknown field or a bad value.
    """
    _require_chain_manager(actor, venue.chain)
    unknown = set(changes) - UPDATABLE_VENUE_FIELDS
    if unknown:
        raise DomainError(
            VenuesErrorCode.INVALID_VENUE,
            "These venue fields cannot be changed here: " + ", ".join(sorted(unknown)) + ".",
        )
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()}
    check_venue_fields(values)
    if "kind" in values and values["kind"] not in Venue.Kind.values:
        raise DomainError(VenuesErrorCode.INVALID_VENUE, f"kind {values['kind']!r} is unknown.")
    for field in ("refund_cutoff_minutes", "refund_fee_minor"):
        if field in values and (not isinstance(values[field], int) or values[field] < 0):
            raise DomainError(VenuesErrorCode.INVALID_VENUE, f"{field} must be a whole number ≥ 0.")
    if "city" in values and not isinstance(values["city"], City):
        raise DomainError(VenuesErrorCode.INVALID_VENUE, "city must be a City.")
    if not values:
        return venue
    with transaction.atomic():
        for field, value in values.items():
            setattr(venue, field, value)
        venue.save(update_fields=sorted(values))
    return venue
