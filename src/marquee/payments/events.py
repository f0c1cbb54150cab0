"""Outbox event types the payments domain publishes.

Payloads (all money in minor units with the currency beside it):

- ``payments.payment_succeeded``: payment_id, purpose, reference, payer_id,
  amount_minor, currency, provider, provider_ref.
- ``payments.payment_failed``: the same fields plus reason.
- ``payments.payment_refunded``: payment_id, refund_id, purpose, reference,
  amount_minor (this refund), refunded_minor (running total), currency,
  reason, status (the payment's status after the refund).
- ``payments.payout_paid``: payout_id, purpose, reference, payee_id,
  amount_minor, currency, provider, provider_ref — the money left the bank.
- ``payments.payout_failed``: the same fields plus reason — it did not.
"""

from __future__ import annotations

PAYMENT_SUCCEEDED = "payments.payment_succeeded"
PAYMENT_FAILED = "payments.payment_failed"
PAYMENT_REFUNDED = "payments.payment_refunded"

PAYOUT_PAID = "payments.payout_paid"
PAYOUT_FAILED = "payments.payout_failed"

AGGREGATE = "payments.payment"
PAYOUT_AGGREGATE = "payments.payout"
