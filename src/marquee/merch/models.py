"""Merchandise: licences, merchants, products and their variants, orders, units, royalties.

The studio licenses a title to a :class:`Merchant` (:class:`Licence`: categories
with a royalty rate each, a territory, a term, a minimum guarantee and an
advance). The merchant's :class:`Product` goes on sale once the licensor
approved it (:class:`ProductReview` records every step); each :class:`Variant`
keeps its own stock, claimed by one conditional ``UPDATE`` (a check constraint
stands behind it: stock never goes below zero). A fan's :class:`CartItem` rows
become an :class:`Order` per merchant and currency; every unit sold is a
:class:`Unit` with a signed authenticity code (:mod:`marquee.merch.codes`).
:class:`SaleRecord` is the royalty sub-ledger (one row per outbox event, so a
replay adds nothing) that :class:`RoyaltyStatement` sums each quarter.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import pgettext_lazy

from marquee.core.localized import Localized
from marquee.core.money import MoneyAttribute


class Category(models.TextChoices):
    APPAREL = "apparel", pgettext_lazy("merch", "Apparel")
    TOYS = "toys", pgettext_lazy("merch", "Toys and figures")
    COLLECTIBLES = "collectibles", pgettext_lazy("merch", "Collectibles")
    HOMEWARE = "homeware", pgettext_lazy("merch", "Homeware")
    STATIONERY = "stationery", pgettext_lazy("merch", "Stationery")
    ACCESSORIES = "accessories", pgettext_lazy("merch", "Accessories")
    POSTERS = "posters", pgettext_lazy("merch", "Posters and prints")


class Merchant(models.Model):
    """A seller of licensed goods: one organisation (of kind merchant) on the platform."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="merchant"
    )
    slug = models.SlugField(max_length=80, unique=True)
    name_en = models.CharField(max_length=120)
    name_zh_hans = models.CharField(max_length=120, blank=True)
    name_zh_hant = models.CharField(max_length=120, blank=True)
    #: The currencies the merchant prices in (ISO 4217 codes, e.g. ["CNY", "HKD"]).
    currencies = models.JSONField(default=list)
    #: The platform's commission on each sale, in basis points of the price paid.
    commission_bp = models.PositiveIntegerField(default=800)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(
                condition=Q(commission_bp__lte=10_000), name="merch_commission_at_most_100pc"
            )
        ]

    def __str__(self) -> str:
        return self.name_en

    name = Localized("name")


class Licence(models.Model):
    """The studio's licence of a title's IP to a merchant."""

    reference = models.CharField(max_length=40, unique=True)
    title = models.ForeignKey("catalog.Title", on_delete=models.PROTECT, related_name="licences")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="licences")
    #: A code of the places territory tree; the licence covers it and everything below it.
    territory = models.CharField(max_length=2)
    starts_on = models.DateField()
    ends_on = models.DateField()
    currency = models.CharField(max_length=3)
    minimum_guarantee_minor = models.BigIntegerField(default=0)
    advance_minor = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    minimum_guarantee = MoneyAttribute("minimum_guarantee_minor")
    advance = MoneyAttribute("advance_minor")

    class Meta:
        ordering = ["title_id", "merchant_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="merch_term"),
            models.CheckConstraint(
                condition=Q(minimum_guarantee_minor__gte=0) & Q(advance_minor__gte=0),
                name="merch_licence_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class LicenceCategory(models.Model):
    """A category the licence covers and its royalty rate (basis points of net sales)."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(max_length=20, choices=Category.choices)
    royalty_bp = models.PositiveIntegerField()

    class Meta:
        ordering = ["licence_id", "category"]
        constraints = [
            models.UniqueConstraint(fields=["licence", "category"], name="merch_licence_category"),
            models.CheckConstraint(condition=Q(royalty_bp__lte=10_000), name="merch_royalty_bp"),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.category} {self.royalty_bp}bp"


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("merch", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("merch", "Submitted for approval")
        APPROVED = "approved", pgettext_lazy("merch", "Approved")
        CHANGES_REQUESTED = "changes_requested", pgettext_lazy("merch", "Changes requested")
        REJECTED = "rejected", pgettext_lazy("merch", "Rejected")

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="products")
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="products")
    category = models.CharField(max_length=20, choices=Category.choices)
    name_en = models.CharField(max_length=200)
    name_zh_hans = models.CharField(max_length=200, blank=True)
    name_zh_hant = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True, max_length=4000)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    #: A limited edition: a fixed run of this many units over all variants; stock never grows.
    edition_size = models.PositiveIntegerField(null=True, blank=True)
    #: Units issued so far (a limited edition's units are numbered 1..edition_size).
    units_issued = models.PositiveIntegerField(default=0)
    #: A pre-order ships on this day (e.g. the film's release); none ships before.
    ships_on = models.DateField(null=True, blank=True)
    #: The price of one unit bought with a ticket to the film (the bundle), if offered.
    bundle_price_minor = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    bundle_price = MoneyAttribute("bundle_price_minor")

    class Meta:
        ordering = ["licence_id", "pk"]
        indexes = [models.Index(fields=["status", "licence"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(bundle_price_minor__isnull=True) | Q(bundle_price_minor__gte=0),
                name="merch_bundle_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(edition_size__isnull=True) | Q(units_issued__lte=F("edition_size")),
                name="merch_edition_not_exceeded",
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    name = Localized("name")

    @property
    def on_sale(self) -> bool:
        return self.status == self.Status.APPROVED


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="merch/")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["product_id", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.product_id} image {self.position}"


class ProductReview(models.Model):
    """One step of the approval workflow: a submission or the licensor's decision."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("merch", "Submitted")
        APPROVED = "approved", pgettext_lazy("merch", "Approved")
        CHANGES_REQUESTED = "changes_requested", pgettext_lazy("merch", "Changes requested")
        REJECTED = "rejected", pgettext_lazy("merch", "Rejected")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    action = models.CharField(max_length=20, choices=Action.choices)
    comment = models.TextField(blank=True, max_length=2000)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product_id", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.product_id} {self.action}"


class Variant(models.Model):
    """A size, colour or edition of a product, with its price and stock."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=60)
    label_en = models.CharField(max_length=100)
    label_zh_hans = models.CharField(max_length=100, blank=True)
    label_zh_hant = models.CharField(max_length=100, blank=True)
    price_minor = models.BigIntegerField()
    #: Units left to sell; claimed with ``UPDATE … SET stock = stock - n WHERE stock >= n``.
    stock = models.IntegerField(default=0)
    sold = models.IntegerField(default=0)

    price = MoneyAttribute("price_minor", currency="product.currency")

    class Meta:
        ordering = ["product_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "sku"], name="merch_variant_sku"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="merch_stock_not_negative"),
            models.CheckConstraint(condition=Q(sold__gte=0), name="merch_sold_not_negative"),
            models.CheckConstraint(condition=Q(price_minor__gt=0), name="merch_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}/{self.sku}"

    label = Localized("label")


class CartItem(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "variant"], name="merch_cart_item"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="merch_cart_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.quantity} × {self.variant_id}"


class Order(models.Model):
    """One merchant's goods bought in one currency, shipped to one address."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("merch", "Awaiting payment")
        PAID = "paid", pgettext_lazy("merch", "Paid")
        SHIPPED = "shipped", pgettext_lazy("merch", "Shipped")
        DELIVERED = "delivered", pgettext_lazy("merch", "Delivered")
        CANCELLED = "cancelled", pgettext_lazy("merch", "Cancelled")
        EXPIRED = "expired", pgettext_lazy("merch", "Expired")
        REFUNDED = "refunded", pgettext_lazy("merch", "Returned and refunded")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="orders")
    currency = models.CharField(max_length=3)
    subtotal_minor = models.BigIntegerField()
    discount_minor = models.BigIntegerField(default=0)
    total_minor = models.BigIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    #: The paid ticket order this order is bundled with (its bundle prices apply).
    ticket_order = models.ForeignKey(
        "ticketing.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient = models.CharField(max_length=100)
    phone = models.CharField(max_length=30)
    address = models.CharField(max_length=300)
    city = models.CharField(max_length=80)
    territory = models.CharField(max_length=2)
    postcode = models.CharField(max_length=20, blank=True)
    tracking_number = models.CharField(max_length=60, blank=True)
    payment_id = models.UUIDField(null=True, blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    subtotal = MoneyAttribute("subtotal_minor")
    discount = MoneyAttribute("discount_minor")
    total = MoneyAttribute("total_minor")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["merchant", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_minor=F("subtotal_minor") - F("discount_minor"))
                & Q(discount_minor__gte=0)
                & Q(total_minor__gt=0),
                name="merch_order_total",
            ),
        ]

    def __str__(self) -> str:
        return f"merch order {self.pk} ({self.status})"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=20, choices=Category.choices)
    quantity = models.PositiveIntegerField()
    unit_price_minor = models.BigIntegerField()
    #: The bundle discount on this line (price − bundle price, times the bundled units).
    discount_minor = models.BigIntegerField(default=0)
    #: What the buyer pays for the line: quantity × unit price − discount.
    amount_minor = models.BigIntegerField()
    #: Units of the line sold at the bundle price (at most one per ticket of the bundle).
    bundled_units = models.PositiveIntegerField(default=0)

    amount = MoneyAttribute("amount_minor", currency="order.currency")
    unit_price = MoneyAttribute("unit_price_minor", currency="order.currency")

    class Meta:
        ordering = ["order_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="merch_line_quantity"),
            models.CheckConstraint(
                condition=Q(
                    amount_minor=F("quantity") * F("unit_price_minor") - F("discount_minor")
                ),
                name="merch_line_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.quantity} × {self.variant_id}"


class Unit(models.Model):
    """One unit sold, with its signed authenticity code (printed as a QR on the tag)."""

    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="units")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="units")
    #: The unit's number within its product (a limited edition's "123 / 500").
    serial = models.PositiveIntegerField()
    code = models.CharField(max_length=300, blank=True)
    issued_at = models.DateTimeField()
    void = models.BooleanField(default=False)
    check_count = models.PositiveIntegerField(default=0)
    first_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["product_id", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["product", "serial"], name="merch_unit_serial"),
        ]

    def __str__(self) -> str:
        return f"unit {self.product_id}#{self.serial}"


class CodeCheck(models.Model):
    """One verification of a unit's code, with a digest of where it came from."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="checks")
    place = models.CharField(max_length=64)
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["unit_id", "checked_at", "pk"]
        indexes = [models.Index(fields=["unit", "place"])]

    def __str__(self) -> str:
        return f"check of {self.unit_id} at {self.checked_at:%Y-%m-%d}"


class SaleRecord(models.Model):
    """The royalty sub-ledger: one row per sale or refund event (unique: replays add nothing).

    ``amount_minor`` is the net price of the licence's goods in the event
    (positive for a sale, negative for a refund), in the order's currency.
    """

    event_id = models.BigIntegerField()
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="sales")
    category = models.CharField(max_length=20, choices=Category.choices)
    day = models.DateField()
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField()
    units = models.IntegerField()

    class Meta:
        ordering = ["day", "pk"]
        indexes = [models.Index(fields=["licence", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "licence", "category"], name="merch_sale_once_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.category} {self.day} {self.amount_minor}"


class RoyaltyStatement(models.Model):
    """A licence's royalties for one calendar quarter (amounts in the licence's currency)."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="statements")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    currency = models.CharField(max_length=3)
    #: Per category: {"category", "net_sales_minor", "units", "royalty_bp", "royalty_minor"}.
    lines = models.JSONField(default=list)
    net_sales_minor = models.BigIntegerField()
    royalty_minor = models.BigIntegerField()
    advance_recouped_minor = models.BigIntegerField()
    advance_remaining_minor = models.BigIntegerField()
    #: Due at the end of the term when royalties (and the advance) fall short of the MG.
    mg_shortfall_minor = models.BigIntegerField(default=0)
    #: The unrecouped advance the licensor keeps at the end of the term.
    advance_forfeited_minor = models.BigIntegerField(default=0)
    #: Royalty withheld from the merchant's sales this quarter (royalty − advance recouped).
    payable_minor = models.BigIntegerField()
    final = models.BooleanField(default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField()

    net_sales = MoneyAttribute("net_sales_minor")
    royalty = MoneyAttribute("royalty_minor")
    advance_recouped = MoneyAttribute("advance_recouped_minor")
    mg_shortfall = MoneyAttribute("mg_shortfall_minor")
    payable = MoneyAttribute("payable_minor")

    class Meta:
        ordering = ["licence_id", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence", "year", "quarter"], name="merch_statement_once_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="merch_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.year}Q{self.quarter}"
