"""Request and response schemas of the merchandise API (money: integer minor units)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import StrictFloat, StrictInt

from marquee.merch.models import Licence, Order, Product, RoyaltyStatement, Unit

#: A number as sent: the services refuse fractions and negatives with their own codes
#: (``invalid_stock``, ``invalid_price``, ``invalid_quantity``).
Number = StrictInt | StrictFloat


class VariantOut(Schema):
    id: int
    sku: str
    label: str
    price_minor: int
    stock: int


class ProductOut(Schema):
    id: int
    name: str
    name_en: str
    name_zh_hans: str
    name_zh_hant: str
    category: str
    status: str = Field(..., description="draft, submitted, approved, changes_requested, rejected")
    merchant: str
    merchant_id: int
    licence_id: int
    title_slug: str
    currency: str
    edition_size: int | None
    ships_on: dt.date | None
    bundle_price_minor: int | None
    description: str
    variants: list[VariantOut]
    images: list[str]


def product_out(p: Product) -> ProductOut:
    return ProductOut(
        id=p.pk,
        name=p.name,
        name_en=p.name_en,
        name_zh_hans=p.name_zh_hans,
        name_zh_hant=p.name_zh_hant,
        category=p.category,
        status=p.status,
        merchant=p.merchant.name,
        merchant_id=p.merchant_id,
        licence_id=p.licence_id,
        title_slug=p.licence.title.slug,
        currency=p.currency,
        edition_size=p.edition_size,
        ships_on=p.ships_on,
        bundle_price_minor=p.bundle_price_minor,
        description=p.description,
        variants=[
            VariantOut(id=v.pk, sku=v.sku, label=v.label, price_minor=v.price_minor, stock=v.stock)
            for v in p.variants.all()
        ],
        images=[i.image.url for i in p.images.all()],
    )


class ProductIn(Schema):
    licence_id: int = Field(..., ge=1, le=2**31)
    category: str = Field(..., max_length=20)
    name_en: str = Field(..., max_length=200)
    name_zh_hans: str = Field("", max_length=200)
    name_zh_hant: str = Field("", max_length=200)
    description: str = Field("", max_length=4000)
    currency: str = Field(..., max_length=3)
    edition_size: Number | None = None
    ships_on: dt.date | None = None
    bundle_price_minor: Number | None = None


class VariantIn(Schema):
    sku: str = Field(..., max_length=60)
    label_en: str = Field(..., max_length=100)
    label_zh_hans: str = Field("", max_length=100)
    label_zh_hant: str = Field("", max_length=100)
    price_minor: Number
    stock: Number = 0


class StockIn(Schema):
    stock: Number


class CommentIn(Schema):
    comment: str = Field("", max_length=2000)


class MerchReviewIn(Schema):
    decision: str = Field(..., max_length=20, description="approved, changes_requested, rejected")
    comment: str = Field("", max_length=2000)


class CartItemIn(Schema):
    variant_id: int = Field(..., ge=1, le=2**62)
    quantity: Number = 1


class CartLineOut(Schema):
    variant_id: int
    product_id: int
    product: str
    variant: str
    merchant_id: int
    currency: str
    unit_price_minor: int
    quantity: int


class AddressIn(Schema):
    recipient: str = Field(..., max_length=100)
    phone: str = Field(..., max_length=30)
    address: str = Field(..., max_length=300)
    city: str = Field(..., max_length=80)
    territory: str = Field(..., max_length=2, description="CN, HK, MO, TW, US")
    postcode: str = Field("", max_length=20)


class CheckoutIn(Schema):
    merchant_id: int = Field(..., ge=1, le=2**31)
    currency: str = Field(..., max_length=3)
    address: AddressIn
    ticket_order_id: int | None = Field(None, ge=1, le=2**62, description="bundle with tickets")


class MerchOrderLineOut(Schema):
    product_id: int
    product: str
    variant: str
    quantity: int
    unit_price_minor: int
    discount_minor: int
    amount_minor: int


class MerchOrderOut(Schema):
    id: int
    status: str = Field(
        ..., description="pending, paid, shipped, delivered, cancelled, expired, refunded"
    )
    merchant_id: int
    currency: str
    subtotal_minor: int
    discount_minor: int
    total_minor: int
    tracking_number: str
    ticket_order_id: int | None
    expires_at: dt.datetime
    paid_at: dt.datetime | None
    shipped_at: dt.datetime | None
    delivered_at: dt.datetime | None
    lines: list[MerchOrderLineOut]


def order_out(o: Order) -> MerchOrderOut:
    return MerchOrderOut(
        id=o.pk,
        status=o.status,
        merchant_id=o.merchant_id,
        currency=o.currency,
        subtotal_minor=o.subtotal_minor,
        discount_minor=o.discount_minor,
        total_minor=o.total_minor,
        tracking_number=o.tracking_number,
        ticket_order_id=o.ticket_order_id,
        expires_at=o.expires_at,
        paid_at=o.paid_at,
        shipped_at=o.shipped_at,
        delivered_at=o.delivered_at,
        lines=[
            MerchOrderLineOut(
                product_id=line.product_id,
                product=line.product.name,
                variant=line.variant.label,
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
                discount_minor=line.discount_minor,
                amount_minor=line.amount_minor,
            )
            for line in o.lines.all()
        ],
    )


class MerchPayOut(Schema):
    order_id: int
    payment_id: UUID
    redirect_url: str


class ShipIn(Schema):
    tracking_number: str = Field(..., max_length=60)


class UnitOut(Schema):
    id: int
    product_id: int
    serial: int
    code: str
    void: bool


def unit_out(u: Unit) -> UnitOut:
    return UnitOut(id=u.pk, product_id=u.product_id, serial=u.serial, code=u.code, void=u.void)


class LicenceIn(Schema):
    title: str = Field(..., max_length=120, description="the title's slug")
    merchant_id: int = Field(..., ge=1, le=2**31)
    territory: str = Field(..., max_length=2)
    starts_on: dt.date
    ends_on: dt.date
    currency: str = Field(..., max_length=3)
    categories: dict[str, Number] = Field(..., description="category → royalty in basis points")
    minimum_guarantee_minor: Number = 0
    advance_minor: Number = 0


class LicenceOut(Schema):
    id: int
    reference: str
    title_slug: str
    merchant_id: int
    merchant: str
    territory: str
    starts_on: dt.date
    ends_on: dt.date
    currency: str
    categories: dict[str, int]
    minimum_guarantee_minor: int
    advance_minor: int


def licence_out(lic: Licence) -> LicenceOut:
    return LicenceOut(
        id=lic.pk,
        reference=lic.reference,
        title_slug=lic.title.slug,
        merchant_id=lic.merchant_id,
        merchant=lic.merchant.name,
        territory=lic.territory,
        starts_on=lic.starts_on,
        ends_on=lic.ends_on,
        currency=lic.currency,
        categories={c.category: c.royalty_bp for c in lic.categories.all()},
        minimum_guarantee_minor=lic.minimum_guarantee_minor,
        advance_minor=lic.advance_minor,
    )


class StatementIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    quarter: int = Field(..., ge=1, le=4)


class StatementOut(Schema):
    id: int
    licence_id: int
    year: int
    quarter: int
    period_start: dt.date
    period_end: dt.date
    currency: str
    lines: list[dict[str, Any]]
    net_sales_minor: int
    royalty_minor: int
    advance_recouped_minor: int
    advance_remaining_minor: int
    payable_minor: int
    mg_shortfall_minor: int
    advance_forfeited_minor: int
    final: bool


def statement_out(s: RoyaltyStatement) -> StatementOut:
    return StatementOut(
        id=s.pk,
        licence_id=s.licence_id,
        year=s.year,
        quarter=s.quarter,
        period_start=s.period_start,
        period_end=s.period_end,
        currency=s.currency,
        lines=s.lines,
        net_sales_minor=s.net_sales_minor,
        royalty_minor=s.royalty_minor,
        advance_recouped_minor=s.advance_recouped_minor,
        advance_remaining_minor=s.advance_remaining_minor,
        payable_minor=s.payable_minor,
        mg_shortfall_minor=s.mg_shortfall_minor,
        advance_forfeited_minor=s.advance_forfeited_minor,
        final=s.final,
    )


class VerifyIn(Schema):
    code: str = Field(..., max_length=400)
    place: str = Field("", max_length=100, description="where the check is made (optional)")


class VerifyOut(Schema):
    genuine: bool
    unit_id: int
    serial: int
    edition_size: int | None
    product_id: int
    product: str
    merchant: str
    title: str
    licence: str
    issued_at: dt.datetime
    previous_checks: int
    first_checked_at: dt.datetime
    distinct_places: int
    likely_copy: bool
