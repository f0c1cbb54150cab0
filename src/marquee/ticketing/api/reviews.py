"""Ratings and short reviews of a title by moviegoers who saw it (a used ticket)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from marquee.accounts.auth import AUTH, acting_user
from marquee.ticketing import audience_queries, queries
from marquee.ticketing.schemas.audience import (
    ModerateIn,
    ReviewIn,
    ReviewOut,
    ReviewsOut,
    review_out,
)
from marquee.ticketing.services import reviews

router = Router()


@router.get(
    "/reviews/{slug}",
    response=ReviewsOut,
    auth=None,
    summary="A title's rating and reviews (hidden ones left out), newest first",
)
def list_reviews(request: HttpRequest, slug: str):
    title = queries.title_by_slug(slug)
    rating = audience_queries.rating_of(title)
    found = audience_queries.reviews_of_title(title, viewer=acting_user(request))
    return ReviewsOut(
        title=title.slug,
        count=rating.count,
        average=str(rating.average) if rating.average is not None else None,
        reviews=[review_out(r, slug=title.slug) for r in found],
    )


@router.put(
    "/reviews/{slug}",
    response=ReviewOut,
    auth=AUTH,
    summary="Rate a title you saw (1–5 stars and a short text); again to change it",
    description="Needs a used (checked-in) ticket of the title: 403 `review_needs_used_ticket`.",
)
def write_review(request: HttpRequest, slug: str, payload: ReviewIn):
    title = queries.title_by_slug(slug)
    review = reviews.write_review(
        user=request.user, title=title, stars=payload.stars, text=payload.text
    )
    return review_out(review, slug=title.slug)


@router.post(
    "/reviews/{review_id}/moderation",
    response=ReviewOut,
    auth=AUTH,
    summary="Hide or show a review (administrators)",
)
def moderate(request: HttpRequest, review_id: int, payload: ModerateIn):
    review = reviews.moderate_review(actor=request.user, review_id=review_id, hidden=payload.hidden)
    return review_out(review, slug=review.title.slug)
