"""The sale's invariants, checked in the database after a run (plain SQL, PostgreSQL).

Each check counts violations; all must be 0 except the informational ones.
Works on any DB-API cursor that takes ``%s`` parameters (a psycopg cursor in
the benchmark, Django's ``connection.cursor()`` in the drills). ``showtimes``
limits every check to those showtimes (``None``: all).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: name → (SQL with {f_i}/{f_t}/{f_o}/{f_p} showtime filters, what a non-zero count means)
CHECKS: dict[str, tuple[str, str]] = {
    "double_sold": (
        """SELECT (SELECT count(*) FROM (
                SELECT t.showtime_id, t.seat_id FROM ticketing_ticket t
                 WHERE t.status IN ('valid', 'used') {f_t}
                 GROUP BY 1, 2 HAVING count(*) > 1) x)
              + (SELECT count(*) FROM (
                SELECT o.showtime_id, l.seat_id FROM ticketing_orderline l
                  JOIN ticketing_order o ON o.id = l.order_id
                 WHERE o.status IN ('paid', 'partially_refunded') {f_o}
                 GROUP BY 1, 2 HAVING count(*) > 1) y)""",
        "a seat with two live tickets or in two paid orders",
    ),
    "ticket_on_unsold_seat": (
        """SELECT count(*) FROM ticketing_ticket t
              JOIN ticketing_seatinventory i ON i.showtime_id = t.showtime_id AND i.seat_id = t.seat_id
             WHERE t.status IN ('valid', 'used') AND i.state NOT IN ('sold', 'closed') {f_t}""",
        "a live ticket whose seat is free or held again (free and sold at once)",
    ),
    "sold_without_ticket": (
        """SELECT count(*) FROM ticketing_seatinventory i
             WHERE i.state = 'sold' {f_i} AND NOT EXISTS (
                   SELECT 1 FROM ticketing_ticket t WHERE t.showtime_id = i.showtime_id
                      AND t.seat_id = i.seat_id AND t.status IN ('valid', 'used'))""",
        "a seat marked sold with no live ticket",
    ),
    "paid_without_tickets": (
        """SELECT count(*) FROM ticketing_order o
             WHERE o.status = 'paid' {f_o}
               AND (SELECT count(*) FROM ticketing_ticket t
                     WHERE t.order_id = o.id AND t.status IN ('valid', 'used'))
                <> (SELECT count(*) FROM ticketing_orderline l WHERE l.order_id = o.id)""",
        "a paid order without one live ticket per line",
    ),
    "holds_outliving_orders": (
        """SELECT (SELECT count(*) FROM ticketing_hold h JOIN ticketing_order o ON o.hold_id = h.id
                    WHERE h.status = 'active' AND o.status <> 'pending' {f_o})
                + (SELECT count(*) FROM ticketing_order o JOIN ticketing_hold h ON h.id = o.hold_id
                    WHERE o.status = 'paid' AND h.status <> 'completed' {f_o})
                + (SELECT count(*) FROM ticketing_seatinventory i JOIN ticketing_hold h ON h.id = i.hold_id
                    WHERE i.state = 'held' AND h.status <> 'active' {f_i})""",
        "a hold still active (or still holding seats) after its order closed",
    ),
    "payment_mismatch": (
        """SELECT (SELECT count(*) FROM payments_payment p
                     JOIN ticketing_order o ON o.id::text = p.reference
                    WHERE p.purpose = 'ticket_order' {f_p}
                      AND (p.amount_minor <> o.total_minor OR p.currency <> o.currency))
                + (SELECT count(*) FROM ticketing_order o
                     LEFT JOIN payments_payment p ON p.id = o.payment_id
                    WHERE o.status = 'paid' AND o.total_minor > 0 {f_o}
                      AND (p.id IS NULL OR p.status <> 'succeeded'
                           OR p.amount_minor <> o.total_minor))""",
        "a payment whose amount differs from its order's total, or a paid order not paid in full",
    ),
    "lost_payments": (
        """SELECT count(*) FROM payments_payment p
             WHERE p.purpose = 'ticket_order' AND p.status = 'succeeded' {f_p}
               AND NOT EXISTS (SELECT 1 FROM ticketing_order o
                                WHERE o.payment_id = p.id AND o.status IN ('paid', 'partially_refunded', 'refunded', 'exchanged'))""",
        "money kept without tickets or a refund",
    ),
    "refund_mismatch": (
        """SELECT count(*) FROM payments_payment p
             WHERE p.status IN ('refunded', 'partially_refunded') {f_p}
               AND p.refunded_minor <> (SELECT coalesce(sum(r.amount_minor), 0)
                                          FROM payments_refund r
                                         WHERE r.payment_id = p.id AND r.status = 'succeeded')""",
        "a payment's refunded total differs from its refunds",
    ),
}

#: Reported, not failures: where the money stands.
INFO: dict[str, str] = {
    "paid_orders": "SELECT count(*) FROM ticketing_order o WHERE o.status = 'paid' {f_o}",
    "tickets": "SELECT count(*) FROM ticketing_ticket t WHERE t.status IN ('valid', 'used') {f_t}",
    "sold_total_minor": "SELECT coalesce(sum(o.total_minor), 0) FROM ticketing_order o WHERE o.status = 'paid' {f_o}",
    "kept_payments_minor": """SELECT coalesce(sum(p.amount_minor - p.refunded_minor), 0) FROM payments_payment p
                               WHERE p.purpose = 'ticket_order' {f_p}
                                 AND p.status IN ('succeeded', 'partially_refunded')""",
    "refunded_payments": "SELECT count(*) FROM payments_payment p WHERE p.status = 'refunded' {f_p}",
    "pending_payments": "SELECT count(*) FROM payments_payment p WHERE p.status = 'pending' {f_p}",
    # The gateway marked its callback delivered, yet the payment is still pending:
    # a callback lost between the gateway and the webhook (see docs/reliability.md).
    "undelivered_success_callbacks": """SELECT count(*) FROM payments_payment p
                               WHERE p.status = 'pending' {f_p} AND EXISTS (
                                     SELECT 1 FROM payments_simulatedcallback c
                                      WHERE c.payment_id = p.id AND c.delivered_at IS NOT NULL)""",
}


def _filters(showtimes: Sequence[int] | None) -> tuple[dict[str, str], list[Any]]:
    if showtimes is None:
        return {"f_i": "", "f_t": "", "f_o": "", "f_p": ""}, []
    return {
        "f_i": "AND i.showtime_id = ANY(%(st)s)",
        "f_t": "AND t.showtime_id = ANY(%(st)s)",
        "f_o": "AND o.showtime_id = ANY(%(st)s)",
        "f_p": "AND p.reference IN (SELECT oo.id::text FROM ticketing_order oo "
        "WHERE oo.showtime_id = ANY(%(st)s))",
    }, list(showtimes)


def verify(cursor: Any, showtimes: Sequence[int] | None = None) -> dict[str, int]:
    """Every check and info value; violations are the keys of :data:`CHECKS`."""
    filters, ids = _filters(showtimes)
    out: dict[str, int] = {}
    for name, sql in [*((n, s) for n, (s, _) in CHECKS.items()), *INFO.items()]:
        if showtimes is None:
            cursor.execute(sql.format(**filters))
        else:
            cursor.execute(sql.format(**filters), {"st": ids})
        out[name] = int(cursor.fetchone()[0])
    return out


def violations(result: dict[str, int]) -> dict[str, int]:
    """The failed checks of a :func:`verify` result (empty when all hold)."""
    return {name: result[name] for name in CHECKS if result.get(name)}
