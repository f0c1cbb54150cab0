"""Settlement: a venue's box office for one local day, split between fund, taxes, cinema and distributor.

A showtime counts on the day it starts in the venue's time zone. For each
title shown that day (cancelled showtimes left out):

* **tickets**: tickets that still admit (valid or used) — net of refunds and exchanges;
* **gross box office** G: the seat prices of those tickets (platform service fees excluded);
* the territory's deductions off the gross: **film fund** and **taxes**;
* **net box office** N = G − fund − taxes, shared: **cinema share** (``cinema_share`` of N)
  and **distributor share** (the rest);
* **service fees**: the platform's fees on those tickets, kept apart (not box office);
* **refund fees**: venue refund fees kept on that day's refunded tickets, outside the split;
* **vouchers** by who funds them (``Order.discount_payer``): the seat price stays the list
  price, so the split is of the gross at list price; a **cinema**-funded discount then comes
  off the cinema's share, a **distributor**-funded one off the distributor's, and a
  **platform**-funded one off neither (the platform pays it as a subsidy). The buyers paid
  G − all discounts; buyers + platform subsidy + cinema- and distributor-funded discounts = G.

The split is one exact allocation (:meth:`marquee.core.money.Money.allocate`,
largest remainder) of G in the ratios ``fund : tax : (1 − fund − tax)·share :
(1 − fund − tax)·(1 − share)``, so fund + taxes + cinema + distributor equals
the gross to the minor unit, always. The venue total is the sum of the title
lines. Rates come from :class:`~marquee.ticketing.models.SettlementRule` (per
territory, built-in defaults when missing) overridden field by field by a
:class:`~marquee.ticketing.models.TitleSettlementRule`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum

from marquee.accounts.models import Role, User
from marquee.accounts.permissions import has_role
from marquee.catalog.models import Title
from marquee.core.errors import Conflict, DomainError, PermissionDenied
from marquee.core.models import OutboxEvent
from marquee.core.money import Money, sum_money
from marquee.places.models import Territory
from marquee.ticketing import events
from marquee.ticketing.discounts import PAYERS
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import (
    OrderRefund,
    SettlementRule,
    Showtime,
    Ticket,
    TitleSettlementRule,
)
from marquee.ticketing.permissions import can_view_settlement
from marquee.ticketing.queries import local_day_bounds
from marquee.venues.models import Venue


@dataclass(frozen=True)
class Rates:
    """Settlement rates as exact fractions (``Decimal("0.05")`` is 5 %)."""

    film_fund_rate: Decimal
    tax_rate: Decimal
    cinema_share: Decimal

    @property
    def distributor_share(self) -> Decimal:
        return Decimal(1) - self.cinema_share


#: Built-in rates for territories without a SettlementRule row: mainland China's
#: 5 % film fund (国家电影事业发展专项资金) and 3.3 % taxes and surcharges, 57 % of net
#: to the cinema; Hong Kong and Macau have no film levy, 55 % to the cinema.
DEFAULT_RATES: dict[str, Rates] = {
    Territory.CN: Rates(Decimal("0.05"), Decimal("0.033"), Decimal("0.57")),
    Territory.HK: Rates(Decimal("0"), Decimal("0"), Decimal("0.55")),
    Territory.MO: Rates(Decimal("0"), Decimal("0"), Decimal("0.55")),
}
FALLBACK_RATES = Rates(Decimal("0"), Decimal("0"), Decimal("0.5"))


@dataclass(frozen=True)
class Split:
    """One exact split of a gross: the four parts add up to ``gross``."""

    gross: Money
    film_fund: Money
    taxes: Money
    cinema_share: Money
    distributor_share: Money

    @property
    def net(self) -> Money:
        return self.cinema_share + self.distributor_share


def split_gross(gross: Money, rates: Rates) -> Split:
    """Split ``gross`` into fund, taxes, cinema and distributor exactly (they sum to ``gross``)."""
    net_ratio = Decimal(1) - rates.film_fund_rate - rates.tax_rate
    ratios = [
        rates.film_fund_rate,
        rates.tax_rate,
        net_ratio * rates.cinema_share,
        net_ratio * rates.distributor_share,
    ]
    fund, taxes, cinema, distributor = gross.allocate(ratios)
    return Split(gross, fund, taxes, cinema, distributor)


@dataclass(frozen=True)
class SettlementLine:
    """One title's figures for the day (or the venue total when ``title_id`` is None)."""

    title_id: int | None
    title_slug: str
    title: str
    showtimes: int
    tickets: int
    gross: Money
    film_fund: Money
    taxes: Money
    net: Money
    cinema_share: Money
    distributor_share: Money
    service_fees: Money
    refund_fees: Money
    rates: Rates | None
    voucher_platform: Money
    voucher_distributor: Money
    voucher_cinema: Money

    @property
    def paid_by_buyers(self) -> Money:
        """The seat prices the buyers paid: the gross less every voucher discount."""
        return self.gross - self.voucher_platform - self.voucher_distributor - self.voucher_cinema

    @property
    def cinema_net(self) -> Money:
        """The cinema's share less the discounts it funds."""
        return self.cinema_share - self.voucher_cinema

    @property
    def distributor_net(self) -> Money:
        """The distributor's share less the discounts it funds."""
        return self.distributor_share - self.voucher_distributor

    def amounts(self) -> dict[str, Money]:
        return {
            "gross": self.gross,
            "film_fund": self.film_fund,
            "taxes": self.taxes,
            "net": self.net,
            "cinema_share": self.cinema_share,
            "distributor_share": self.distributor_share,
            "service_fees": self.service_fees,
            "refund_fees": self.refund_fees,
            "voucher_platform": self.voucher_platform,
            "voucher_distributor": self.voucher_distributor,
            "voucher_cinema": self.voucher_cinema,
            "cinema_net": self.cinema_net,
            "distributor_net": self.distributor_net,
        }


@dataclass(frozen=True)
class Settlement:
    venue_id: int
    venue_slug: str
    venue_name: str
    territory: str
    day: date
    time_zone: str
    currency: str
    lines: list[SettlementLine]
    total: SettlementLine


def rates_for(*, territory: str, title_ids: list[int]) -> tuple[Rates, dict[int, Rates]]:
    """The territory's rates and each title's (its own rule over the territory's, field by field)."""
    row = SettlementRule.objects.filter(territory=territory).first()
    base = (
        Rates(row.film_fund_rate, row.tax_rate, row.cinema_share)
        if row is not None
        else DEFAULT_RATES.get(territory, FALLBACK_RATES)
    )
    overrides: dict[int, dict[str, TitleSettlementRule]] = {}
    for rule in TitleSettlementRule.objects.filter(
        title_id__in=title_ids, territory__in=[territory, ""]
    ):
        overrides.setdefault(rule.title_id, {})[rule.territory] = rule
    per_title = {}
    for title_id in title_ids:
        rules = overrides.get(title_id, {})
        values = {}
        for name in ("film_fund_rate", "tax_rate", "cinema_share"):
            value = getattr(base, name)
            for rule in (rules.get(""), rules.get(territory)):  # the territory's own row wins
                if rule is not None and getattr(rule, name) is not None:
                    value = getattr(rule, name)
            values[name] = value
        rates = Rates(**values)
        if rates.film_fund_rate + rates.tax_rate > 1:  # a title rule mixed with a territory's
            rates = Rates(
                rates.film_fund_rate, Decimal(1) - rates.film_fund_rate, rates.cinema_share
            )
        per_title[title_id] = rates
    return base, per_title


def settlement_for(*, venue: Venue, day: date, actor: User) -> Settlement:
    """``venue``'s settlement for the local ``day``: a line per title and the venue total.

    Visible to the venue's cinema operators, distribution staff and admins:
    :class:`PermissionDenied` ``not_settlement_viewer`` for anyone else. See
    the module docstring for the figures; all amounts are in the venue's
    currency and every split adds up exactly.
    """
    if not can_view_settlement(actor, venue):
        raise PermissionDenied(
            TicketingErrorCode.NOT_SETTLEMENT_VIEWER,
            "A cinema's settlement is for its operators and distribution staff.",
        )
    return compute_settlement(venue=venue, day=day)


def compute_settlement(*, venue: Venue, day: date) -> Settlement:
    """:func:`settlement_for` without the visibility check (the caller has checked)."""
    currency = venue.currency
    territory = venue.city.territory
    start, end = local_day_bounds(day, venue.time_zone)
    showtimes = Showtime.objects.filter(
        venue=venue, starts_at__gte=start, starts_at__lt=end, status=Showtime.Status.PUBLISHED
    )
    shows = dict(
        showtimes.order_by()
        .values_list("title_id")
        .annotate(n=Count("pk"))
        .values_list("title_id", "n")
    )
    sold = {
        row["showtime__title_id"]: row
        for row in Ticket.objects.filter(showtime__in=showtimes, status__in=Ticket.ACTIVE_STATUSES)
        .order_by()
        .values("showtime__title_id")
        .annotate(n=Count("pk"), gross=Sum("line__price_minor"), fees=Sum("line__fee_minor"))
    }
    kept = dict(
        OrderRefund.objects.filter(order__showtime__in=showtimes)
        .order_by()
        .values_list("order__showtime__title_id")
        .annotate(k=Sum("fee_minor"))
        .values_list("order__showtime__title_id", "k")
    )
    vouchers: dict[tuple[int, str], int] = {
        (row["showtime__title_id"], row["order__discount_payer"]): row["off"]
        for row in Ticket.objects.filter(
            showtime__in=showtimes, status__in=Ticket.ACTIVE_STATUSES, line__discount_minor__gt=0
        )
        .order_by()
        .values("showtime__title_id", "order__discount_payer")
        .annotate(off=Sum("line__discount_minor"))
    }
    title_ids = sorted(set(shows) | set(sold))
    titles = {t.pk: t for t in Title.objects.filter(pk__in=title_ids)}
    _, rates = rates_for(territory=territory, title_ids=title_ids)
    lines = []
    for title_id in sorted(title_ids, key=lambda pk: (titles[pk].title_en, pk)):
        row = sold.get(title_id, {})
        split = split_gross(Money(int(row.get("gross") or 0), currency), rates[title_id])
        lines.append(
            SettlementLine(
                title_id=title_id,
                title_slug=titles[title_id].slug,
                title=titles[title_id].title,
                showtimes=shows.get(title_id, 0),
                tickets=int(row.get("n") or 0),
                gross=split.gross,
                film_fund=split.film_fund,
                taxes=split.taxes,
                net=split.net,
                cinema_share=split.cinema_share,
                distributor_share=split.distributor_share,
                service_fees=Money(int(row.get("fees") or 0), currency),
                refund_fees=Money(int(kept.get(title_id) or 0), currency),
                rates=rates[title_id],
                **{
                    f"voucher_{payer}": Money(vouchers.get((title_id, payer), 0), currency)
                    for payer in PAYERS
                },
            )
        )
    return Settlement(
        venue_id=venue.pk,
        venue_slug=venue.slug,
        venue_name=venue.name,
        territory=territory,
        day=day,
        time_zone=venue.time_zone,
        currency=currency,
        lines=lines,
        total=total_line(lines, currency),
    )


def total_line(lines: list[SettlementLine], currency: str) -> SettlementLine:
    """The venue total: every figure summed over the title lines."""

    def add(name: str) -> Money:
        return sum_money((getattr(line, name) for line in lines), currency=currency)

    return SettlementLine(
        title_id=None,
        title_slug="",
        title="",
        showtimes=sum(line.showtimes for line in lines),
        tickets=sum(line.tickets for line in lines),
        gross=add("gross"),
        film_fund=add("film_fund"),
        taxes=add("taxes"),
        net=add("net"),
        cinema_share=add("cinema_share"),
        distributor_share=add("distributor_share"),
        service_fees=add("service_fees"),
        refund_fees=add("refund_fees"),
        rates=None,
        **{f"voucher_{payer}": add(f"voucher_{payer}") for payer in PAYERS},
    )


#: The voucher columns (the CSV's last ones, so readers of the older columns are unchanged).
VOUCHER_COLUMNS = [
    "voucher_platform",
    "voucher_distributor",
    "voucher_cinema",
    "cinema_net",
    "distributor_net",
]
CSV_COLUMNS = [
    "date",
    "venue",
    "currency",
    "title",
    "showtimes",
    "tickets",
    "gross_box_office",
    "film_fund",
    "taxes",
    "net_box_office",
    "cinema_share",
    "distributor_share",
    "service_fees",
    "refund_fees",
    "film_fund_rate",
    "tax_rate",
    "cinema_share_rate",
    *VOUCHER_COLUMNS,
]


def _rate_text(rate: Decimal) -> str:
    return format(rate.normalize(), "f")


def _cell(text: str) -> str:
    # A cell a spreadsheet would run as a formula is shown as text instead.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def settlement_csv(settlement: Settlement) -> str:
    """The settlement as CSV: one row per title and a TOTAL row; amounts in major units."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)

    def row(line: SettlementLine, title: str) -> list[Any]:
        amounts = line.amounts()
        rates = line.rates
        return [
            settlement.day.isoformat(),
            _cell(settlement.venue_name),
            settlement.currency,
            _cell(title),
            line.showtimes,
            line.tickets,
            *(
                str(amounts[k].to_decimal())
                for k in (
                    "gross",
                    "film_fund",
                    "taxes",
                    "net",
                    "cinema_share",
                    "distributor_share",
                    "service_fees",
                    "refund_fees",
                )
            ),
            _rate_text(rates.film_fund_rate) if rates else "",
            _rate_text(rates.tax_rate) if rates else "",
            _rate_text(rates.cinema_share) if rates else "",
            *(str(amounts[k].to_decimal()) for k in VOUCHER_COLUMNS),
        ]

    for line in settlement.lines:
        writer.writerow(row(line, line.title))
    writer.writerow(row(settlement.total, "TOTAL"))
    return out.getvalue()


# --- configuring the rules --------------------------------------------------------


def _require_rule_editor(actor: User) -> None:
    if not has_role(actor, Role.DISTRIBUTION):
        raise PermissionDenied(
            TicketingErrorCode.NOT_DISTRIBUTION_STAFF,
            "Settlement rules are set by distribution staff and admins.",
        )


def _rate(value: Any, name: str, *, optional: bool = False) -> Decimal | None:
    if value is None and optional:
        return None
    if isinstance(value, float | bool) or value is None:
        raise DomainError(
            TicketingErrorCode.INVALID_SETTLEMENT_RULE,
            f'{name} is a fraction from 0 to 1 given as a Decimal or a string, e.g. "0.05".',
            field=name,
        )
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError):
        rate = Decimal("NaN")
    if not rate.is_finite() or not 0 <= rate <= 1 or rate != rate.quantize(Decimal("0.00001")):
        raise DomainError(
            TicketingErrorCode.INVALID_SETTLEMENT_RULE,
            f"{name} is a fraction from 0 to 1 with at most 5 decimals, e.g. 0.05 for 5 %.",
            field=name,
        )
    return rate


def _territory(value: str, *, blank: bool = False) -> str:
    if (blank and value == "") or value in Territory.values:
        return value
    raise DomainError(
        TicketingErrorCode.INVALID_SETTLEMENT_RULE,
        f"{value!r} is not a territory; use one of {', '.join(Territory.values)}.",
        field="territory",
    )


def set_settlement_rule(
    *, actor: User | None, territory: str, film_fund_rate: Any, tax_rate: Any, cinema_share: Any
) -> SettlementRule:
    """Create or replace a territory's rates (distribution staff and admins; ``None`` = system).

    Rates are fractions (``"0.05"`` is 5 %); fund + taxes may not exceed 1.
    Raises :class:`PermissionDenied` and :class:`DomainError` ``invalid_settlement_rule``.
    """
    if actor is not None:
        _require_rule_editor(actor)
    territory = _territory(territory)
    fund = _rate(film_fund_rate, "film_fund_rate")
    tax = _rate(tax_rate, "tax_rate")
    share = _rate(cinema_share, "cinema_share")
    assert fund is not None and tax is not None  # noqa: S101 - not optional above
    if fund + tax > 1:
        raise DomainError(
            TicketingErrorCode.INVALID_SETTLEMENT_RULE,
            "Film fund and taxes together cannot exceed the gross.",
            field="tax_rate",
        )
    with transaction.atomic():
        rule, _ = SettlementRule.objects.update_or_create(
            territory=territory,
            defaults={"film_fund_rate": fund, "tax_rate": tax, "cinema_share": share},
        )
    return rule


def set_title_settlement_rule(
    *,
    actor: User | None,
    title: Title,
    territory: str = "",
    film_fund_rate: Any = None,
    tax_rate: Any = None,
    cinema_share: Any = None,
) -> TitleSettlementRule:
    """Create or replace a title's own rates (empty ``territory``: everywhere; ``None`` rates: the territory's).

    Raises :class:`PermissionDenied` and :class:`DomainError` ``invalid_settlement_rule``.
    """
    if actor is not None:
        _require_rule_editor(actor)
    territory = _territory(territory, blank=True)
    values = {
        "film_fund_rate": _rate(film_fund_rate, "film_fund_rate", optional=True),
        "tax_rate": _rate(tax_rate, "tax_rate", optional=True),
        "cinema_share": _rate(cinema_share, "cinema_share", optional=True),
    }
    fund, tax = values["film_fund_rate"], values["tax_rate"]
    if fund is not None and tax is not None and fund + tax > 1:
        raise DomainError(
            TicketingErrorCode.INVALID_SETTLEMENT_RULE,
            "Film fund and taxes together cannot exceed the gross.",
            field="tax_rate",
        )
    with transaction.atomic():
        rule, _ = TitleSettlementRule.objects.update_or_create(
            title=title, territory=territory, defaults=values
        )
    return rule


#: The outbox aggregate of a paid settlement; its id is ``"<venue id>:<day>"``.
SETTLEMENT_AGGREGATE = "settlement"


def mark_settlement_paid(*, venue: Venue, day: date, actor: User) -> dict[str, Any]:
    """Record that ``venue``'s box office for the local ``day`` was paid out to the cinema.

    What is owed is the cinema's money the platform collected as its agent:
    the gross box office (list prices) of the day's tickets that still admit
    plus the refund fees the cinema kept (``amount_minor``). What is paid out
    (``paid_out_minor``) is that less the voucher discounts the cinema and the
    distributor fund, which settle their receivables in the ledger. Publishes ``ticketing.settlement_paid``
    (the finance ledger posts it) with the per-title split, so the
    distributor's share can be booked. Finance staff and admins only
    (:class:`PermissionDenied` ``not_settlement_payer``); a day is paid once
    (``settlement_already_paid``, 409). Returns the event's payload.
    """
    if not has_role(actor, Role.FINANCE):
        raise PermissionDenied(
            TicketingErrorCode.NOT_SETTLEMENT_PAYER, "Only finance staff pay settlements."
        )
    key = f"{venue.pk}:{day.isoformat()}"
    with transaction.atomic():
        # The venue row serialises payments of its days: one payment per day.
        Venue.objects.select_for_update().filter(pk=venue.pk).first()
        if OutboxEvent.objects.filter(
            type=events.SETTLEMENT_PAID, aggregate=SETTLEMENT_AGGREGATE, aggregate_id=key
        ).exists():
            raise Conflict(
                TicketingErrorCode.SETTLEMENT_ALREADY_PAID,
                f"The settlement of {day.isoformat()} was paid already.",
                venue_id=venue.pk,
                day=day.isoformat(),
            )
        settlement = compute_settlement(venue=venue, day=day)
        total = settlement.total
        payload = {
            "venue_id": venue.pk,
            "day": day.isoformat(),
            "currency": settlement.currency,
            "amount_minor": total.gross.minor + total.refund_fees.minor,
            "gross_minor": total.gross.minor,
            "refund_fees_minor": total.refund_fees.minor,
            "voucher_cinema_minor": total.voucher_cinema.minor,
            "voucher_distributor_minor": total.voucher_distributor.minor,
            "voucher_platform_minor": total.voucher_platform.minor,
            "paid_out_minor": total.gross.minor
            + total.refund_fees.minor
            - total.voucher_cinema.minor
            - total.voucher_distributor.minor,
            "titles": [
                {
                    "title_id": line.title_id,
                    "gross_minor": line.gross.minor,
                    "cinema_share_minor": line.cinema_share.minor,
                    # Net of the discounts the distributor funds: what it is owed.
                    "distributor_share_minor": line.distributor_net.minor,
                    "voucher_distributor_minor": line.voucher_distributor.minor,
                }
                for line in settlement.lines
            ],
            "paid_by_id": actor.pk,
        }
        events.publish(
            events.SETTLEMENT_PAID,
            aggregate=SETTLEMENT_AGGREGATE,
            aggregate_id=key,
            payload=payload,
        )
    return payload
