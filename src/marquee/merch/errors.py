"""Stable error codes of the merchandise domain (problem+json ``code``) and their statuses."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from marquee.core.errors import DomainError, ErrorCode


class MerchErrorCode(ErrorCode):
    MERCHANT_NOT_FOUND = "merchant_not_found", _("No such merchant.")
    LICENCE_NOT_FOUND = "licence_not_found", _("No such licence.")
    PRODUCT_NOT_FOUND = "product_not_found", _("No such product.")
    VARIANT_NOT_FOUND = "variant_not_found", _("No such product variant.")
    ORDER_NOT_FOUND = "merch_order_not_found", _("No such merchandise order.")
    STATEMENT_NOT_FOUND = "statement_not_found", _("No such royalty statement.")
    INVALID_LICENCE = "invalid_licence", _("The licence terms are not valid: %(reason)s.")
    INVALID_ROYALTY_RATE = (
        "invalid_royalty_rate",
        _("A royalty rate is a whole number of basis points from 0 to 10000."),
    )
    UNKNOWN_CATEGORY = "unknown_category", _("That is not a product category.")
    UNKNOWN_TERRITORY = "unknown_territory", _("That is not a territory.")
    CATEGORY_NOT_LICENSED = (
        "category_not_licensed",
        _("The licence does not cover this product category."),
    )
    OUTSIDE_TERM = "outside_licence_term", _("The licence is not in force on this date.")
    TERRITORY_NOT_LICENSED = (
        "territory_not_licensed",
        _("The licence does not cover the territory this would be sold in."),
    )
    CURRENCY_NOT_SOLD = (
        "currency_not_sold",
        _("The merchant does not sell in this currency."),
    )
    CURRENCY_NOT_LICENSED = (
        "currency_not_licensed",
        _("Products under this licence are priced in the licence's currency."),
    )
    INVALID_PRICE = "invalid_price", _("A price is a whole number of minor units above zero.")
    INVALID_STOCK = "invalid_stock", _("Stock is a whole number of units, zero or more.")
    INVALID_QUANTITY = "invalid_quantity", _("A quantity is a whole number from 1 to 20.")
    EDITION_FIXED = (
        "edition_fixed",
        _("A limited edition has a fixed run: its stock cannot exceed the units left."),
    )
    NOT_EDITABLE = (
        "product_not_editable",
        _("Only a draft or a product with changes requested can be changed."),
    )
    NOT_REVIEWABLE = "product_not_reviewable", _("Only a submitted product can be reviewed.")
    INVALID_DECISION = (
        "invalid_decision",
        _("The decision is approved, changes_requested or rejected."),
    )
    COMMENT_REQUIRED = "comment_required", _("Say what must change, or why it is rejected.")
    NO_VARIANTS = "no_variants", _("Add at least one variant before submitting.")
    NOT_ON_SALE = "not_on_sale", _("This product is not on sale.")
    SOLD_OUT = "sold_out", _("Sold out: %(product)s has not enough stock left.")
    EMPTY_CART = "empty_cart", _("Your cart has nothing from this merchant in this currency.")
    INVALID_ADDRESS = "invalid_address", _("Please give a full shipping address.")
    INVALID_BUNDLE = (
        "invalid_bundle",
        _("The bundle needs a paid ticket order of yours for this film."),
    )
    ORDER_NOT_PENDING = "merch_order_not_pending", _("This order is no longer awaiting payment.")
    ORDER_EXPIRED = "merch_order_expired", _("This order expired; its goods went back on sale.")
    INVALID_TRANSITION = (
        "invalid_order_transition",
        _("An order that is %(status)s cannot be %(action)s."),
    )
    NOT_YET_SHIPPABLE = (
        "preorder_not_shippable",
        _("This pre-order ships on %(ships_on)s, not before."),
    )
    INVALID_TRACKING = "invalid_tracking_number", _("Give the carrier's tracking number.")
    FORGED_CODE = "forged_code", _("This authenticity code is not genuine.")
    INVALID_QUARTER = "invalid_quarter", _("That is not a quarter the licence has ended.")
    NOT_A_MERCHANT = "not_a_merchant", _("Your account does not belong to a merchant.")


class MerchError(DomainError):
    """A merchandise rule refused the request; nothing was written."""

    status = 422
    title = "Request refused"


class MerchNotFound(MerchError):
    status = 404
    title = "Not found"


class MerchConflict(MerchError):
    status = 409
    title = "Conflict"


class ForgedCode(MerchError):
    """The code is not one we signed: tampered, truncated, another key, or garbage."""

    status = 400
    title = "Forged code"

    def __init__(self, message: str = "This authenticity code is not genuine.") -> None:
        super().__init__(MerchErrorCode.FORGED_CODE, message)
