"""The licensor's side: licences, the approval queue, royalty statements (CSV and PDF)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from marquee.accounts.auth import AUTH
from marquee.catalog.models import Title
from marquee.core.idempotency import IdempotencyKey, idempotent
from marquee.merch import documents, queries
from marquee.merch.errors import MerchErrorCode, MerchNotFound
from marquee.merch.models import Merchant
from marquee.merch.schemas import (
    LicenceIn,
    LicenceOut,
    MerchReviewIn,
    ProductOut,
    StatementIn,
    StatementOut,
    licence_out,
    product_out,
    statement_out,
)
from marquee.merch.services import licences, products, royalties

router = Router()


@router.get(
    "/licences",
    response=list[LicenceOut],
    auth=AUTH,
    summary="Licences: all for studio staff, your own for a merchant",
)
def list_licences(request: HttpRequest):
    return [licence_out(lic) for lic in queries.visible_licences(request.user)[:500]]


@router.post(
    "/licences",
    response={201: LicenceOut},
    auth=AUTH,
    summary="Grant a licence (rights staff; the advance is posted to the ledger)",
)
@idempotent(scope="merch.grant_licence", fingerprint=lambda payload, **_: payload.model_dump())
def grant_licence(request: HttpRequest, payload: LicenceIn, idempotency_key: IdempotencyKey = None):
    title = Title.objects.filter(slug=payload.title).first()
    merchant = Merchant.objects.filter(pk=payload.merchant_id).first()
    if title is None or merchant is None:
        raise MerchNotFound(MerchErrorCode.MERCHANT_NOT_FOUND, "No such title or merchant.")
    licence = licences.grant_licence(
        actor=request.user,
        title=title,
        merchant=merchant,
        territory=payload.territory,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        currency=payload.currency,
        categories=payload.categories,
        minimum_guarantee_minor=payload.minimum_guarantee_minor,
        advance_minor=payload.advance_minor,
    )
    return 201, licence_out(queries.visible_licence(request.user, licence.pk)).model_dump(
        mode="json"
    )


@router.get(
    "/reviews",
    response=list[ProductOut],
    auth=AUTH,
    summary="The approval queue: submitted products (licensor)",
)
def review_queue(request: HttpRequest):
    return [product_out(p) for p in queries.review_queue(request.user)[:500]]


@router.post(
    "/products/{product_id}/review",
    response=ProductOut,
    auth=AUTH,
    summary="Approve, request changes or reject a submitted product, with a comment",
)
def review(request: HttpRequest, product_id: int, payload: MerchReviewIn):
    product = products.review_product(
        actor=request.user,
        product_id=product_id,
        decision=payload.decision,
        comment=payload.comment,
    )
    return product_out(queries.product_with_parts(product.pk))


@router.get(
    "/licences/{licence_id}/statements",
    response=list[StatementOut],
    auth=AUTH,
    summary="A licence's royalty statements (the merchant its own; studio staff all)",
)
def list_statements(request: HttpRequest, licence_id: int):
    licence = queries.visible_licence(request.user, licence_id)
    return [statement_out(s) for s in licence.statements.order_by("year", "quarter")]


@router.post(
    "/licences/{licence_id}/statements",
    response={201: StatementOut},
    auth=AUTH,
    summary="Issue a quarter's statement (rights and finance staff; posts to the ledger)",
)
@idempotent(
    scope="merch.issue_statement",
    fingerprint=lambda licence_id, payload, **_: {"licence_id": licence_id, **payload.model_dump()},
)
def issue_statement(
    request: HttpRequest,
    licence_id: int,
    payload: StatementIn,
    idempotency_key: IdempotencyKey = None,
):
    licence = queries.visible_licence(request.user, licence_id)
    statement = royalties.issue_statement(
        actor=request.user, licence=licence, year=payload.year, quarter=payload.quarter
    )
    return 201, statement_out(statement).model_dump(mode="json")


@router.get("/statements/{statement_id}.csv", auth=AUTH, summary="A royalty statement as CSV")
def statement_csv(request: HttpRequest, statement_id: int):
    statement = queries.visible_statement(request.user, statement_id)
    response = HttpResponse(documents.statement_csv(statement), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="royalty-{statement.pk}.csv"'
    return response


@router.get("/statements/{statement_id}.pdf", auth=AUTH, summary="A royalty statement as PDF")
def statement_pdf(request: HttpRequest, statement_id: int):
    statement = queries.visible_statement(request.user, statement_id)
    response = HttpResponse(documents.statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="royalty-{statement.pk}.pdf"'
    return response
