"""Stable error codes of the payments domain (problem+json ``code``)."""

from __future__ import annotations

from enum import StrEnum


class PaymentsErrorCode(StrEnum):
    PAYMENT_NOT_FOUND = "payment_not_found"
    UNKNOWN_PROVIDER = "unknown_provider"
    UNKNOWN_PURPOSE = "unknown_purpose"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_CURRENCY = "invalid_currency"
    INVALID_RETURN_URL = "invalid_return_url"
    INVALID_REFERENCE = "invalid_reference"
    INVALID_SIGNATURE = "invalid_signature"
    INVALID_CALLBACK = "invalid_callback"
    CALLBACK_MISMATCH = "callback_mismatch"
    PAYMENT_NOT_PENDING = "payment_not_pending"
    ALREADY_AUTHORIZED = "payment_already_authorized"
    INVALID_OUTCOME = "invalid_outcome"
    NOT_REFUNDABLE = "payment_not_refundable"
    REFUND_EXCEEDS_PAYMENT = "refund_exceeds_payment"
    INVALID_REASON = "invalid_refund_reason"
    PROVIDER_ERROR = "provider_error"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_IN_PROGRESS = "idempotency_request_in_progress"
    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
