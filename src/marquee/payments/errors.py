"""Stable error codes of the payments domain (problem+json ``code``) and their sentences."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from marquee.core.errors import ErrorCode


class PaymentsErrorCode(ErrorCode):
    PAYMENT_NOT_FOUND = "payment_not_found", _("That payment is not yours or does not exist.")
    UNKNOWN_PROVIDER = "unknown_provider", _("That payment method is not available.")
    UNKNOWN_PURPOSE = (
        "unknown_purpose",
        _("This payment is for something the platform does not sell."),
    )
    INVALID_AMOUNT = "invalid_amount", _("That is not an amount of money.")
    INVALID_CURRENCY = "invalid_currency", _("That is not a currency this platform knows.")
    INVALID_RETURN_URL = "invalid_return_url", _("The return address is not valid.")
    INVALID_REFERENCE = "invalid_reference", _("A reference is 1 to 100 characters.")
    INVALID_SIGNATURE = (
        "invalid_signature",
        _("The payment gateway's signature is missing or wrong."),
    )
    INVALID_CALLBACK = (
        "invalid_callback",
        _("The payment gateway sent a message that could not be read."),
    )
    CALLBACK_MISMATCH = (
        "callback_mismatch",
        _("The payment gateway reported another amount or currency than the payment's."),
    )
    PAYMENT_NOT_PENDING = "payment_not_pending", _("This payment has been processed already.")
    ALREADY_AUTHORIZED = (
        "payment_already_authorized",
        _(
            "The payment gateway has processed this payment already; its confirmation is on the way."
        ),
    )
    INVALID_OUTCOME = "invalid_outcome", _("That is not an outcome of the simulated gateway.")
    NOT_REFUNDABLE = "payment_not_refundable", _("This payment cannot be refunded.")
    REFUND_EXCEEDS_PAYMENT = (
        "refund_exceeds_payment",
        _("A refund cannot be more than what is left of the payment."),
    )
    INVALID_REASON = "invalid_refund_reason", _("A refund reason is 1 to 100 characters.")
    PROVIDER_ERROR = (
        "provider_error",
        _("The payment gateway could not do this; please try again later."),
    )
    IDEMPOTENCY_KEY_REUSED = (
        "idempotency_key_reused",
        _("This form was already used; please reload the page."),
    )
    IDEMPOTENCY_IN_PROGRESS = (
        "idempotency_request_in_progress",
        _("Your previous request is still being processed; please wait a moment."),
    )
    INVALID_IDEMPOTENCY_KEY = (
        "invalid_idempotency_key",
        _("An idempotency key is 1 to 255 printable characters."),
    )
    INVALID_PAYOUT_DESTINATION = (
        "invalid_payout_destination",
        _("The payout destination is not valid: check %(field)s."),
    )
    PAYOUT_REFERENCE_REUSED = (
        "payout_reference_reused",
        _("This payout was requested before with another amount or payee."),
    )
    PAYOUT_NOT_FOUND = "payout_not_found", _("No such payout.")
    PAYOUT_NOT_SENT = (
        "payout_not_sent",
        _("Only a payout sent to the bank can be confirmed paid or failed."),
    )
    PAYOUT_NOT_FAILED = "payout_not_failed", _("Only a failed payout can be sent again.")
    INVALID_PAYOUT_OUTCOME = "invalid_payout_outcome", _("A payout is confirmed paid or failed.")
