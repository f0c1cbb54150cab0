"""Ticketing and the ledger side by side: sales, refunds, fees and payables per cinema.

Each measure is computed twice, per venue and currency: from ticketing's own
tables and from the journal lines the outbox consumers posted. They agree
when every finance delivery has been processed (the outbox drained).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Sum

from marquee.core.models import EventDelivery, OutboxEvent
from marquee.finance.models import JournalLine
from marquee.finance.services import ticketing as rules
from marquee.ticketing import events as ticket_events
from marquee.ticketing.models import Order, OrderRefund, Ticket

MEASURES = ("sales", "refunds", "service_fees", "payable_to_cinema")

Key = tuple[int, str, str]  # venue id, currency, measure


@dataclass(frozen=True, slots=True)
class Difference:
    venue_id: int
    currency: str
    measure: str
    ticketing_minor: int
    ledger_minor: int

    @property
    def delta_minor(self) -> int:
        return self.ledger_minor - self.ticketing_minor

    def __str__(self) -> str:
        return (
            f"venue {self.venue_id} {self.currency} {self.measure}: ticketing "
            f"{self.ticketing_minor}, ledger {self.ledger_minor} (ledger − ticketing "
            f"{self.delta_minor:+d})"
        )


def ticketing_figures() -> dict[Key, int]:
    figures: dict[Key, int] = defaultdict(int)
    sales = (
        Order.objects.filter(paid_at__isnull=False, exchanged_from__isnull=True)
        .values("showtime__venue_id", "currency")
        .annotate(total=Sum("total_minor"))
        .order_by()
    )
    for row in sales:
        figures[(row["showtime__venue_id"], row["currency"], "sales")] += row["total"] or 0
    refunds = (
        OrderRefund.objects.values("order__showtime__venue_id", "currency")
        .annotate(back=Sum("amount_minor"), kept=Sum("fee_minor"))
        .order_by()
    )
    for row in refunds:
        venue, currency = row["order__showtime__venue_id"], row["currency"]
        figures[(venue, currency, "refunds")] += row["back"] or 0
        figures[(venue, currency, "payable_to_cinema")] += row["kept"] or 0
    active = (
        Ticket.objects.filter(status__in=Ticket.ACTIVE_STATUSES)
        .values("showtime__venue_id", currency=F("order__currency"))
        .annotate(price=Sum("line__price_minor"), fee=Sum("line__fee_minor"))
        .order_by()
    )
    for row in active:
        venue, currency = row["showtime__venue_id"], row["currency"]
        figures[(venue, currency, "payable_to_cinema")] += row["price"] or 0
        figures[(venue, currency, "service_fees")] += row["fee"] or 0
    paid = OutboxEvent.objects.filter(type=ticket_events.SETTLEMENT_PAID).values_list(
        "payload", flat=True
    )
    for payload in paid:
        key = (payload["venue_id"], payload["currency"], "payable_to_cinema")
        figures[key] -= payload["amount_minor"]
    return figures


def ledger_figures() -> dict[Key, int]:
    figures: dict[Key, int] = defaultdict(int)
    rows = (
        JournalLine.objects.filter(venue_id__isnull=False)
        .values("venue_id", "currency", "account__code", "entry__source")
        .annotate(debit=Sum("debit_minor"), credit=Sum("credit_minor"))
        .order_by()
    )
    for row in rows:
        venue, currency, source = row["venue_id"], row["currency"], row["entry__source"]
        net_credit = (row["credit"] or 0) - (row["debit"] or 0)
        account = row["account__code"]
        if account == rules.GATEWAY_RECEIVABLE and source == "ticketing.order_paid":
            figures[(venue, currency, "sales")] -= net_credit
        elif account == rules.GATEWAY_RECEIVABLE and source in (
            "ticketing.ticket_refunded",
            "ticketing.ticket_exchanged",
        ):
            figures[(venue, currency, "refunds")] += net_credit
        elif account == rules.SERVICE_FEES:
            figures[(venue, currency, "service_fees")] += net_credit
        elif account == rules.CINEMA_PAYABLE:
            figures[(venue, currency, "payable_to_cinema")] += net_credit
    return figures


def differences() -> list[Difference]:
    """Every (venue, currency, measure) where ticketing and the ledger disagree."""
    ours, theirs = ledger_figures(), ticketing_figures()
    return [
        Difference(key[0], key[1], key[2], theirs.get(key, 0), ours.get(key, 0))
        for key in sorted(set(ours) | set(theirs))
        if ours.get(key, 0) != theirs.get(key, 0)
    ]


def pending_deliveries() -> int:
    """Finance deliveries not yet processed: differences are expected until they are."""
    return EventDelivery.objects.filter(
        consumer__startswith="finance.", status=EventDelivery.Status.PENDING
    ).count()
