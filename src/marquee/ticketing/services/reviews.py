"""Ratings and short reviews by moviegoers who saw the film with a Marquee ticket.

Only an account holding a USED (checked-in at the door) ticket of the title
may rate it: one review per account per title (writing again replaces the
stars and text), 1–5 stars, at most ``MAX_REVIEW_TEXT`` characters.
Administrators hide or show a review (the moderation flag); a hidden review
counts in no average.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from marquee.accounts.models import User
from marquee.accounts.permissions import is_admin
from marquee.catalog.models import Title
from marquee.core.errors import DomainError, NotFound, PermissionDenied
from marquee.core.text import clean_text
from marquee.ticketing.audience_errors import AudienceErrorCode
from marquee.ticketing.models import Review, Ticket
from marquee.ticketing.models.audience import MAX_REVIEW_TEXT


def has_seen(*, user: User, title: Title) -> bool:
    """Does ``user`` hold a used (checked-in) ticket of ``title``? One query."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Ticket.objects.filter(
        order__user_id=user.pk, showtime__title_id=title.pk, status=Ticket.Status.USED
    ).exists()


def write_review(*, user: User, title: Title, stars: object, text: object = "") -> Review:
    """Rate ``title`` (and say a few words): create ``user``'s review or replace it.

    Raises :class:`DomainError` ``review_stars``, ``review_too_long`` (and the
    text check's ``invalid_text``) and :class:`PermissionDenied`
    ``review_needs_used_ticket``. Validates everything before writing.
    """
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise DomainError(AudienceErrorCode.REVIEW_STARS, "Give 1 to 5 stars.", field="stars")
    if isinstance(text, str) and len(text.strip()) > MAX_REVIEW_TEXT:
        raise DomainError(
            AudienceErrorCode.REVIEW_TOO_LONG,
            f"A review is at most {MAX_REVIEW_TEXT} characters.",
            field="text",
            max=MAX_REVIEW_TEXT,
        )
    body = clean_text(text, field="text", max_length=MAX_REVIEW_TEXT)
    if not has_seen(user=user, title=title):
        raise PermissionDenied(
            AudienceErrorCode.REVIEW_NEEDS_USED_TICKET,
            "Only an account with a used ticket of this title may review it.",
        )
    with transaction.atomic():
        review, _created = Review.objects.update_or_create(
            title=title,
            user=user,
            defaults={"stars": stars, "text": body, "updated_at": timezone.now()},
        )
    return review


def moderate_review(*, actor: User, review_id: int, hidden: bool) -> Review:
    """Hide (or show again) a review. Administrators only.

    Raises :class:`PermissionDenied` ``not_moderator`` and :class:`NotFound`
    ``review_not_found``.
    """
    if not is_admin(actor):
        raise PermissionDenied(AudienceErrorCode.NOT_MODERATOR, "Only administrators moderate.")
    with transaction.atomic():
        changed = Review.objects.filter(pk=review_id).update(
            hidden=bool(hidden), updated_at=timezone.now()
        )
        if changed != 1:
            raise NotFound(AudienceErrorCode.REVIEW_NOT_FOUND, f"No review {review_id}.")
    return Review.objects.select_related("user").get(pk=review_id)
