"""Payments' payout rows of the API permission matrix (tests/test_permission_matrix.py).

Payouts are finance staff's (and admins'): the list, the bank batch, confirmations.
"""

from __future__ import annotations

from marquee.payments import payouts
from tests.permission_world import Call, PermWorld

API = "/api/v1"
PREFIX = "/payments/payouts"

# fmt: off
ROWS: dict[tuple[str, str], str] = {
    ("GET", "/payments/payouts"):                              "no   no no no no no no no ok no no ok",
    ("POST", "/payments/payouts/batch"):                       "no   no no no no no no no ok no no ok",
    ("POST", "/payments/payouts/{payout_id}/confirm"):         "no   no no no no no no no ok no no ok",
}
# fmt: on


def call(w: PermWorld, role: str, method: str, template: str) -> Call:
    """A valid request of the row for ``role`` (a sent payout to confirm, made in the savepoint)."""
    if "{payout_id}" not in template:
        return Call(API + template)
    from marquee.payments.models import Payout

    payout = payouts.request_payout(
        purpose="matrix_return",
        reference=f"matrix-{role}",
        payee=w.users["moviegoer"],
        amount_minor=100,
        currency="CNY",
        destination=payouts.bank_destination(
            account_name="Matrix", bank_name="Bank", account_number="12345678"
        ),
    )
    Payout.objects.filter(pk=payout.pk).update(status=Payout.Status.SENT)
    return Call(API + template.format(payout_id=payout.pk), json={"outcome": "paid"})
